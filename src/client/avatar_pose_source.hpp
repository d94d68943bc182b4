// The pose source of a browser participant: the camera's estimates, or, when they chose
// the demo avatar (`?pose=synthetic`, or the camera menu), the synthetic figure seeded by
// their user id. The choice can change during a meeting; the session keeps one source.
#pragma once

#include <cstdint>

#include "client/camera_pose_source.hpp"
#include "core/synthetic_pose.hpp"

namespace posemeet {

class AvatarPoseSource final : public PoseSource {
public:
    // `camera`, `demo` and `live` belong to the app and outlive the session that owns this
    // source. `live`: the room says our camera is on (the demo avatar rests while it is off,
    // like a camera avatar).
    AvatarPoseSource(CameraPoseSource& camera, const bool& demo, const bool& live, std::uint32_t seed)
        : camera_(camera), demo_(demo), live_(live), synthetic_(seed) {}

    std::optional<Pose> pose_at_media_time(std::uint32_t media_time_ms) const override {
        if (!demo_) return camera_.pose_at_media_time(media_time_ms);
        return live_ ? synthetic_.pose_at_media_time(media_time_ms) : std::nullopt;
    }
    std::optional<TimedPose> next_pose_to_send(std::uint32_t now_media_ms) override {
        if (!demo_) return camera_.next_pose_to_send(now_media_ms);
        return live_ ? synthetic_.next_pose_to_send(now_media_ms) : std::nullopt;
    }

private:
    CameraPoseSource& camera_;
    const bool& demo_;
    const bool& live_;
    SyntheticPoseSource synthetic_;
};

}  // namespace posemeet
