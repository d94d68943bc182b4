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

class PoseSource {
public:
    virtual ~PoseSource() = default;
    // Our pose at media-clock time `media_time_ms`; nullopt when there is none to send
    // (e.g. the camera is off or sees nobody).
    virtual std::optional<Pose> pose_at_media_time(std::uint32_t media_time_ms) const = 0;
};

// Makes the pose source for a member once the server has given it its user id.
using PoseSourceFactory = std::function<std::unique_ptr<PoseSource>(const std::string& user_id)>;

}  // namespace posemeet
