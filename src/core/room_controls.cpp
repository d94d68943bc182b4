// Room, part 2: the meeting controls — devices, mute-all and mic permission, sharing and
// share permission, host hand-over, ending the meeting, chat. Membership is in room.cpp.
//
// Notification recipients follow one rule: a change of room state goes to every member
// (the actor included, so every client mirrors state from notifications alone); a request
// goes only to whoever must answer it, and an answer only to whoever asked.
#include <algorithm>

#include "core/room.hpp"

namespace posemeet {
namespace {

const char* device_name(Device d) { return d == Device::Mic ? "mic" : "camera"; }

Outcome not_host() { return Outcome::error(ErrorCode::NotPermitted, "only the host can do this"); }
// A source or chat the member's access token does not allow (LiveKit's canPublish* grants).
Outcome not_granted(const char* what) {
    return Outcome::error(ErrorCode::NotPermitted, std::string("your access token does not allow ") + what);
}
const char* publish_words(Device d) {
    return d == Device::Mic ? "publishing the microphone" : "publishing the camera";
}
Outcome unknown_user() { return Outcome::error(ErrorCode::NotFound, "no such participant in this room"); }

}  // namespace

Json ChatMessage::to_json() const {
    Json j{{"message_id", message_id}, {"user_id", user_id}, {"user_name", user_name},
           {"message", message},       {"timestamp", timestamp}};
    if (!to_user_id.empty()) j["to_user_id"] = to_user_id;
    return j;
}

ChatMessage ChatMessage::from_json(const Json& j) {
    using protocol::field_or;
    ChatMessage m;
    m.message_id = field_or(j, "message_id", std::uint64_t{0});
    m.user_id = field_or(j, "user_id", "");
    m.user_name = field_or(j, "user_name", "");
    m.to_user_id = field_or(j, "to_user_id", "");
    m.message = field_or(j, "message", "");
    m.timestamp = field_or(j, "timestamp", std::int64_t{0});
    return m;
}

bool may_open_own_mic(bool is_host, int mic_all_status, int self_unmute_permission, bool mic_granted,
                      bool asked_mic_on) {
    return is_host || mic_all_status != 0 || self_unmute_permission || mic_granted || asked_mic_on;
}

UserRecord* Room::find_mutable(const std::string& user_id) {
    for (auto& m : members_)
        if (m.user_id == user_id) return &m;
    return nullptr;
}

const std::string& Room::host_id() const {
    static const std::string none;
    for (const auto& m : members_)
        if (m.user_role == UserRole::Host) return m.user_id;
    return none;
}

bool Room::is_host(const std::string& user_id) const {
    if (user_id == kOperatorActor) return true;
    const UserRecord* u = find(user_id);
    return u && (u->user_role == UserRole::Host || u->permission.room_admin);
}

std::vector<std::string> Room::moderators(const std::string& except) const {
    std::vector<std::string> out;
    for (const auto& m : members_)
        if ((m.user_role == UserRole::Host || m.permission.room_admin) && m.user_id != except) out.push_back(m.user_id);
    return out;
}

void Room::stop_share(std::vector<Notification>& out) {
    if (sharer_.empty()) return;
    if (UserRecord* u = find_mutable(sharer_)) u->share_status = 0;
    out.push_back({member_ids(), Event::OnFinishShare, Json{{"room_id", record_.room_id}, {"user_id", sharer_}}});
    sharer_.clear();
}

Outcome Room::set_device(UserRecord& user, Device device, int operate, bool self) {
    Outcome o;
    (device == Device::Mic ? user.mic : user.camera) = operate;
    auto& st = member_state_[user.user_id];
    (device == Device::Mic ? st.asked_mic_on : st.asked_camera_on) = false;
    const Event event = self ? (device == Device::Mic ? Event::OnOperateSelfMic : Event::OnOperateSelfCamera)
                             : (device == Device::Mic ? Event::OnOperateOtherMic : Event::OnOperateOtherCamera);
    Json data{{"room_id", record_.room_id}, {"operate", operate}};
    data[self ? "user_id" : "operate_user_id"] = user.user_id;
    o.notifications.push_back({member_ids(), event, std::move(data)});
    return o;
}

// [SECTION] own devices
Outcome Room::operate_self_device(const std::string& actor, Device device, int operate) {
    UserRecord* me = find_mutable(actor);
    if (!me) return unknown_user();
    const auto& st = member_state_[actor];
    if (operate == 1 && !me->permission.may_open(device)) return not_granted(publish_words(device));
    if (device == Device::Mic && operate == 1 &&
        !may_open_own_mic(is_host(actor), mic_all_status_, self_unmute_permission_, st.mic_granted,
                          st.asked_mic_on)) {
        return Outcome::error(ErrorCode::NotPermitted,
                              "the host has muted everyone; ask the host for permission to speak");
    }
    return set_device(*me, device, operate, /*self=*/true);
}

// [SECTION] mic permission while everyone is muted
Outcome Room::apply_self_mic(const std::string& actor, int operate) {
    UserRecord* me = find_mutable(actor);
    if (!me) return unknown_user();
    if (operate == 1 && !me->permission.mic) return not_granted(publish_words(Device::Mic));
    auto& st = member_state_[actor];
    st.mic_applying = operate == 1;
    Outcome o;
    if (auto to = moderators(actor); !to.empty()) {
        o.notifications.push_back({std::move(to), Event::OnOperateSelfMicApply,
                                   Json{{"room_id", record_.room_id}, {"user_id", actor},
                                        {"user_name", me->user_name}, {"operate", operate}}});
    }
    return o;
}

Outcome Room::permit_self_mic(const std::string& actor, const std::string& applicant, int permit) {
    if (!is_host(actor)) return not_host();
    if (!find(applicant)) return unknown_user();
    auto& st = member_state_[applicant];
    if (!st.mic_applying) return Outcome::error(ErrorCode::NotFound, "that participant has not asked to speak");
    st.mic_applying = false;
    st.mic_granted = permit == 1;
    Outcome o;
    o.notifications.push_back({{applicant}, Event::OnOperateSelfMicPermit,
                               Json{{"room_id", record_.room_id}, {"user_id", applicant}, {"permit", permit}}});
    return o;
}

// [SECTION] the host operating someone else's devices: off at once, on only by request
Outcome Room::operate_other_device(const std::string& actor, const std::string& target, Device device,
                                   int operate) {
    if (!is_host(actor)) return not_host();
    UserRecord* user = find_mutable(target);
    if (!user) return unknown_user();
    if (operate == 0) return set_device(*user, device, 0, /*self=*/false);
    if (!user->permission.may_open(device))
        return Outcome::error(ErrorCode::NotPermitted, std::string("their access token does not allow ") +
                                                           publish_words(device));
    if (target == actor) return set_device(*user, device, 1, /*self=*/true);
    auto& st = member_state_[target];
    (device == Device::Mic ? st.asked_mic_on : st.asked_camera_on) = true;
    Outcome o;
    o.notifications.push_back({{target},
                               device == Device::Mic ? Event::OnOperateOtherMic : Event::OnOperateOtherCamera,
                               Json{{"room_id", record_.room_id}, {"operate_user_id", target}, {"operate", 1}}});
    return o;
}

Outcome Room::reply_operate_request(const std::string& actor, Device device, int accept) {
    UserRecord* me = find_mutable(actor);
    if (!me) return unknown_user();
    auto& st = member_state_[actor];
    bool& asked = device == Device::Mic ? st.asked_mic_on : st.asked_camera_on;
    if (!asked) return Outcome::error(ErrorCode::NotFound, std::string("the host has not asked to turn your ") +
                                                               device_name(device) + " on");
    asked = false;
    if (accept && !me->permission.may_open(device)) return not_granted(publish_words(device));
    Outcome o = accept ? set_device(*me, device, 1, /*self=*/true) : Outcome{};
    if (auto to = moderators(actor); !to.empty()) {
        o.notifications.push_back({std::move(to), Event::OnReplyOperateRequest,
                                   Json{{"room_id", record_.room_id}, {"user_id", actor},
                                        {"user_name", me->user_name}, {"device", device_name(device)},
                                        {"accept", accept}}});
    }
    return o;
}

// [SECTION] mute all
Outcome Room::operate_all_mic(const std::string& actor, int operate, int self_unmute_permission) {
    if (!is_host(actor)) return not_host();
    mic_all_status_ = operate;
    self_unmute_permission_ = operate == 1 ? 1 : self_unmute_permission;
    for (auto& m : members_) {
        auto& st = member_state_[m.user_id];
        st.mic_granted = false;
        st.asked_mic_on = false;
        if (operate == 0 && m.user_role != UserRole::Host) m.mic = 0;
    }
    Outcome o;
    o.notifications.push_back({member_ids(), Event::OnOperateAllMic,
                               Json{{"room_id", record_.room_id}, {"user_id", actor}, {"operate", operate},
                                    {"operate_self_mic_permission", self_unmute_permission_}}});
    return o;
}

// [SECTION] sharing and share permission
Outcome Room::start_share(const std::string& actor, int share_type) {
    UserRecord* me = find_mutable(actor);
    if (!me) return unknown_user();
    if (!me->permission.screen) return not_granted("sharing your screen");
    if (!me->share_permission)
        return Outcome::error(ErrorCode::NotPermitted, "you need the host's permission to share");
    if (!sharer_.empty() && sharer_ != actor)
        return Outcome::error(ErrorCode::NotPermitted, "someone else is sharing; one sharer at a time");
    sharer_ = actor;
    me->share_status = 1;
    me->share_type = share_type;
    Outcome o;
    o.notifications.push_back({member_ids(), Event::OnStartShare,
                               Json{{"room_id", record_.room_id}, {"user_id", actor},
                                    {"user_name", me->user_name}, {"share_type", share_type}}});
    return o;
}

Outcome Room::finish_share(const std::string& actor) {
    if (!find(actor)) return unknown_user();
    if (sharer_ != actor) return Outcome::error(ErrorCode::NotPermitted, "you are not sharing");
    Outcome o;
    stop_share(o.notifications);
    return o;
}

Outcome Room::apply_share_permission(const std::string& actor) {
    UserRecord* me = find_mutable(actor);
    if (!me) return unknown_user();
    if (!me->permission.screen) return not_granted("sharing your screen");
    if (me->share_permission) return Outcome::error(ErrorCode::NotPermitted, "you may already share");
    member_state_[actor].share_applying = true;
    Outcome o;
    if (auto to = moderators(actor); !to.empty()) {
        o.notifications.push_back({std::move(to), Event::OnSharePermissionApply,
                                   Json{{"room_id", record_.room_id}, {"user_id", actor}, {"user_name", me->user_name}}});
    }
    return o;
}

Outcome Room::permit_share(const std::string& actor, const std::string& applicant, int permit) {
    if (!is_host(actor)) return not_host();
    UserRecord* user = find_mutable(applicant);
    if (!user) return unknown_user();
    auto& st = member_state_[applicant];
    if (!st.share_applying) return Outcome::error(ErrorCode::NotFound, "that participant has not asked to share");
    st.share_applying = false;
    if (permit) user->share_permission = 1;
    Outcome o;
    o.notifications.push_back({{applicant}, Event::OnSharePermissionPermit,
                               Json{{"room_id", record_.room_id}, {"user_id", applicant}, {"permit", permit}}});
    return o;
}

Outcome Room::operate_other_share_permission(const std::string& actor, const std::string& target, int operate) {
    if (!is_host(actor)) return not_host();
    UserRecord* user = find_mutable(target);
    if (!user) return unknown_user();
    user->share_permission = operate;
    member_state_[target].share_applying = false;
    Outcome o;
    o.notifications.push_back({member_ids(), Event::OnOperateOtherSharePermission,
                               Json{{"room_id", record_.room_id}, {"operate_user_id", target}, {"operate", operate}}});
    if (operate == 0 && sharer_ == target) stop_share(o.notifications);  // revoking stops the share
    return o;
}

// [SECTION] host hand-over and the end of the meeting
Outcome Room::transfer_host(const std::string& actor, const std::string& target) {
    if (!is_host(actor)) return not_host();
    UserRecord* next = find_mutable(target);
    if (!next) return unknown_user();
    // A co-host may hand the role on too: it is the host who steps down, not the actor.
    const std::string former = host_id();
    if (target == former) return {};
    UserRecord* old_host = find_mutable(former);
    if (!old_host) return unknown_user();  // cannot happen: a running meeting has a host
    old_host->user_role = UserRole::Visitor;
    next->user_role = UserRole::Host;
    next->share_permission = 1;
    member_state_[target].mic_applying = false;
    member_state_[target].share_applying = false;
    Outcome o;
    o.notifications.push_back({member_ids(), Event::OnHostChange,
                               Json{{"room_id", record_.room_id}, {"user_id", target}}});
    // The former host becomes an ordinary visitor. Whoever was speaking keeps speaking
    // (no surprise mute), and counts as permitted so a mute-all still lets them unmute
    // again; share permission came with the role, so it goes unless they are sharing now.
    member_state_[former].mic_granted = old_host->mic == 1;
    if (sharer_ != former && old_host->share_permission && !old_host->permission.room_admin) {
        old_host->share_permission = 0;
        o.notifications.push_back({member_ids(), Event::OnOperateOtherSharePermission,
                                   Json{{"room_id", record_.room_id}, {"operate_user_id", former}, {"operate", 0},
                                        {"host_change", 1}}});
    }
    return o;
}

Outcome Room::finish(const std::string& actor, std::int64_t now_ms) {
    if (!is_host(actor)) return not_host();
    record_.status = RoomStatus::Ended;
    record_.end_time = now_ms;
    Outcome o;
    o.notifications.push_back({member_ids(), Event::OnFinishRoom, Json{{"room_id", record_.room_id}, {"reason", 0}}});
    members_.clear();
    member_state_.clear();
    sharer_.clear();
    return o;
}

// [SECTION] chat
Outcome Room::send_message(const std::string& actor, const std::string& text, const std::string& to_user_id,
                           std::int64_t now_ms) {
    const UserRecord* me = find(actor);
    if (!me) return unknown_user();
    if (!me->permission.data) return not_granted("sending messages");
    if (!to_user_id.empty() && (!find(to_user_id) || to_user_id == actor))
        return Outcome::error(ErrorCode::NotFound, "to_user_id is not another participant in this room");
    ChatMessage m{next_message_id_++, actor, me->user_name, to_user_id, text, now_ms};
    Outcome o;
    o.response = Json{{"message", m.to_json()}};
    std::vector<std::string> to = to_user_id.empty() ? member_ids() : std::vector<std::string>{actor, to_user_id};
    Json data = m.to_json();
    data["room_id"] = record_.room_id;
    o.notifications.push_back({std::move(to), Event::OnMessage, std::move(data)});
    if (to_user_id.empty()) {
        history_.push_back(std::move(m));
        while (history_.size() > kChatHistory) history_.pop_front();
    }
    return o;
}

Json Room::chat_history_json() const {
    Json arr = Json::array();
    for (const auto& m : history_) arr.push_back(m.to_json());
    return arr;
}

Json Room::controls_json(const std::string& user) const {
    Json j{{"mic_all_status", mic_all_status_},
           {"operate_self_mic_permission", self_unmute_permission_},
           {"share_user_id", sharer_},
           {"host_user_id", host_id()}};
    Json mic_applicants = Json::array(), share_applicants = Json::array();
    if (is_host(user)) {
        for (const auto& m : members_) {
            auto it = member_state_.find(m.user_id);
            if (it == member_state_.end()) continue;
            if (it->second.mic_applying) mic_applicants.push_back(m.user_id);
            if (it->second.share_applying) share_applicants.push_back(m.user_id);
        }
    }
    j["mic_applications"] = std::move(mic_applicants);
    j["share_applications"] = std::move(share_applicants);
    auto it = member_state_.find(user);
    const MemberState st = it == member_state_.end() ? MemberState{} : it->second;
    j["me"] = Json{{"mic_granted", st.mic_granted},     {"mic_applying", st.mic_applying},
                   {"share_applying", st.share_applying}, {"asked_mic_on", st.asked_mic_on},
                   {"asked_camera_on", st.asked_camera_on}};
    return j;
}

}  // namespace posemeet
