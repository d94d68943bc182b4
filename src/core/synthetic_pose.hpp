// A deterministic stand-in for a camera: a standing figure that sways, nods and gestures
// with both arms. Motion is a smooth function of (seed, time), so any receiver (or a test)
// can recompute exactly what a sender produced for a packet's timestamp.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/pose.hpp"
#include "core/pose_source.hpp"

namespace posemeet {

// Stable 32-bit seed for a participant (FNV-1a of the user id).
std::uint32_t pose_seed_for_user(std::string_view user_id);

class SyntheticPoseSource : public PoseSource {
public:
    explicit SyntheticPoseSource(std::uint32_t seed);
    // The pose at media-clock time `timestamp_ms`.
    Pose pose_at(std::uint32_t timestamp_ms) const;
    std::optional<Pose> pose_at_media_time(std::uint32_t media_time_ms) const override { return pose_at(media_time_ms); }

private:
    // Per-participant personality: rates (Hz), phases (rad) and amplitudes.
    double sway_hz_, sway_amp_, sway_phase_;
    double nod_hz_, nod_phase_;
    double arm_hz_[2], arm_phase_[2], arm_lift_[2], elbow_bend_[2];
    double body_x_, body_scale_;
};

}  // namespace posemeet
