// Holds relayed media back for a moment so that more packets for the same receiver leave in
// one write (--media-write-window-ms, 5 by default; 0 turns it off).
//
// Why: on this machine the kernel's TCP path, paid once per write, is two thirds of the
// relay's CPU (perf: tcp_sendmsg, the loopback receive, skb alloc and free), and in a room of
// 10 at 30 Hz a receiver gets a packet every 3.7 ms, so writes at the end of each pass of
// the thread's loop rarely find more than one packet waiting. Held for W ms, a receiver's
// packets of those W ms go out together: fewer writes for the server, fewer reads for the
// client. The cost is latency: a packet waits 0 to W ms (W/2 on average).
//
// One per media thread, one timer for all its sessions: the first packet held starts the
// window, and when it closes every session holding media writes. Control replies, informs,
// pongs and close frames never wait (and a control write takes the held media with it).
//
// It also counts the thread's writes and the messages in them, window or not (readable from
// any thread: /api/v1/stats, /metrics): messages per write is what batching buys. And it
// tells how late its last window closed: a thread that cannot keep up with what it reads
// runs its timers late, by about the time its backlog waits (the relay then sheds pose
// deltas at the door: server/pose_shedding.hpp).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "server/net.hpp"

namespace posemeet::server {

class MediaWriteWindow {
public:
    // What the window holds: a connection with media to write (websocket_session).
    class Writer {
    public:
        virtual void write_held_media() = 0;

    protected:
        ~Writer() = default;
    };

    MediaWriteWindow(net::any_io_executor executor, std::chrono::milliseconds window);
    MediaWriteWindow(const MediaWriteWindow&) = delete;
    MediaWriteWindow& operator=(const MediaWriteWindow&) = delete;

    bool enabled() const { return window_.count() > 0; }
    // `writer` has media to write: it writes when the window closes (the window keeps it
    // alive until then). Once per window: the writer remembers that it is held.
    void hold(std::shared_ptr<Writer> writer);

    // One write to a socket of this thread with `messages` WebSocket frames in it.
    void count_write(std::size_t messages) {
        writes_.fetch_add(1, std::memory_order_relaxed);
        messages_.fetch_add(messages, std::memory_order_relaxed);
    }
    std::uint64_t writes() const { return writes_.load(std::memory_order_relaxed); }
    std::uint64_t messages_written() const { return messages_.load(std::memory_order_relaxed); }
    // How long after its time the last window closed (0 until one has), and when it closed
    // (steady clock, ms: ServerClock::mono_ms). Readable from any thread; the two may be of
    // neighbouring windows. Only measured while media are held and the window is on.
    std::int64_t late_ms() const { return late_ms_.load(std::memory_order_relaxed); }
    std::int64_t closed_at_ms() const { return closed_at_ms_.load(std::memory_order_relaxed); }

private:
    void close_window();

    const std::chrono::milliseconds window_;
    net::steady_timer timer_;
    std::vector<std::shared_ptr<Writer>> held_;
    std::vector<std::shared_ptr<Writer>> writing_;  // the closing window's, reused
    bool open_ = false;
    std::chrono::steady_clock::time_point closes_at_{};
    std::atomic<std::int64_t> late_ms_{0}, closed_at_ms_{0};
    // Written by the media thread alone, read by the hub's: no cache line bouncing.
    std::atomic<std::uint64_t> writes_{0}, messages_{0};
};

}  // namespace posemeet::server
