// Room, part 3: what the room service's operator changes about a member (its name, data,
// attributes and grants), applied at once. Membership is in room.cpp, the meeting's
// controls in room_controls.cpp.
#include "core/room.hpp"

namespace posemeet {

Outcome Room::update_member(const std::string& target, const MemberUpdate& update) {
    UserRecord* user = find_mutable(target);
    if (!user) return Outcome::error(ErrorCode::NotFound, "no such participant in this room");
    Outcome o;
    if (update.user_name) user->user_name = *update.user_name;
    if (update.metadata) user->metadata = *update.metadata;
    if (!user->attributes.is_object()) user->attributes = Json::object();
    if (update.attributes.is_object()) {
        for (const auto& [key, value] : update.attributes.items()) {
            if (!value.is_string()) continue;
            if (value.get_ref<const std::string&>().empty()) user->attributes.erase(key);
            else user->attributes[key] = value;
        }
    }
    if (update.permission) {
        const MemberPermission& p = *update.permission;
        user->permission.mic = p.mic;
        user->permission.camera = p.camera;
        user->permission.screen = p.screen;
        user->permission.data = p.data;
        // A source the member may no longer open closes now, as when the host turns it off.
        for (const Device d : {Device::Mic, Device::Camera}) {
            if (p.may_open(d) || (d == Device::Mic ? user->mic : user->camera) == 0) continue;
            Outcome off = set_device(*user, d, 0, /*self=*/false);
            for (auto& n : off.notifications) o.notifications.push_back(std::move(n));
        }
        if (!p.screen) {
            if (sharer_ == target) stop_share(o.notifications);
            user->share_permission = 0;
            member_state_[target].share_applying = false;
        }
    }
    o.response = user->to_json();
    o.notifications.push_back(
        {member_ids(), Event::OnUserUpdate, Json{{"room_id", record_.room_id}, {"user", user->to_json()}}});
    return o;
}

}  // namespace posemeet
