// Per-remote playout buffer for poses: packets arrive at the sender's tier rate (10-30 Hz,
// core/pose_tier.hpp) with jitter, possibly lost, out of order or duplicated; the renderer
// asks for a pose at every display frame.
//
// Where playout is. Each packet's transit (local arrival - sender timestamp) enters a
// window of recent ones: its minimum is the clock offset (the fastest path), the spread
// above it the jitter. Left to itself the buffer plays target_delay_ms() behind the fastest
// possible arrival: one sender interval (so the sample after the playout time has normally
// arrived by then) plus the jitter's 95th percentile, never less than the configured
// minimum. While the sender's voice is playing, render() is told which sender time the
// listener hears (a MediaTimeAnchor from the audio engine) and plays the pose at that same
// sender time instead, so lips and gestures line up with the voice.
//
// Smoothness. render()'s playout time runs at real speed and reaches a new target (audio
// starting or stopping, the jitter estimate moving, the audio buffer skipping a frame) by
// running up to kSlew faster or slower, so the pose never jumps or runs backwards for it;
// only a gap over kSnapMs is jumped. Between two samples poses blend linearly. Past the
// newest sample (its successor lost or late) the motion of the last two samples goes on
// for up to two sender intervals, then the pose holds, so a lost packet or two is bridged instead
// of freezing the figure and then snapping it forward. When a late packet shows that such
// a guess (or a blend across a gap) was off, the difference it would make to the pose on
// screen is not applied at once but faded in over ~kCorrectionMs (a large one at a capped
// speed, so that it never becomes a visible move of its own).
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "core/media_time_anchor.hpp"
#include "core/pose.hpp"

namespace posemeet {

struct PosePlayoutConfig {
    double min_delay_ms = 80.0;
    bool adapt_delay = true;  // false: always min_delay_ms behind the fastest arrival
    bool extrapolate = true;  // false: past the newest sample, hold it
    bool fade_corrections = true;  // false: a late packet's correction shows at once
};

class PoseInterpolator {
public:
    static constexpr double kSlew = 0.1;       // render()'s playout runs at 0.9x-1.1x speed to catch up
    static constexpr double kSnapMs = 300.0;   // further off than this, it jumps
    static constexpr double kJitterMarginMs = 5.0;
    static constexpr double kCorrectionMs = 100.0;  // time constant of a correction's fade
    static constexpr double kCorrectionSpeed = 0.15;  // ...but at most this fast (image widths/s)

    explicit PoseInterpolator(PosePlayoutConfig config = {}) : config_(config) {}

    // Returns false for a duplicate or a sample too old to matter.
    bool push(std::uint32_t timestamp_ms, const Pose& pose, double local_receive_ms);
    // The pose at local time `local_now_ms` for a renderer with no memory: target_delay_ms()
    // behind the fastest arrival. Empty before the first sample.
    std::optional<Pose> sample(double local_now_ms) const;
    // The pose for the display frame at `local_now_ms`, at the sender time the listener
    // hears (`heard`, while the sender's audio plays) or else as sample() would, reached
    // smoothly (see above). Empty before the first sample.
    std::optional<Pose> render(double local_now_ms, const std::optional<MediaTimeAnchor>& heard = std::nullopt);

    std::size_t buffered() const { return samples_.size(); }
    // Estimated (local clock - sender clock) in ms: the smallest transit seen recently.
    double clock_offset_ms() const { return offset_ms_; }
    // The sender's interval between poses (median gap of the buffered samples; 1000/30
    // before there are two), and the rate it implies.
    double sender_interval_ms() const { return interval_ms_; }
    double sender_rate_hz() const { return samples_.size() >= 2 ? 1000.0 / interval_ms_ : 0.0; }
    // 95th percentile of the recent transits' spread above the fastest.
    double jitter_ms() const { return jitter_ms_; }
    double target_delay_ms() const;
    // What render() last showed: the sender media time, and whether it followed the audio.
    std::optional<std::uint32_t> rendered_sender_ms() const;
    bool following_audio() const { return following_audio_; }
    // render() last showed a time past the newest sample (bridging, or holding it).
    bool starved() const { return starved_; }
    // While following the audio: how far the pose shown is ahead of the voice heard (ms;
    // negative = behind), nonzero while the playout is still catching up with a new target.
    double audio_skew_ms() const { return audio_skew_ms_; }

private:
    struct Sample {
        std::int64_t ts;  // unwrapped sender timestamp
        Pose pose;
    };
    static constexpr std::size_t kMaxSamples = 32;
    static constexpr int kOffsetWindow = 90;  // ~3-9 s of packets, by tier

    std::int64_t unwrap(std::uint32_t timestamp_ms) const {
        return last_unwrapped_ + static_cast<std::int32_t>(timestamp_ms - last_raw_ts_);
    }
    // The pose at unwrapped sender time `ts`.
    Pose pose_at(double ts) const;
    void update_interval();

    PosePlayoutConfig config_;
    std::deque<Sample> samples_;  // sorted by ts
    bool have_ts_ = false;
    std::uint32_t last_raw_ts_ = 0;
    std::int64_t last_unwrapped_ = 0;
    double offset_ms_ = 0;
    double interval_ms_ = 1000.0 / 30.0;
    double jitter_ms_ = 0;
    // Sliding-window minimum of the transit offsets: a monotonic deque of (packet index,
    // offset), so each push costs O(1) amortised instead of a scan of the window.
    std::uint64_t pushes_ = 0;
    std::deque<std::pair<std::uint64_t, double>> offset_minima_;
    std::deque<double> transits_;  // the same window, for the jitter percentile

    // render()'s playout clock: unwrapped sender time shown at local time render_local_.
    bool rendering_ = false;
    double render_local_ = 0;
    double render_ts_ = 0;
    bool following_audio_ = false;
    bool starved_ = false;
    double audio_skew_ms_ = 0;
    // What render() adds to the buffer's pose so that a late packet does not jump the
    // figure: the jump it would have made, fading away.
    Pose correction_{};
    bool correcting_ = false;
};

}  // namespace posemeet
