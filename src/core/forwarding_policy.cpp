// See forwarding_policy.hpp.
#include "core/forwarding_policy.hpp"

#include <algorithm>

namespace posemeet {

bool VisibleMembers::contains(const std::string& user_id) const {
    return std::binary_search(user_ids_.begin(), user_ids_.end(), user_id);
}

void VisibleMembers::name(std::vector<std::string> user_ids) {
    std::sort(user_ids.begin(), user_ids.end());
    user_ids.erase(std::unique(user_ids.begin(), user_ids.end()), user_ids.end());
    user_ids_ = std::move(user_ids);
    named_ = true;
}

void VisibleMembers::clear() {
    user_ids_.clear();
    user_ids_.shrink_to_fit();
    named_ = false;
}

int pose_hz_for(const VisibleMembers& visible, int max_pose_hz, const std::string& sender,
                std::size_t room_members) {
    if (!is_selective_room(room_members) || !visible.named() || visible.contains(sender))
        return max_pose_hz;
    return max_pose_hz > 0 ? std::min(max_pose_hz, kBackgroundPoseHz) : kBackgroundPoseHz;
}

int pose_hz_while_congested(int pose_hz) {
    return pose_hz > 0 ? std::min(pose_hz, kCongestedPoseHz) : kCongestedPoseHz;
}

}  // namespace posemeet
