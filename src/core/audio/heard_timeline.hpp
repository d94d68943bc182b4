// Which of one sender's media time the listener hears at a given local time, so the pose
// playout can show the same moment (core/pose_interpolator.hpp). The audio engine notes
// every 20 ms frame it hands to the speaker: when it will be heard (now + the audio queued
// ahead of it + the output latency the platform reports) and the sender time of its first
// sample, or that nothing of this sender is in it (silence: muted, not started, stopped).
// Frames queued ahead are kept until they have been heard, because the one being heard
// now is usually not the one handed out last.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "core/media_time_anchor.hpp"

namespace posemeet::audio {

class HeardTimeline {
public:
    static constexpr std::size_t kMaxFrames = 32;  // 640 ms: any speaker queue plus output latency
    // A frame not followed by another within this is no longer playing (the speaker stopped
    // asking: a throttled page, a device that went away).
    static constexpr double kStaleMs = 60.0;

    // A frame of the sender's audio, heard from local time `heard_at_ms`.
    void frame(double heard_at_ms, std::uint32_t sender_ms) { add(heard_at_ms, true, sender_ms); }
    // A frame with nothing of the sender in it.
    void silence(double heard_at_ms) { add(heard_at_ms, false, 0); }
    void clear() { frames_.clear(); }

    // At local time `local_ms`: the frame being heard as an anchor (its start and sender
    // time), or empty when the sender is not being heard then.
    std::optional<MediaTimeAnchor> at(double local_ms) const;

private:
    struct Frame {
        double heard_at;
        bool audible;
        std::uint32_t sender_ms;
    };
    void add(double heard_at_ms, bool audible, std::uint32_t sender_ms);

    std::deque<Frame> frames_;  // by heard_at
};

}  // namespace posemeet::audio
