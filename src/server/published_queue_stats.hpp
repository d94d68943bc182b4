// What a WebSocket's outgoing queue looks like, published by the session's media thread so
// that the hub's thread can report it (GET /api/v1/stats, /metrics, the slow receivers)
// without touching the queue: relaxed atomics, each figure current on its own (a reading
// may mix two moments a few microseconds apart; statistics allow it). The session and the
// hub's record of the connection share it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "server/outgoing_queue.hpp"

namespace posemeet::server {

class PublishedQueueStats {
public:
    // On the session's thread, after the queue changed.
    void publish(const OutgoingQueue& queue, std::int64_t mono_ms) {
        const DropCounts& d = queue.dropped();
        pose_.store(d.pose, std::memory_order_relaxed);
        pose_ack_.store(d.pose_ack, std::memory_order_relaxed);
        audio_.store(d.audio, std::memory_order_relaxed);
        stale_.store(d.stale, std::memory_order_relaxed);
        congested_.store(queue.congested(), std::memory_order_relaxed);
        messages_.store(queue.messages(), std::memory_order_relaxed);
        bytes_.store(queue.bytes(), std::memory_order_relaxed);
        oldest_since_ms_.store(mono_ms - queue.oldest_age_ms(mono_ms), std::memory_order_relaxed);
    }

    // On any thread.
    DropCounts dropped() const {
        DropCounts d;
        d.pose = pose_.load(std::memory_order_relaxed);
        d.pose_ack = pose_ack_.load(std::memory_order_relaxed);
        d.audio = audio_.load(std::memory_order_relaxed);
        d.stale = stale_.load(std::memory_order_relaxed);
        return d;
    }
    bool congested() const { return congested_.load(std::memory_order_relaxed); }
    std::size_t messages() const { return messages_.load(std::memory_order_relaxed); }
    std::size_t bytes() const { return bytes_.load(std::memory_order_relaxed); }
    // How long the oldest queued message has waited at `mono_ms` (0 when none waits).
    std::int64_t oldest_age_ms(std::int64_t mono_ms) const {
        if (messages() == 0) return 0;
        const std::int64_t age = mono_ms - oldest_since_ms_.load(std::memory_order_relaxed);
        return age > 0 ? age : 0;
    }

private:
    std::atomic<std::uint64_t> pose_{0}, pose_ack_{0}, audio_{0}, stale_{0};
    std::atomic<bool> congested_{false};
    std::atomic<std::size_t> messages_{0}, bytes_{0};
    std::atomic<std::int64_t> oldest_since_ms_{0};
};

}  // namespace posemeet::server
