// See room_mirror.hpp.
#include "client/room_mirror.hpp"

#include <algorithm>

namespace posemeet {

using protocol::field_or;
using protocol::Json;

namespace {
constexpr std::size_t kMaxChat = 500;
constexpr std::size_t kMaxNotices = 8;
constexpr std::size_t kMaxRecentEvents = 200;

std::vector<std::string> string_list(const Json& j) {
    std::vector<std::string> out;
    if (!j.is_array()) return out;
    for (const auto& v : j)
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}
}  // namespace

void RoomMirror::clear() {
    controls_ = {};
    chat_.clear();
    ended_ = false;
}

void RoomMirror::reset(const Json& room_state, const Json& messages, const std::string& self_id) {
    self_id_ = self_id;
    ended_ = false;
    controls_ = {};
    controls_.mic_all_status = field_or(room_state, "mic_all_status", 1);
    controls_.operate_self_mic_permission = field_or(room_state, "operate_self_mic_permission", 1);
    controls_.share_user_id = field_or(room_state, "share_user_id", "");
    controls_.mic_applications = string_list(field_or(room_state, "mic_applications", Json::array()));
    controls_.share_applications = string_list(field_or(room_state, "share_applications", Json::array()));
    const Json me = field_or(room_state, "me", Json::object());
    controls_.mic_granted = field_or(me, "mic_granted", false);
    controls_.mic_applying = field_or(me, "mic_applying", false);
    controls_.share_applying = field_or(me, "share_applying", false);
    controls_.asked_mic_on = field_or(me, "asked_mic_on", false);
    controls_.asked_camera_on = field_or(me, "asked_camera_on", false);
    chat_.clear();
    if (messages.is_array())
        for (const auto& m : messages) chat_.push_back(ChatMessage::from_json(m));
}

void RoomMirror::set_member(std::vector<std::string>& list, const std::string& id, bool present) {
    auto it = std::find(list.begin(), list.end(), id);
    if (present && it == list.end()) list.push_back(id);
    if (!present && it != list.end()) list.erase(it);
}

std::string RoomMirror::name_of(const std::string& user_id, const UserLookup& users) const {
    UserRecord* u = users(user_id);
    return u ? u->user_name : std::string("someone");
}

void RoomMirror::add_notice(std::string text, double now_ms) {
    notices_.push_back({std::move(text), now_ms});
    while (notices_.size() > kMaxNotices) notices_.pop_front();
}

void RoomMirror::on_request_ok(const std::string& event, const Json& content) {
    if (event == "vcOperateSelfMicApply") controls_.mic_applying = field_or(content, "operate", 1) == 1;
    if (event == "vcSharePermissionApply") controls_.share_applying = true;
    if (event == "vcReplyOperateRequest") {
        (field_or(content, "device", "") == "mic" ? controls_.asked_mic_on : controls_.asked_camera_on) = false;
    }
    if (event == "vcOperateSelfMicPermit") set_member(controls_.mic_applications, field_or(content, "apply_user_id", ""), false);
    if (event == "vcSharePermissionPermit") set_member(controls_.share_applications, field_or(content, "apply_user_id", ""), false);
}

void RoomMirror::apply(const std::string& event, const Json& data, const UserLookup& users, double now_ms) {
    recent_events_.push_back(Json{{"event", event}, {"data", data}});
    while (recent_events_.size() > kMaxRecentEvents) recent_events_.pop_front();

    const std::string user_id = field_or(data, "user_id", "");
    const std::string target = field_or(data, "operate_user_id", "");
    const int operate = field_or(data, "operate", 0);
    const bool about_me = (!target.empty() ? target : user_id) == self_id_;

    if (event == "vcOnOperateSelfMic" || event == "vcOnOperateSelfCamera") {
        if (UserRecord* u = users(user_id)) (event == "vcOnOperateSelfMic" ? u->mic : u->camera) = operate;
    } else if (event == "vcOnOperateOtherMic" || event == "vcOnOperateOtherCamera") {
        const bool mic = event == "vcOnOperateOtherMic";
        if (operate == 0) {
            if (UserRecord* u = users(target)) (mic ? u->mic : u->camera) = 0;
            if (about_me) add_notice(mic ? "The host muted you" : "The host turned off your camera", now_ms);
        } else if (about_me) {
            (mic ? controls_.asked_mic_on : controls_.asked_camera_on) = true;
            add_notice(mic ? "The host asks you to unmute" : "The host asks you to turn on your camera", now_ms);
        }
    } else if (event == "vcOnOperateAllMic") {
        controls_.mic_all_status = operate;
        controls_.operate_self_mic_permission = field_or(data, "operate_self_mic_permission", 1);
        controls_.mic_granted = false;
        controls_.asked_mic_on = false;
        if (operate == 0) {
            // Every visitor's mic is now closed (the server did it); the host's stays.
            if (UserRecord* me = users(self_id_); me && me->user_role != UserRole::Host) {
                add_notice(controls_.operate_self_mic_permission
                               ? "The host muted everyone"
                               : "The host muted everyone: use \"Ask to speak\" to unmute",
                           now_ms);
            }
        } else if (UserRecord* me = users(self_id_); me && me->user_role != UserRole::Host) {
            add_notice("The host allows everyone to unmute", now_ms);
        }
    } else if (event == "vcOnOperateSelfMicApply") {
        set_member(controls_.mic_applications, user_id, operate == 1);
        if (operate == 1) add_notice(field_or(data, "user_name", "Someone") + " asks to speak", now_ms);
    } else if (event == "vcOnOperateSelfMicPermit") {
        const int permit = field_or(data, "permit", 0);
        controls_.mic_applying = false;
        controls_.mic_granted = permit == 1;
        add_notice(permit ? "The host lets you speak: you can unmute now" : "The host declined your request to speak",
                   now_ms);
    } else if (event == "vcOnSharePermissionApply") {
        set_member(controls_.share_applications, user_id, true);
        add_notice(field_or(data, "user_name", "Someone") + " asks to share", now_ms);
    } else if (event == "vcOnSharePermissionPermit") {
        const int permit = field_or(data, "permit", 0);
        controls_.share_applying = false;
        if (UserRecord* me = users(self_id_); me && permit) me->share_permission = 1;
        add_notice(permit ? "The host lets you share" : "The host declined your request to share", now_ms);
    } else if (event == "vcOnOperateOtherSharePermission") {
        if (UserRecord* u = users(target)) u->share_permission = operate;
        set_member(controls_.share_applications, target, false);
        // host_change: the permission went with the host role we handed over; no toast.
        if (about_me && !field_or(data, "host_change", 0))
            add_notice(operate ? "The host lets you share" : "The host took away your permission to share", now_ms);
    } else if (event == "vcOnStartShare") {
        controls_.share_user_id = user_id;
        controls_.share_type = field_or(data, "share_type", 0);
        if (UserRecord* u = users(user_id)) {
            u->share_status = 1;
            u->share_type = controls_.share_type;
        }
        if (!about_me)
            add_notice(field_or(data, "user_name", "Someone") +
                           (controls_.share_type == 1 ? " is sharing a board" : " is sharing a screen"),
                       now_ms);
    } else if (event == "vcOnFinishShare") {
        if (UserRecord* u = users(user_id)) u->share_status = 0;
        if (controls_.share_user_id == user_id) controls_.share_user_id.clear();
    } else if (event == "vcOnReplyOperateRequest") {
        const bool accepted = field_or(data, "accept", 0) == 1;
        add_notice(field_or(data, "user_name", "Someone") + (accepted ? " accepted" : " declined") +
                       " to turn on the " + field_or(data, "device", "device"),
                   now_ms);
    } else if (event == "vcOnHostChange") {
        if (user_id == self_id_) add_notice("You are now the host", now_ms);
        controls_.mic_applications.clear();
        controls_.share_applications.clear();
    } else if (event == "vcOnFinishRoom") {
        ended_ = true;
        add_notice("The host ended the meeting", now_ms);
    } else if (event == "vcOnMessage") {
        chat_.push_back(ChatMessage::from_json(data));
        while (chat_.size() > kMaxChat) chat_.pop_front();
    } else if (event == "vcOnUserConnection") {
        // A member's network dropped (online 0) or came back: it keeps its place meanwhile.
        if (UserRecord* u = users(user_id)) u->online = field_or(data, "online", 1);
    } else if (event == "vcOnLeaveRoom") {
        const std::string gone = field_or(field_or(data, "user", Json::object()), "user_id", "");
        set_member(controls_.mic_applications, gone, false);
        set_member(controls_.share_applications, gone, false);
        if (controls_.share_user_id == gone) controls_.share_user_id.clear();
    }
}

Json RoomMirror::to_json() const {
    const auto& c = controls_;
    Json chat = Json::array();
    for (const auto& m : chat_) chat.push_back(m.to_json());
    return Json{{"mic_all_status", c.mic_all_status},
                {"operate_self_mic_permission", c.operate_self_mic_permission},
                {"share_user_id", c.share_user_id},
                {"share_type", c.share_type},
                {"mic_applications", c.mic_applications},
                {"share_applications", c.share_applications},
                {"me", {{"mic_granted", c.mic_granted},
                        {"mic_applying", c.mic_applying},
                        {"share_applying", c.share_applying},
                        {"asked_mic_on", c.asked_mic_on},
                        {"asked_camera_on", c.asked_camera_on}}},
                {"chat", std::move(chat)},
                {"ended", ended_}};
}

Json RoomMirror::recent_events_json() const {
    Json arr = Json::array();
    for (const auto& e : recent_events_) arr.push_back(e);
    return arr;
}

}  // namespace posemeet
