// One point of the line between the local clock and a sender's media clock as a listener
// experiences it: at local time `local_ms` the sender's media time `sender_ms` is being
// heard (or shown), and from there both run at real speed. The audio engine reports where
// a sender's voice is this way (core/audio/heard_timeline.hpp) and the pose playout plays
// that sender's pose at the same sender time (core/pose_interpolator.hpp).
#pragma once

#include <cstdint>

namespace posemeet {

struct MediaTimeAnchor {
    double local_ms = 0;         // local monotonic clock (Clock::now_ms)
    std::uint32_t sender_ms = 0;  // the sender's media clock (packet timestamps; wraps)
};

}  // namespace posemeet
