// When a media thread sheds pose deltas at the door (signaling_hub::on_binary): once it has
// fallen behind what it reads, so that it catches up instead of fanning every old pose out
// to every reader. Its write window tells how far behind it is (MediaWriteWindow::late_ms:
// how late its last window closed, normally 0-1 ms, tens of ms on a machine saturated by
// other work).
// - A window kBehindAfterLateMs late or more: the poses the thread then reads have waited
//   longer than a page's pose playout holds one (80 ms at the least:
//   client/media_router.hpp), late for everyone.
// - It sheds for kShedForMs after that window closed: a window's lateness measures one turn
//   of the thread's loop, not what still waits in the kernel's buffers, and shedding reads
//   that backlog many times faster than real time. Then it relays again, and sheds again
//   when the next window is late too. It never sheds on a late window alone, long after:
//   shedding holds no media, so while it lasts no window opens that could say it caught up.
// Voice, keyframes and control are never shed. Pure, no I/O.
#pragma once

#include <cstdint>

namespace posemeet::server {

struct PoseShedding {
    static constexpr std::int64_t kBehindAfterLateMs = 100;
    static constexpr std::int64_t kShedForMs = 250;

    // The thread's last write window closed `late_ms` late at `closed_at_ms`; now is
    // `mono_ms` (all ServerClock::mono_ms). True: shed.
    static bool shed(std::int64_t late_ms, std::int64_t closed_at_ms, std::int64_t mono_ms) {
        return late_ms >= kBehindAfterLateMs && mono_ms < closed_at_ms + kShedForMs;
    }
};

}  // namespace posemeet::server
