// See pose_interpolator.hpp.
#include "core/pose_interpolator.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/percentile.hpp"

namespace posemeet {
namespace {

// a += (b - c) * k, landmark by landmark (visibility included).
void add_difference(Pose& a, const Pose& b, const Pose& c, float k = 1.0f) {
    for (int i = 0; i < kLandmarkCount; ++i) {
        auto& o = a.landmarks[i];
        const auto& p = b.landmarks[i];
        const auto& q = c.landmarks[i];
        o.x += (p.x - q.x) * k;
        o.y += (p.y - q.y) * k;
        o.z += (p.z - q.z) * k;
        o.visibility += (p.visibility - q.visibility) * k;
    }
}

}  // namespace

bool PoseInterpolator::push(std::uint32_t timestamp_ms, const Pose& pose, double local_receive_ms) {
    // Unwrap the 32-bit clock relative to the previous packet (handles reordering too).
    std::int64_t ts;
    if (!have_ts_) {
        ts = timestamp_ms;
        have_ts_ = true;
    } else {
        ts = unwrap(timestamp_ms);
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
    transits_.push_back(offset);
    if (transits_.size() > static_cast<std::size_t>(kOffsetWindow)) transits_.pop_front();
    std::vector<double> spread(transits_.begin(), transits_.end());
    for (double& s : spread) s -= offset_ms_;
    jitter_ms_ = percentile(std::move(spread), 0.95);

    auto pos = std::lower_bound(samples_.begin(), samples_.end(), ts,
                                [](const Sample& s, std::int64_t v) { return s.ts < v; });
    if (pos != samples_.end() && pos->ts == ts) return false;  // duplicate
    if (pos == samples_.begin() && samples_.size() >= kMaxSamples) return false;  // too old
    // What the figure on screen would become with this sample, compared with what it is:
    // a sample near or past the playout time can change the pose there (it replaces a
    // guess), and that change is faded in by render() instead of shown as a jump.
    const bool on_screen = rendering_ && config_.fade_corrections && !samples_.empty() &&
                           static_cast<double>(ts) > render_ts_ - 3 * interval_ms_;
    const Pose shown_before = on_screen ? pose_at(render_ts_) : Pose{};
    samples_.insert(pos, Sample{ts, pose});
    while (samples_.size() > kMaxSamples) samples_.pop_front();
    update_interval();
    if (on_screen) {
        add_difference(correction_, shown_before, pose_at(render_ts_));
        correcting_ = true;
    }
    return true;
}

void PoseInterpolator::update_interval() {
    // The median gap: a lost packet doubles one gap and a tier change moves them all, but
    // only a majority of gaps moves the median, so a loss or two never does.
    if (samples_.size() < 2) return;
    std::vector<double> gaps;
    gaps.reserve(samples_.size() - 1);
    for (std::size_t i = 1; i < samples_.size(); ++i)
        gaps.push_back(static_cast<double>(samples_[i].ts - samples_[i - 1].ts));
    interval_ms_ = std::max(1.0, percentile(std::move(gaps), 0.5));
}

double PoseInterpolator::target_delay_ms() const {
    if (!config_.adapt_delay) return config_.min_delay_ms;
    return std::max(config_.min_delay_ms, interval_ms_ + jitter_ms_ + kJitterMarginMs);
}

Pose PoseInterpolator::pose_at(double playout) const {
    if (playout <= static_cast<double>(samples_.front().ts)) return samples_.front().pose;
    const Sample& newest = samples_.back();
    if (playout >= static_cast<double>(newest.ts)) {
        // Past the newest: go on along the last two samples' motion for up to two sender
        // intervals (one or two lost packets; the bench measured one as too short at
        // 10/s), when they are neighbours (not the two ends of a long gap), then hold.
        if (!config_.extrapolate || samples_.size() < 2) return newest.pose;
        const Sample& before = samples_[samples_.size() - 2];
        const double span = static_cast<double>(newest.ts - before.ts);
        if (span > 2.5 * interval_ms_) return newest.pose;
        const double ahead = std::min(playout - static_cast<double>(newest.ts), 2 * interval_ms_);
        Pose p = lerp(before.pose, newest.pose, static_cast<float>(1.0 + ahead / span));
        for (auto& l : p.landmarks) l.visibility = std::clamp(l.visibility, 0.0f, 1.0f);
        return p;
    }
    auto next = std::upper_bound(samples_.begin(), samples_.end(), playout,
                                 [](double v, const Sample& s) { return v < static_cast<double>(s.ts); });
    auto prev = next - 1;
    const double span = static_cast<double>(next->ts - prev->ts);
    const float t = static_cast<float>((playout - static_cast<double>(prev->ts)) / span);
    return lerp(prev->pose, next->pose, t);
}

std::optional<Pose> PoseInterpolator::sample(double local_now_ms) const {
    if (samples_.empty()) return std::nullopt;
    return pose_at(local_now_ms - offset_ms_ - target_delay_ms());
}

std::optional<Pose> PoseInterpolator::render(double local_now_ms, const std::optional<MediaTimeAnchor>& heard) {
    if (samples_.empty()) return std::nullopt;
    following_audio_ = heard.has_value();
    const double target = heard ? static_cast<double>(unwrap(heard->sender_ms)) + (local_now_ms - heard->local_ms)
                                : local_now_ms - offset_ms_ - target_delay_ms();
    const double elapsed = local_now_ms - render_local_;
    bool jumped = true;
    if (!rendering_ || elapsed < 0 || elapsed > kSnapMs) {
        render_ts_ = target;  // the first frame, or after a long pause in rendering
    } else {
        const double predicted = render_ts_ + elapsed;
        const double error = target - predicted;
        const double step = kSlew * elapsed;
        jumped = std::abs(error) > kSnapMs;
        render_ts_ = jumped ? target : predicted + std::clamp(error, -step, step);
    }
    rendering_ = true;
    render_local_ = local_now_ms;
    audio_skew_ms_ = heard ? render_ts_ - target : 0.0;
    starved_ = render_ts_ > static_cast<double>(samples_.back().ts);
    Pose shown = pose_at(render_ts_);
    if (jumped) {
        correction_ = Pose{};  // a jump is a jump: nothing to fade
        correcting_ = false;
    } else if (correcting_) {
        // Exponential fade, but a large correction no faster than kCorrectionSpeed, so
        // that it never shows as a sudden move of its own.
        float largest = 0;
        for (const auto& l : correction_.landmarks) largest = std::max(largest, std::hypot(l.x, l.y));
        double keep_d = std::exp(-elapsed / kCorrectionMs);
        if (largest > 0) keep_d = std::max(keep_d, 1.0 - kCorrectionSpeed * elapsed / 1000.0 / largest);
        const auto keep = static_cast<float>(std::max(0.0, keep_d));
        for (auto& l : correction_.landmarks) {
            l.x *= keep;
            l.y *= keep;
            l.z *= keep;
            l.visibility *= keep;
        }
        add_difference(shown, correction_, Pose{});
        for (auto& l : shown.landmarks) l.visibility = std::clamp(l.visibility, 0.0f, 1.0f);
    }
    return shown;
}

std::optional<std::uint32_t> PoseInterpolator::rendered_sender_ms() const {
    if (!rendering_) return std::nullopt;
    return static_cast<std::uint32_t>(static_cast<std::int64_t>(std::llround(render_ts_)));
}

}  // namespace posemeet
