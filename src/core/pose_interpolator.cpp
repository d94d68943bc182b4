// See pose_interpolator.hpp.
#include "core/pose_interpolator.hpp"

#include <algorithm>

namespace posemeet {

bool PoseInterpolator::push(std::uint32_t timestamp_ms, const Pose& pose, double local_receive_ms) {
    // Unwrap the 32-bit clock relative to the previous packet (handles reordering too).
    std::int64_t ts;
    if (!have_ts_) {
        ts = timestamp_ms;
        have_ts_ = true;
    } else {
        ts = last_unwrapped_ + static_cast<std::int32_t>(timestamp_ms - last_raw_ts_);
    }
    if (ts > last_unwrapped_ || samples_.empty()) {
        last_unwrapped_ = ts;
        last_raw_ts_ = timestamp_ms;
    }

    const double offset = local_receive_ms - static_cast<double>(ts);
    const std::uint64_t index = pushes_++;
    while (!offset_minima_.empty() && offset_minima_.back().second >= offset) offset_minima_.pop_back();
    offset_minima_.emplace_back(index, offset);
    while (offset_minima_.front().first + kOffsetWindow <= index) offset_minima_.pop_front();
    offset_ms_ = offset_minima_.front().second;

    auto pos = std::lower_bound(samples_.begin(), samples_.end(), ts,
                                [](const Sample& s, std::int64_t v) { return s.ts < v; });
    if (pos != samples_.end() && pos->ts == ts) return false;  // duplicate
    if (pos == samples_.begin() && samples_.size() >= kMaxSamples) return false;  // too old
    samples_.insert(pos, Sample{ts, pose});
    while (samples_.size() > kMaxSamples) samples_.pop_front();
    return true;
}

std::optional<Pose> PoseInterpolator::sample(double local_now_ms) const {
    if (samples_.empty()) return std::nullopt;
    const double playout = local_now_ms - offset_ms_ - delay_ms_;
    if (playout <= static_cast<double>(samples_.front().ts)) return samples_.front().pose;
    if (playout >= static_cast<double>(samples_.back().ts)) return samples_.back().pose;
    auto next = std::upper_bound(samples_.begin(), samples_.end(), playout,
                                 [](double v, const Sample& s) { return v < static_cast<double>(s.ts); });
    auto prev = next - 1;
    const double span = static_cast<double>(next->ts - prev->ts);
    const float t = static_cast<float>((playout - static_cast<double>(prev->ts)) / span);
    return lerp(prev->pose, next->pose, t);
}

}  // namespace posemeet
