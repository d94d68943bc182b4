// Where our own pose comes from: the synthetic figure (bots, tests, the demo avatar) or,
// in the browser, the camera. The meeting session asks it for a pose at each send time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/pose.hpp"

namespace posemeet {

// A pose and the media-clock time it shows (when its camera frame was captured).
struct TimedPose {
    Pose pose;
    std::uint32_t media_time_ms = 0;
};

class PoseSource {
public:
    virtual ~PoseSource() = default;
    // Our pose at media-clock time `media_time_ms` (what our own tile shows); nullopt when
    // there is none (e.g. the camera is off or sees nobody).
    virtual std::optional<Pose> pose_at_media_time(std::uint32_t media_time_ms) const = 0;
    // The pose to send at `now_media_ms`, stamped with the time it shows, or nullopt when
    // there is nothing new to send. A computed source (synthetic) has a pose for every
    // instant; a measured one (camera) only sends each estimate once, stamped with its
    // capture time, so receivers can line it up with the voice captured at that moment.
    virtual std::optional<TimedPose> next_pose_to_send(std::uint32_t now_media_ms) {
        auto pose = pose_at_media_time(now_media_ms);
        if (!pose) return std::nullopt;
        return TimedPose{*pose, now_media_ms};
    }
};

// Makes the pose source for a member once the server has given it its user id.
using PoseSourceFactory = std::function<std::unique_ptr<PoseSource>(const std::string& user_id)>;

}  // namespace posemeet
