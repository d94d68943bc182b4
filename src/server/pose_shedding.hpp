// When a media thread sheds pose deltas at the door (signaling_hub::on_binary): once it has
// fallen behind what it reads, so that it catches up instead of fanning every old pose out
// to every reader. Its write window tells how far behind it is (MediaWriteWindow::late_ms:
// how late its last window closed, normally 0-1 ms, tens of ms on a machine saturated by
// other work).
// - It sheds while the windows close kBehindAfterLateMs late or more: the poses it then
//   reads have waited longer than a page's pose playout holds one (80 ms at the least:
//   client/media_router.hpp), late for everyone.
// - And kShedForMs after: a window's lateness measures one turn of the thread's loop, not
//   what still waits in the kernel's buffers, and shedding reads that backlog many times
//   faster than real time.
// Voice, keyframes and control are never shed. Pure, no I/O; one per media thread, used on
// that thread alone.
#pragma once

#include <cstdint>
#include <limits>

namespace posemeet::server {

class PoseShedding {
public:
    static constexpr std::int64_t kBehindAfterLateMs = 100;
    static constexpr std::int64_t kShedForMs = 250;

    // `late_ms`: how late the thread's last write window closed; `mono_ms`: now. True: shed.
    bool shed(std::int64_t late_ms, std::int64_t mono_ms) {
        if (late_ms >= kBehindAfterLateMs) until_ms_ = mono_ms + kShedForMs;
        return mono_ms < until_ms_;
    }

private:
    std::int64_t until_ms_ = std::numeric_limits<std::int64_t>::min();
};

}  // namespace posemeet::server
