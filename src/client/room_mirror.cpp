// See room_mirror.hpp.
#include "client/room_mirror.hpp"

#include <algorithm>

namespace posemeet {

using protocol::Event;
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
    forget_room();
    controls_ = {};
    chat_.clear();
    invitations_.clear();
    ended_ = false;
}

void RoomMirror::forget_members() {
    self_.reset();
    others_.clear();
}

void RoomMirror::forget_room() {
    forget_members();
    room_.reset();
}

void RoomMirror::reset(const Json& response) {
    room_ = RoomRecord::from_json(field_or(response, "room", Json::object()));
    self_ = UserRecord::from_json(field_or(response, "user", Json::object()));
    others_.clear();
    for (const auto& uj : field_or(response, "user_list", Json::array())) {
        UserRecord u = UserRecord::from_json(uj);
        if (u.user_id != self_->user_id) others_[u.user_id] = u;
    }
    const Json room_state = field_or(response, "room_state", Json::object());
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
    for (const auto& m : field_or(response, "messages", Json::array())) chat_.push_back(ChatMessage::from_json(m));
    invitations_.clear();
    for (const auto& j : field_or(response, "invitations", Json::array()))
        if (auto inv = Invitation::from_json(j)) invitations_.push_back(std::move(*inv));
}

void RoomMirror::apply_invitation(const Json& data) {
    auto inv = Invitation::from_json(field_or(data, "invitation", Json::object()));
    if (!inv) return;
    const auto same = std::find_if(invitations_.begin(), invitations_.end(),
                                   [&](const Invitation& i) { return i.identity == inv->identity; });
    if (same != invitations_.end()) *same = std::move(*inv);
    else invitations_.push_back(std::move(*inv));
}

// [SECTION] members

UserRecord* RoomMirror::find_mutable(const std::string& user_id) {
    if (self_ && self_->user_id == user_id) return &*self_;
    auto it = others_.find(user_id);
    return it == others_.end() ? nullptr : &it->second;
}

const UserRecord* RoomMirror::find(const std::string& user_id) const {
    return const_cast<RoomMirror*>(this)->find_mutable(user_id);
}

std::vector<const UserRecord*> RoomMirror::participants_in_order() const {
    std::vector<const UserRecord*> out;
    if (self_) out.push_back(&*self_);
    for (const auto& [id, u] : others_) out.push_back(&u);
    std::sort(out.begin(), out.end(), [](const UserRecord* a, const UserRecord* b) {
        return a->join_time != b->join_time ? a->join_time < b->join_time : a->media_id < b->media_id;
    });
    return out;
}

bool RoomMirror::mic_blocked() const {
    return self_ && !may_open_own_mic(i_am_host(), controls_.mic_all_status, controls_.operate_self_mic_permission,
                                      controls_.mic_granted, controls_.asked_mic_on);
}

