// See outgoing_queue.hpp.
#include "server/outgoing_queue.hpp"

#include <algorithm>
#include <iterator>

namespace posemeet::server {

OutgoingKind outgoing_kind_of(MediaKind kind) {
    switch (kind) {
        case MediaKind::Pose: return OutgoingKind::Pose;
        case MediaKind::PoseAck: return OutgoingKind::PoseAck;
        case MediaKind::Audio: return OutgoingKind::Audio;
    }
    return OutgoingKind::Pose;  // unreachable: the relay only forwards packets it parsed
}

LazyFifo<OutgoingQueue::Iter>* OutgoingQueue::fifo_of(OutgoingKind kind) {
    switch (kind) {
        case OutgoingKind::Pose:
        case OutgoingKind::PoseAck: return &poses_;
        case OutgoingKind::Audio: return &audio_;
        case OutgoingKind::Control: break;
    }
    return nullptr;
}

bool OutgoingQueue::fits(std::size_t size) const {
    return messages() < limits_.max_messages && bytes_ + size <= limits_.max_bytes;
}

bool OutgoingQueue::stale(const LazyFifo<Iter>& fifo, std::int64_t now_ms) const {
    return !fifo.empty() && now_ms - fifo.front()->queued_ms >= limits_.stale_ms;
}

OutgoingQueue::Victim OutgoingQueue::choose_victim(OutgoingKind incoming, std::int64_t now_ms) const {
    if (stale(poses_, now_ms)) return Victim::OldestPose;
    if (stale(audio_, now_ms)) return Victim::OldestAudio;
    if (!poses_.empty()) return Victim::OldestPose;
    if (incoming == OutgoingKind::Pose || incoming == OutgoingKind::PoseAck) return Victim::Incoming;
    if (!audio_.empty()) return Victim::OldestAudio;
    if (incoming == OutgoingKind::Audio) return Victim::Incoming;
    return Victim::None;
}

void OutgoingQueue::drop_oldest(LazyFifo<Iter>& fifo, std::int64_t now_ms) {
    const Iter it = fifo.front();
    fifo.pop_front();
    const bool was_stale = now_ms - it->queued_ms >= limits_.stale_ms;
    const OutgoingKind kind = it->kind;
    bytes_ -= it->data->size();
    items_.erase(it);
    count_drop(kind, was_stale, now_ms);
}

void OutgoingQueue::count_drop(OutgoingKind kind, bool was_stale, std::int64_t now_ms) {
    if (!congested_) {
        congested_ = true;
        since_ms_ = now_ms;
        at_episode_start_ = dropped_;
        reported_drops_ = dropped_.total();
        reported_in_episode_ = false;
    }
    last_drop_ms_ = now_ms;
    switch (kind) {
        case OutgoingKind::Pose: ++dropped_.pose; break;
        case OutgoingKind::PoseAck: ++dropped_.pose_ack; break;
        case OutgoingKind::Audio: ++dropped_.audio; break;
        case OutgoingKind::Control: break;  // never dropped
    }
    if (was_stale) ++dropped_.stale;
}

OutgoingQueue::PushResult OutgoingQueue::push(std::shared_ptr<const std::string> data,
                                              OutgoingKind kind, std::int64_t now_ms) {
    if (!data) return PushResult::Dropped;  // nothing to send (not counted)
    const std::size_t size = data->size();
    while (!fits(size)) {
        switch (choose_victim(kind, now_ms)) {
            case Victim::None: return PushResult::Overflow;
            case Victim::Incoming: count_drop(kind, false, now_ms); return PushResult::Dropped;
            case Victim::OldestPose: drop_oldest(poses_, now_ms); break;
            case Victim::OldestAudio: drop_oldest(audio_, now_ms); break;
        }
    }
    items_.push_back(Item{std::move(data), kind, now_ms});
    if (auto* fifo = fifo_of(kind)) fifo->push_back(std::prev(items_.end()));
    bytes_ += size;
    return PushResult::Queued;
}

const OutgoingQueue::Item* OutgoingQueue::start_write() {
    if (in_flight_ || items_.empty()) return nullptr;
    start_batch(0);
    return &items_.front();
}

std::size_t OutgoingQueue::start_batch(std::size_t max_bytes) {
    if (in_flight_) return 0;
    std::size_t batch_bytes = 0;
    for (auto it = items_.begin(); it != items_.end(); ++it) {
        const std::size_t size = it->data->size();
        if (in_flight_ > 0 && batch_bytes + size > max_bytes) break;
        // Every media item before this one is in flight already (or was dropped), so the
        // front of its class FIFO is this one.
        if (auto* fifo = fifo_of(it->kind)) fifo->pop_front();
        batch_bytes += size;
        ++in_flight_;
    }
    return in_flight_;
}

void OutgoingQueue::written() {
    for (; in_flight_ > 0; --in_flight_) {
        bytes_ -= items_.front().data->size();
        items_.pop_front();
    }
}

void OutgoingQueue::clear() {
    items_.erase(std::next(items_.begin(), static_cast<long>(in_flight_)), items_.end());
    poses_.clear();
    audio_.clear();
    bytes_ = 0;
    for (const Item& item : items_) bytes_ += item.data->size();
}

std::int64_t OutgoingQueue::oldest_age_ms(std::int64_t now_ms) const {
    // Callers may read a clock taken just before the push: never a negative age.
    const Item* oldest = items_.empty() ? nullptr : &items_.front();
    return oldest ? std::max<std::int64_t>(0, now_ms - oldest->queued_ms) : 0;
}

std::optional<CongestionReport> OutgoingQueue::congestion_report(std::int64_t now_ms) {
    if (!congested_) return std::nullopt;  // the common case, checked per relayed packet
    const bool cleared = now_ms - last_drop_ms_ >= limits_.clear_after_ms;
    if (!cleared) {
        const bool news = dropped_.total() > reported_drops_;
        if (!news || (reported_in_episode_ && now_ms - last_report_ms_ < limits_.report_interval_ms))
            return std::nullopt;
        reported_in_episode_ = true;
        last_report_ms_ = now_ms;
        reported_drops_ = dropped_.total();
    }
    congested_ = !cleared;
    CongestionReport r;
    r.congested = !cleared;
    r.duration_ms = now_ms - since_ms_;
    r.dropped = dropped_.minus(at_episode_start_);
    r.queued_messages = messages();
    r.queued_bytes = bytes_;
    r.queued_ms = oldest_age_ms(now_ms);
    return r;
}

}  // namespace posemeet::server

namespace posemeet::server {

protocol::Json to_json(const CongestionReport& r) {
    return protocol::Json{{"congested", r.congested},
                          {"duration_ms", r.duration_ms},
                          {"dropped_pose", r.dropped.pose},
                          {"dropped_pose_ack", r.dropped.pose_ack},
                          {"dropped_audio", r.dropped.audio},
                          {"queued_messages", r.queued_messages},
                          {"queued_bytes", r.queued_bytes},
                          {"queued_ms", r.queued_ms}};
}

}  // namespace posemeet::server
