// See jitter_buffer.hpp.
#include "core/audio/jitter_buffer.hpp"

#include <algorithm>
#include <limits>

namespace posemeet::audio {
namespace {

// A backwards sequence jump this large while not playing is a new stream (the sender
// restarted its counter), not a very late packet.
constexpr std::int64_t kRebaseFrames = 50;
// Spread percentile the target covers: the rare later packet is bridged by FEC or PLC
// rather than paid for with delay on every frame.
constexpr double kSpreadPercentile = 0.97;
// Excess depth (beyond one frame above the target) tolerated before a frame is dropped.
constexpr int kShrinkMarginMs = 10;

int clamp_int(std::int64_t v) {
    return static_cast<int>(std::clamp<std::int64_t>(v, std::numeric_limits<int>::min(),
                                                     std::numeric_limits<int>::max()));
}

// kSpreadPercentile of `samples` above their minimum (0 when empty); `min_out` gets the minimum.
std::int64_t spread_above_min(const std::deque<std::int64_t>& samples, std::int64_t& min_out) {
    if (samples.empty()) return min_out = 0;
    min_out = *std::min_element(samples.begin(), samples.end());
    std::vector<std::int64_t> v(samples.begin(), samples.end());
    const auto k = static_cast<std::size_t>(kSpreadPercentile * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k] - min_out;
}

}  // namespace

JitterBuffer::JitterBuffer(JitterBufferConfig config) : cfg_(config) {
    cfg_.min_delay_ms = std::max(0, cfg_.min_delay_ms);
    cfg_.max_delay_ms = std::max(cfg_.min_delay_ms, cfg_.max_delay_ms);
    cfg_.max_packets = std::max(2, cfg_.max_packets);
    target_ms_ = cfg_.min_delay_ms;
}

std::int64_t JitterBuffer::unwrap_local(std::uint32_t t) {
    if (!have_local_) {
        have_local_ = true;
        local_ = t;
        local_raw_ = t;
        return local_;
    }
    const std::int64_t v = local_ + static_cast<std::int32_t>(t - local_raw_);
    if (v > local_) {
        local_ = v;
        local_raw_ = t;
    }
    return v;
}

void JitterBuffer::update_target() {
    spread_ms_ = clamp_int(spread_above_min(transits_, min_transit_));
    // The margin grows with the spreads, up to one frame: the more a path jitters, the
    // further its next second may stray from the last five. While packets are being lost
    // it is one frame, so the next packet (whose FEC rebuilds a lost one) is here in time.
    // The pulls' spread counts up to one frame: beyond that it is a starved player that
    // stalls and then catches up in a burst, whose late pulls find their packets waiting
    // anyway (on a loaded machine the whole stall length would otherwise become delay).
    const int spreads = spread_ms_ + std::min(pop_spread_ms_, kFrameMs);
    const bool losing = pops_since_loss_ < static_cast<std::int64_t>(kWindow);
    const int margin = losing ? kFrameMs : std::clamp(spreads, kMarginMs, kFrameMs);
    target_ms_ = std::clamp(spreads + margin, cfg_.min_delay_ms, cfg_.max_delay_ms);
}

void JitterBuffer::note_pop_time(std::int64_t now) {
    if (pop_offsets_.empty() || now - last_pop_ > kStopFrames * kFrameMs || now < last_pop_) {
        pop_offsets_.clear();
        grid_pops_ = 0;
    }
    last_pop_ = now;
    pop_offsets_.push_back(now - grid_pops_++ * kFrameMs);
    while (pop_offsets_.size() > kWindow) pop_offsets_.pop_front();
    std::int64_t earliest = 0;
    pop_spread_ms_ = clamp_int(spread_above_min(pop_offsets_, earliest));
    ++pops_since_loss_;
    update_target();
}

void JitterBuffer::push(std::uint16_t sequence, std::uint32_t timestamp_ms,
                        std::vector<std::uint8_t> payload, std::uint32_t arrival_ms) {
    ++stats_.received;
    const std::int64_t arrival = unwrap_local(arrival_ms);
    std::int64_t seq, ts;
    if (!have_packet_) {
        have_packet_ = true;
        seq = highest_seq_ = sequence;
        ts = highest_ts_ = timestamp_ms;
        highest_seq_raw_ = sequence;
        highest_ts_raw_ = timestamp_ms;
    } else {
        seq = highest_seq_ + static_cast<std::int16_t>(sequence - highest_seq_raw_);
        ts = highest_ts_ + static_cast<std::int32_t>(timestamp_ms - highest_ts_raw_);
    }

    if (!playing_ && floor_seq_ != std::numeric_limits<std::int64_t>::min() &&
        seq < floor_seq_ - kRebaseFrames) {
        // New stream: forget the old one's packets and timing.
        packets_.clear();
        transits_.clear();
        highest_seq_ = seq;
        highest_seq_raw_ = sequence;
        highest_ts_ = ts;
        highest_ts_raw_ = timestamp_ms;
        floor_seq_ = seq;
    }
    if (seen(seq)) {
        ++stats_.duplicates;
        return;
    }
    seen_[static_cast<std::size_t>(seq) & (kSeen - 1)] = seq;
    // The sender is alive: what was concealed meanwhile really was lost.
    if (unsure_lost_ > 0) pops_since_loss_ = 0;
    unsure_lost_ = 0;

    // Transit time, late packets included: they are exactly what the target must cover.
    const std::int64_t transit = arrival - ts;
    if (!playing_ && !transits_.empty() &&
        (transit - min_transit_ > cfg_.max_delay_ms ||
         transit - min_transit_ < -cfg_.max_delay_ms)) {
        // Restarting with a different clock relation (timestamps frozen while muted, a
        // reconnected sender, a long stall): old transit times would misplace the playout.
        transits_.clear();
    }
    transits_.push_back(transit);
    while (transits_.size() > kWindow) transits_.pop_front();
    update_target();

    if (seq > highest_seq_) {
        highest_seq_ = seq;
        highest_seq_raw_ = sequence;
        highest_ts_ = ts;
        highest_ts_raw_ = timestamp_ms;
    }
    if (seq < floor_seq_) {
        ++stats_.late;
        return;
    }
    packets_[seq] = Entry{ts, std::move(payload)};
    while (packets_.size() > static_cast<std::size_t>(cfg_.max_packets)) {
        auto first = packets_.begin();
        ++stats_.dropped;
        floor_seq_ = first->first + 1;
        if (playing_ && first->first >= next_seq_) {
            next_seq_ = first->first + 1;
            next_ts_ = first->second.ts + kFrameMs;
        }
        packets_.erase(first);
    }
}

Playout JitterBuffer::silence(std::int64_t now) const {
    Playout p;
    p.kind = Playout::Kind::Silence;
    if (!transits_.empty())
        p.timestamp_ms = static_cast<std::uint32_t>(now - min_transit_ - target_ms_);
    return p;
}

Playout JitterBuffer::take(std::map<std::int64_t, Entry>::iterator it) {
    Playout p;
    p.kind = Playout::Kind::Packet;
    p.timestamp_ms = static_cast<std::uint32_t>(it->second.ts);
    p.payload = std::move(it->second.payload);
    next_seq_ = it->first + 1;
    next_ts_ = it->second.ts + kFrameMs;
    floor_seq_ = next_seq_;
    packets_.erase(it);
    return p;
}

void JitterBuffer::stop() {
    playing_ = false;
    stats_.lost -= std::min(stats_.lost, unsure_lost_);
    unsure_lost_ = 0;
    dry_pops_ = 0;
    depth_ms_ = 0;
    // The turns concealed during the dry spell were never really consumed: a sender that
    // resumes with the next sequence number is on time, not late.
    floor_seq_ = std::min(next_seq_, highest_seq_ + 1);
}

Playout JitterBuffer::pop(std::uint32_t now_ms) {
    const std::int64_t now = unwrap_local(now_ms);
    note_pop_time(now);

    if (playing_) {
        std::int64_t depth = now - next_ts_ - min_transit_;
        auto it = packets_.find(next_seq_);
        if (it != packets_.end()) {
            dry_pops_ = 0;
            auto after = packets_.find(next_seq_ + 1);
            if (depth >= target_ms_ + kFrameMs + kShrinkMarginMs && after != packets_.end()) {
                // Too deep (the network calmed down, or a burst arrived): skip one frame.
                // Afterwards the depth is still above the target, so this never makes the
                // buffer wait (conceal) right away; the margin keeps the target's small
                // wobbles from doing so later.
                packets_.erase(it);
                ++stats_.dropped;
                it = after;
                depth -= kFrameMs;
            }
            depth_ms_ = clamp_int(std::max<std::int64_t>(depth, 0));
            return take(it);
        }

        if (packets_.empty()) {
            if (++dry_pops_ > kStopFrames) {
                stop();
                return silence(now);
            }
        } else {
            dry_pops_ = 0;
            const std::int64_t gap = packets_.begin()->first - next_seq_;
            if (gap > kStopFrames) {
                // A hole too long to conceal through: start again at the next packet, at
                // its own due time (silence until then). The start counts the hole as lost.
                playing_ = false;
                depth_ms_ = 0;
                floor_seq_ = next_seq_;
            }
        }
        if (playing_) {
            depth_ms_ = clamp_int(std::max<std::int64_t>(depth, 0));
            Playout p;
            if (depth < target_ms_) {
                // Not deep enough and the packet is not here yet: wait one frame for it.
                p.kind = Playout::Kind::Conceal;
                p.timestamp_ms = static_cast<std::uint32_t>(next_ts_ - kFrameMs);
                ++stats_.concealed;
                return p;
            }
            ++stats_.lost;
            if (packets_.empty()) {
                ++unsure_lost_;  // a loss, or the sender stopped: push() tells which
            } else {
                pops_since_loss_ = 0;
                update_target();
            }
            p.timestamp_ms = static_cast<std::uint32_t>(next_ts_);
            auto next = packets_.find(next_seq_ + 1);
            if (next != packets_.end()) {
                p.kind = Playout::Kind::FecFromNext;
                p.payload = next->second.payload;
                ++stats_.fec_recovered;
            } else {
                p.kind = Playout::Kind::Conceal;
                ++stats_.concealed;
            }
            ++next_seq_;
            next_ts_ += kFrameMs;
            floor_seq_ = next_seq_;
            return p;
        }
    }

    // Not playing: start once the oldest queued packet has waited out the target delay.
    if (packets_.empty()) return silence(now);
    auto due = [&](const auto& entry) { return entry.second.ts + min_transit_ + target_ms_; };
    if (now < due(*packets_.begin())) return silence(now);
    auto first = packets_.begin();
    if (floor_seq_ != std::numeric_limits<std::int64_t>::min()) {
        // Resuming the same stream: the sequence numbers between where it stopped and
        // where it resumes never arrived. (A paused sender keeps its numbers contiguous; a
        // jump larger than the buffer is a new numbering, not a loss.)
        const std::int64_t gap = first->first - floor_seq_;
        if (gap > 0 && gap <= cfg_.max_packets) {
            stats_.lost += static_cast<std::uint64_t>(gap);
            pops_since_loss_ = 0;
            update_target();
        }
    }
    // After a stall the queue may hold packets long overdue: start with the newest one
    // that is due, so the delay starts at the target instead of the stall's length.
    while (packets_.size() > 1 && now >= due(*std::next(packets_.begin()))) {
        packets_.erase(packets_.begin());
        ++stats_.dropped;
    }
    first = packets_.begin();
    playing_ = true;
    dry_pops_ = 0;
    unsure_lost_ = 0;
    ++stats_.restarts;
    depth_ms_ = clamp_int(std::max<std::int64_t>(now - first->second.ts - min_transit_, 0));
    return take(first);
}

JitterStats JitterBuffer::stats() const {
    JitterStats s = stats_;
    s.target_delay_ms = target_ms_;
    s.current_depth_ms = playing_ ? depth_ms_ : 0;
    s.jitter_ms = spread_ms_;
    s.pop_jitter_ms = pop_spread_ms_;
    s.min_transit_ms = clamp_int(min_transit_);
    s.buffered_packets = static_cast<int>(packets_.size());
    return s;
}

}  // namespace posemeet::audio