MembershipChange RoomMirror::apply_to_members(Event event, const Json& data) {
    MembershipChange change;
    const std::string user_id = field_or(data, "user_id", "");
    const std::string target = field_or(data, "operate_user_id", "");
    const int operate = field_or(data, "operate", 0);
    switch (event) {
        case Event::OnJoinRoom: {
            UserRecord u = UserRecord::from_json(field_or(data, "user", Json::object()));
            if (self_ && u.user_id != self_->user_id && !others_.count(u.user_id)) {
                others_[u.user_id] = u;
                change = {MembershipChange::Kind::Joined, std::move(u)};
            }
            break;
        }
        case Event::OnLeaveRoom: {
            UserRecord u = UserRecord::from_json(field_or(data, "user", Json::object()));
            if (others_.erase(u.user_id)) change = {MembershipChange::Kind::Left, std::move(u)};
            break;
        }
        case Event::OnHostChange:
            if (self_) self_->user_role = self_->user_id == user_id ? UserRole::Host : UserRole::Visitor;
            for (auto& [id, u] : others_) u.user_role = id == user_id ? UserRole::Host : UserRole::Visitor;
            break;
        case Event::OnOperateAllMic:
            // Every visitor's mic is now closed (the server did it); the host's stays.
            if (operate == 0)
                for (const UserRecord* u : participants_in_order())
                    if (u->user_role != UserRole::Host) find_mutable(u->user_id)->mic = 0;
            break;
        case Event::OnOperateSelfMic:
        case Event::OnOperateSelfCamera:
            if (UserRecord* u = find_mutable(user_id)) (event == Event::OnOperateSelfMic ? u->mic : u->camera) = operate;
            break;
        case Event::OnOperateOtherMic:
        case Event::OnOperateOtherCamera:
            if (operate == 0)
                if (UserRecord* u = find_mutable(target)) (event == Event::OnOperateOtherMic ? u->mic : u->camera) = 0;
            break;
        case Event::OnOperateOtherSharePermission:
            if (UserRecord* u = find_mutable(target)) u->share_permission = operate;
            break;
        case Event::OnSharePermissionPermit:
            if (self_ && field_or(data, "permit", 0)) self_->share_permission = 1;
            break;
        case Event::OnStartShare:
            if (UserRecord* u = find_mutable(user_id)) {
                u->share_status = 1;
                u->share_type = field_or(data, "share_type", 0);
            }
            break;
        case Event::OnFinishShare:
            if (UserRecord* u = find_mutable(user_id)) u->share_status = 0;
            break;
        case Event::OnUserConnection:
            // A member's network dropped (online 0) or came back: it keeps its place meanwhile.
            if (UserRecord* u = find_mutable(user_id)) u->online = field_or(data, "online", 1);
            break;
        case Event::OnFinishRoom:
            others_.clear();  // the meeting is over: nobody is in it any more
            break;
        case Event::OnUserUpdate: {
            // The operator changed a member (name, metadata, attributes, grants): its whole record.
            const UserRecord updated = UserRecord::from_json(field_or(data, "user", Json::object()));
            if (self_ && updated.user_id == self_->user_id) self_ = updated;
            else if (UserRecord* u = find_mutable(updated.user_id)) *u = updated;
            break;
        }
        default: break;
    }
    return change;
}

// [SECTION] controls, chat and notices

void RoomMirror::set_member(std::vector<std::string>& list, const std::string& id, bool present) {
    auto it = std::find(list.begin(), list.end(), id);
    if (present && it == list.end()) list.push_back(id);
    if (!present && it != list.end()) list.erase(it);
}

std::string RoomMirror::name_of(const std::string& user_id) const {
    const UserRecord* u = find(user_id);
    return u ? u->user_name : std::string("someone");
}

void RoomMirror::add_notice(std::string text, double now_ms) {
    notices_.push_back({std::move(text), now_ms});
    while (notices_.size() > kMaxNotices) notices_.pop_front();
}

void RoomMirror::on_request_ok(Event event, const Json& content) {
    switch (event) {
        case Event::OperateSelfMicApply: controls_.mic_applying = field_or(content, "operate", 1) == 1; break;
        case Event::SharePermissionApply: controls_.share_applying = true; break;
        case Event::ReplyOperateRequest:
            (field_or(content, "device", "") == "mic" ? controls_.asked_mic_on : controls_.asked_camera_on) = false;
            break;
        case Event::OperateSelfMicPermit:
            set_member(controls_.mic_applications, field_or(content, "apply_user_id", ""), false);
            break;
        case Event::SharePermissionPermit:
            set_member(controls_.share_applications, field_or(content, "apply_user_id", ""), false);
            break;
        default: break;
    }
}

