// Per-remote playout buffer for poses: packets arrive at ~30 Hz with jitter, possibly out of
// order or duplicated; the renderer asks for a pose at every display frame. We play out a
// fixed delay behind the newest sample (mapped onto the local clock) and blend linearly
// between the two samples that bracket the playout time, so motion is smooth at any
// display rate.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "core/pose.hpp"

namespace posemeet {

class PoseInterpolator {
public:
    explicit PoseInterpolator(double playout_delay_ms = 80.0) : delay_ms_(playout_delay_ms) {}

    // Returns false for a duplicate or a sample too old to matter.
    bool push(std::uint32_t timestamp_ms, const Pose& pose, double local_receive_ms);
    // Pose to show at local time `local_now_ms`; empty before the first sample.
    std::optional<Pose> sample(double local_now_ms) const;

    std::size_t buffered() const { return samples_.size(); }
    // Estimated (local clock - sender clock) in ms: the smallest transit seen recently.
    double clock_offset_ms() const { return offset_ms_; }

private:
    struct Sample {
        std::int64_t ts;  // unwrapped sender timestamp
        Pose pose;
    };
    static constexpr std::size_t kMaxSamples = 32;
    static constexpr int kOffsetWindow = 90;  // ~3 s of packets

    double delay_ms_;
    std::deque<Sample> samples_;  // sorted by ts
    bool have_ts_ = false;
    std::uint32_t last_raw_ts_ = 0;
    std::int64_t last_unwrapped_ = 0;
    double offset_ms_ = 0;
    // Sliding-window minimum of the transit offsets: a monotonic deque of (packet index,
    // offset), so each push costs O(1) amortised instead of a scan of the window.
    std::uint64_t pushes_ = 0;
    std::deque<std::pair<std::uint64_t, double>> offset_minima_;
};

}  // namespace posemeet
