// One WebSocket connection's outgoing queue and its drop policy, with no I/O (the session
// owns the socket and asks this what to write next), so the policy is unit-tested alone.
//   - Bounded by messages and bytes; the message being written counts until it is done.
//   - Control (replies and informs) is never dropped. If control alone does not fit, push
//     says Overflow and the session closes the connection: the client is too slow to read.
//   - When media must give way, the victims are, in this order: stale pose (pose and pose
//     acks queued longer than stale_ms), stale audio, the oldest pose, then - for a new
//     pose - the new pose itself, the oldest audio, and - for new audio - itself. Audio
//     is kept longest: a gap in a voice is heard, a skipped pose frame is interpolated.
//   - What remains is never reordered. O(1) amortised per message: a list in send order
//     plus, per class (pose, audio), a FIFO of positions in it.
//   - Writes take a batch: the session frames every waiting message into one gather write.
//   - Counts drops per kind, and tells when a congestion notice is due (CongestionReport):
//     at the first drop, at most once per report_interval_ms while drops go on, and once
//     when none happened for clear_after_ms.
#pragma once

#include <cstdint>
#include <cstddef>
#include <list>
#include <memory>
#include <memory_resource>
#include <optional>
#include <string>
#include <vector>

#include "core/lazy_fifo.hpp"
#include "core/media_packet.hpp"
#include "core/protocol.hpp"

namespace posemeet::server {

enum class OutgoingKind : std::uint8_t { Control, Pose, PoseAck, Audio };
OutgoingKind outgoing_kind_of(MediaKind kind);

struct OutgoingLimits {
    std::size_t max_messages = 1024;
    std::size_t max_bytes = 4 * 1024 * 1024;
    std::int64_t stale_ms = 500;             // media queued this long goes first
    std::int64_t report_interval_ms = 1000;  // congestion notices at most this often
    std::int64_t clear_after_ms = 2000;      // no drop for this long: congestion over
};

struct DropCounts {
    std::uint64_t pose = 0, pose_ack = 0, audio = 0;
    std::uint64_t stale = 0;  // of the above, dropped for having waited past stale_ms
    std::uint64_t total() const { return pose + pose_ack + audio; }
    DropCounts minus(const DropCounts& earlier) const {
        return {pose - earlier.pose, pose_ack - earlier.pose_ack, audio - earlier.audio,
                stale - earlier.stale};
    }
};

// What a slow receiver is told (vcOnMediaCongestion).
struct CongestionReport {
    bool congested = false;     // false: the one report when it cleared
    DropCounts dropped;         // during this episode
    std::size_t queued_messages = 0, queued_bytes = 0;
    std::int64_t queued_ms = 0;  // how long the oldest queued message has waited
    std::int64_t duration_ms = 0;  // since the first drop of this episode
};
// The inform's data: {congested, duration_ms, dropped_pose, dropped_pose_ack, dropped_audio,
// queued_messages, queued_bytes, queued_ms}.
protocol::Json to_json(const CongestionReport& report);

class OutgoingQueue {
public:
    struct Item {
        std::shared_ptr<const std::string> data;
        OutgoingKind kind = OutgoingKind::Control;
        std::int64_t queued_ms = 0;
        bool binary() const { return kind != OutgoingKind::Control; }
    };
    enum class PushResult {
        Queued,    // possibly after dropping older media
        Dropped,   // the new media itself gave way
        Overflow,  // control that does not fit even without media: close the connection
    };

    // `nodes`: where the queue's entries are allocated (one per message). A media thread's
    // sessions share a pool (MediaThreads): malloc and free per delivery were a fifth of the
    // relay's CPU in large rooms. Used on one thread only, like the queue.
    explicit OutgoingQueue(OutgoingLimits limits = {},
                           std::pmr::memory_resource* nodes = std::pmr::get_default_resource())
        : limits_(limits), items_(nodes) {}

    PushResult push(std::shared_ptr<const std::string> data, OutgoingKind kind, std::int64_t now_ms);

    // The next message to write (it stays counted, and can no longer be dropped, until
    // written()); nullptr when nothing waits or one is already being written.
    const Item* start_write();
    // The same for a run of waiting messages, oldest first, as many as fit in `max_bytes`
    // (at least one): they are in_flight() until written(). Returns how many.
    std::size_t start_batch(std::size_t max_bytes);
    struct InFlight {
        std::pmr::list<Item>::const_iterator first, last;
        auto begin() const { return first; }
        auto end() const { return last; }
    };
    InFlight in_flight() const { return {items_.begin(), std::next(items_.begin(), static_cast<long>(in_flight_))}; }
    void written();
    bool writing() const { return in_flight_ > 0; }
    // Forgets everything (the connection is gone); an in-flight item stays until written().
    void clear();

    std::size_t messages() const { return items_.size(); }
    std::size_t bytes() const { return bytes_; }
    // How long the oldest message (in flight included) has waited; 0 when empty.
    std::int64_t oldest_age_ms(std::int64_t now_ms) const;
    const DropCounts& dropped() const { return dropped_; }
    bool congested() const { return congested_; }

    // A congestion notice when one is due now (see the file comment); call after pushes
    // and from a periodic timer so that the "cleared" report goes out.
    std::optional<CongestionReport> congestion_report(std::int64_t now_ms);

private:
    using Iter = std::pmr::list<Item>::iterator;
    enum class Victim { None, Incoming, OldestPose, OldestAudio };

    bool fits(std::size_t size) const;
    Victim choose_victim(OutgoingKind incoming, std::int64_t now_ms) const;
    bool stale(const LazyFifo<Iter>& fifo, std::int64_t now_ms) const;
    void drop_oldest(LazyFifo<Iter>& fifo, std::int64_t now_ms);
    void count_drop(OutgoingKind kind, bool was_stale, std::int64_t now_ms);
    LazyFifo<Iter>* fifo_of(OutgoingKind kind);

    OutgoingLimits limits_;
    // In send order: the first in_flight_ are being written (out of reach of the drop
    // policy), the rest wait.
    std::pmr::list<Item> items_;
    LazyFifo<Iter> poses_, audio_;  // pose + pose ack / audio items waiting, oldest first
    std::size_t in_flight_ = 0;
    std::size_t bytes_ = 0;  // all of items_
    DropCounts dropped_;

    // Congestion episode (see congestion_report).
    bool congested_ = false;
    std::int64_t since_ms_ = 0, last_drop_ms_ = 0, last_report_ms_ = 0;
    DropCounts at_episode_start_;
    std::uint64_t reported_drops_ = 0;  // dropped_.total() at the last report
    bool reported_in_episode_ = false;
};

}  // namespace posemeet::server