MembershipChange RoomMirror::apply(Event event, const Json& data, double now_ms) {
    recent_events_.push_back(Json{{"event", protocol::event_name(event)}, {"data", data}});
    while (recent_events_.size() > kMaxRecentEvents) recent_events_.pop_front();
    MembershipChange change = apply_to_members(event, data);
    if (event == Event::OnInvitation) apply_invitation(data);

    const std::string user_id = field_or(data, "user_id", "");
    const std::string target = field_or(data, "operate_user_id", "");
    const int operate = field_or(data, "operate", 0);
    const bool about_me = self_ && (!target.empty() ? target : user_id) == self_->user_id;
    const bool visitor = self_ && !i_am_host();

    switch (event) {
        case Event::OnOperateOtherMic:
        case Event::OnOperateOtherCamera: {
            const bool mic = event == Event::OnOperateOtherMic;
            if (operate == 0) {
                if (about_me) add_notice(mic ? "The host muted you" : "The host turned off your camera", now_ms);
            } else if (about_me) {
                (mic ? controls_.asked_mic_on : controls_.asked_camera_on) = true;
                add_notice(mic ? "The host asks you to unmute" : "The host asks you to turn on your camera", now_ms);
            }
            break;
        }
        case Event::OnOperateAllMic:
            controls_.mic_all_status = operate;
            controls_.operate_self_mic_permission = field_or(data, "operate_self_mic_permission", 1);
            controls_.mic_granted = false;
            controls_.asked_mic_on = false;
            if (operate == 0 && visitor) {
                add_notice(controls_.operate_self_mic_permission
                               ? "The host muted everyone"
                               : "The host muted everyone: use \"Ask to speak\" to unmute",
                           now_ms);
            } else if (operate != 0 && visitor) {
                add_notice("The host allows everyone to unmute", now_ms);
            }
            break;
        case Event::OnOperateSelfMicApply:
            set_member(controls_.mic_applications, user_id, operate == 1);
            if (operate == 1) add_notice(field_or(data, "user_name", "Someone") + " asks to speak", now_ms);
            break;
        case Event::OnOperateSelfMicPermit: {
            const int permit = field_or(data, "permit", 0);
            controls_.mic_applying = false;
            controls_.mic_granted = permit == 1;
            add_notice(permit ? "The host lets you speak: you can unmute now" : "The host declined your request to speak",
                       now_ms);
            break;
        }
        case Event::OnSharePermissionApply:
            set_member(controls_.share_applications, user_id, true);
            add_notice(field_or(data, "user_name", "Someone") + " asks to share", now_ms);
            break;
        case Event::OnSharePermissionPermit: {
            const int permit = field_or(data, "permit", 0);
            controls_.share_applying = false;
            add_notice(permit ? "The host lets you share" : "The host declined your request to share", now_ms);
            break;
        }
        case Event::OnOperateOtherSharePermission:
            set_member(controls_.share_applications, target, false);
            // host_change: the permission went with the host role we handed over; no toast.
            if (about_me && !field_or(data, "host_change", 0))
                add_notice(operate ? "The host lets you share" : "The host took away your permission to share", now_ms);
            break;
        case Event::OnStartShare:
            controls_.share_user_id = user_id;
            controls_.share_type = field_or(data, "share_type", 0);
            if (!about_me)
                add_notice(field_or(data, "user_name", "Someone") +
                               (controls_.share_type == 1 ? " is sharing a board" : " is sharing a screen"),
                           now_ms);
            break;
        case Event::OnFinishShare:
            if (controls_.share_user_id == user_id) controls_.share_user_id.clear();
            break;
        case Event::OnReplyOperateRequest: {
            const bool accepted = field_or(data, "accept", 0) == 1;
            add_notice(field_or(data, "user_name", "Someone") + (accepted ? " accepted" : " declined") +
                           " to turn on the " + field_or(data, "device", "device"),
                       now_ms);
            break;
        }
        case Event::OnHostChange:
            if (self_ && user_id == self_->user_id) add_notice("You are now the host", now_ms);
            controls_.mic_applications.clear();
            controls_.share_applications.clear();
            break;
        case Event::OnFinishRoom:
            ended_ = true;
            add_notice("The host ended the meeting", now_ms);
            break;
        case Event::OnMessage:
            chat_.push_back(ChatMessage::from_json(data));
            while (chat_.size() > kMaxChat) chat_.pop_front();
            break;
        case Event::OnLeaveRoom: {
            const std::string gone = field_or(field_or(data, "user", Json::object()), "user_id", "");
            set_member(controls_.mic_applications, gone, false);
            set_member(controls_.share_applications, gone, false);
            if (controls_.share_user_id == gone) controls_.share_user_id.clear();
            break;
        }
        default: break;
    }
    return change;
}

Json RoomMirror::to_json() const {
    const auto& c = controls_;
    Json chat = Json::array();
    for (const auto& m : chat_) chat.push_back(m.to_json());
    Json invitations = Json::array();
    for (const auto& i : invitations_) invitations.push_back(i.to_json());
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
                {"invitations", std::move(invitations)},
                {"ended", ended_}};
}

Json RoomMirror::recent_events_json() const {
    Json arr = Json::array();
    for (const auto& e : recent_events_) arr.push_back(e);
    return arr;
}

}  // namespace posemeet
