// See room.hpp.
#include "core/room.hpp"

#include <algorithm>

#include "core/pose_tier.hpp"

namespace posemeet {

Json UserRecord::to_json() const {
    return Json{{"room_id", room_id},
                {"user_id", user_id},
                {"user_name", user_name},
                {"user_role", static_cast<int>(user_role)},
                {"camera", camera},
                {"mic", mic},
                {"join_time", join_time},
                {"share_permission", share_permission},
                {"share_status", share_status},
                {"share_type", share_type},
                {"is_silence", is_silence},
                {"media_id", media_id},
                {"media_relay", media_relay},
                {"online", online},
                {"permission", permission.to_json()},
                {"metadata", metadata},
                {"attributes", attributes}};
}

Json MemberPermission::to_json() const {
    return Json{{"mic", mic ? 1 : 0},   {"camera", camera ? 1 : 0}, {"screen", screen ? 1 : 0},
                {"data", data ? 1 : 0}, {"room_admin", room_admin ? 1 : 0}};
}

MemberPermission MemberPermission::from_json(const Json& j) {
    using protocol::field_or;
    MemberPermission p;
    if (!j.is_object()) return p;
    p.mic = field_or(j, "mic", 1) != 0;
    p.camera = field_or(j, "camera", 1) != 0;
    p.screen = field_or(j, "screen", 1) != 0;
    p.data = field_or(j, "data", 1) != 0;
    p.room_admin = field_or(j, "room_admin", 0) != 0;
    return p;
}

Json RoomRecord::to_json() const {
    return Json{{"room_id", room_id},       {"room_name", room_name},
                {"create_time", create_time}, {"start_time", start_time},
                {"end_time", end_time},     {"status", static_cast<int>(status)}};
}

UserRecord UserRecord::from_json(const Json& j) {
    using protocol::field_or;
    UserRecord u;
    u.room_id = field_or(j, "room_id", "");
    u.user_id = field_or(j, "user_id", "");
    u.user_name = field_or(j, "user_name", "");
    u.user_role = field_or(j, "user_role", 0) == 1 ? UserRole::Host : UserRole::Visitor;
    u.camera = field_or(j, "camera", 0);
    u.mic = field_or(j, "mic", 0);
    u.join_time = field_or(j, "join_time", std::int64_t{0});
    u.share_permission = field_or(j, "share_permission", 0);
    u.share_status = field_or(j, "share_status", 0);
    u.share_type = field_or(j, "share_type", 0);
    u.is_silence = field_or(j, "is_silence", 0);
    u.media_id = field_or(j, "media_id", std::uint16_t{0});
    u.media_relay = field_or(j, "media_relay", 0);
    u.online = field_or(j, "online", 1) == 0 ? 0 : 1;
    if (auto p = j.find("permission"); p != j.end()) u.permission = MemberPermission::from_json(*p);
    u.metadata = field_or(j, "metadata", "");
    if (auto a = j.find("attributes"); a != j.end() && a->is_object()) {
        for (const auto& [k, v] : a->items())
            if (v.is_string()) u.attributes[k] = v;
    }
    return u;
}

RoomRecord RoomRecord::from_json(const Json& j) {
    using protocol::field_or;
    RoomRecord r;
    r.room_id = field_or(j, "room_id", "");
    r.room_name = field_or(j, "room_name", "");
    r.create_time = field_or(j, "create_time", std::int64_t{0});
    r.start_time = field_or(j, "start_time", std::int64_t{0});
    r.end_time = field_or(j, "end_time", std::int64_t{0});
    const int status = field_or(j, "status", 0);
    r.status = status >= 0 && status <= 2 ? static_cast<RoomStatus>(status) : RoomStatus::NotStarted;
    return r;
}

std::optional<JoinRequest> parse_join_request(const Json& content, std::string& error) {
    JoinRequest r;
    auto name = protocol::read_string(content, "user_name", kMaxUserNameBytes, error);
    if (!error.empty()) return std::nullopt;
    if (!name || name->empty()) {
        error = "user_name is required";
        return std::nullopt;
    }
    r.user_name = *name;
    for (auto [field, out] : {std::pair{"camera", &r.camera}, std::pair{"mic", &r.mic},
                              std::pair{"is_silence", &r.is_silence},
                              std::pair{"media_relay", &r.media_relay}}) {
        auto v = protocol::read_enum(content, field, 1, error);
        if (!error.empty()) return std::nullopt;
        if (v) *out = *v;
    }
    return r;
}

Room::Room(std::string room_id, std::string room_name, std::int64_t now_ms, RoomLimits limits)
    : limits_(limits) {
    record_.room_id = std::move(room_id);
    record_.room_name = std::move(room_name);
    record_.create_time = now_ms;
}

Outcome Room::join(const std::string& user_id, const JoinRequest& req, std::int64_t now_ms) {
    if (record_.status == RoomStatus::Ended) return Outcome::error(ErrorCode::RoomEnded);
    if (find(user_id)) return Outcome::error(ErrorCode::AlreadyInRoom);
    if (static_cast<int>(members_.size()) >= limits_.max_participants) {
        return Outcome::error(ErrorCode::RoomFull, "the room is full (" +
                                                       std::to_string(limits_.max_participants) +
                                                       " participants)");
    }
    // A peer-to-peer member uploads its media once per other member, so while anyone in the
    // room (the joiner included) is peer to peer the mesh stops at kMaxPeerToPeerRoom, even
    // when the server allows bigger rooms; a room of relay-only members (bots) may grow.
    // With relay_beyond_mesh the joiner beyond the mesh switches the room to relay instead.
    const bool mesh = !req.media_relay || std::any_of(members_.begin(), members_.end(),
                                                      [](const UserRecord& m) { return !m.media_relay; });
    const bool beyond_mesh = mesh && static_cast<int>(members_.size()) >= kMaxPeerToPeerRoom;
    if (beyond_mesh && !limits_.relay_beyond_mesh) {
        return Outcome::error(ErrorCode::RoomFull, "the room is full (" + std::to_string(kMaxPeerToPeerRoom) +
                                                       " participants while media is peer to peer)");
    }
    Outcome o;
    if (beyond_mesh) relay_everyone(o.notifications);
    if (record_.status == RoomStatus::NotStarted) {
        record_.status = RoomStatus::InProgress;
        record_.start_time = now_ms;
    }

    UserRecord u;
    u.room_id = record_.room_id;
    u.user_id = user_id;
    u.user_name = req.user_name;
    // A source the member's token does not allow stays closed (the join still succeeds).
    u.camera = req.permission.camera ? req.camera : 0;
    u.mic = req.permission.mic ? req.mic : 0;
    u.is_silence = req.is_silence;
    u.media_relay = beyond_mesh ? 1 : req.media_relay;
    u.permission = req.permission;
    u.metadata = req.metadata;
    u.attributes = req.attributes.is_object() ? req.attributes : Json::object();
    // Join times are strictly increasing so "ordered by join_time" is a total order.
    u.join_time = members_.empty() ? now_ms : std::max(now_ms, members_.back().join_time + 1);
    const bool has_host = std::any_of(members_.begin(), members_.end(),
                                      [](const UserRecord& m) { return m.user_role == UserRole::Host; });
    u.user_role = has_host ? UserRole::Visitor : UserRole::Host;
    // Joining cannot get around a mute-all that forbids unmuting yourself.
    if (u.user_role == UserRole::Visitor && !u.permission.room_admin && mic_all_status_ == 0 &&
        !self_unmute_permission_)
        u.mic = 0;
    // The host and co-hosts may share without asking (if their token allows a screen).
    u.share_permission = (u.user_role == UserRole::Host || u.permission.room_admin) && u.permission.screen ? 1 : 0;
    // Next free media id: the 16-bit counter wraps in a long-lived room, and an id still in
    // use must never be handed out twice (receivers would mix two people's media).
    // 0 means "no sender". The room holds far fewer than 65535 members, so this ends.
    while (next_media_id_ == 0 || find_by_media_id(next_media_id_)) ++next_media_id_;
    u.media_id = next_media_id_++;
    members_.push_back(u);
    member_state_[user_id] = {};

    o.response = Json{{"room", record_.to_json()},     {"user", u.to_json()},
                      {"user_list", user_list_json()}, {"room_state", controls_json(user_id)},
                      {"messages", chat_history_json()}};
    const auto others = member_ids(user_id);
    if (!others.empty() && !u.is_silence) {
        o.notifications.push_back({others, Event::OnJoinRoom,
                                   Json{{"user", u.to_json()}, {"user_count", members_.size()}}});
    }
    return o;
}

void Room::relay_everyone(std::vector<Notification>& out) {
    // Told before the joiner's vcOnJoinRoom, so that nobody opens a peer link to it.
    for (auto& m : members_) {
        if (m.media_relay) continue;
        m.media_relay = 1;
        out.push_back({member_ids(), Event::OnUserUpdate, Json{{"room_id", record_.room_id}, {"user", m.to_json()}}});
    }
}

Outcome Room::leave(const std::string& user_id, std::int64_t /*now_ms*/) {
    auto it = std::find_if(members_.begin(), members_.end(),
                           [&](const UserRecord& m) { return m.user_id == user_id; });
    if (it == members_.end()) return Outcome::error(ErrorCode::NotFound, "user is not in this room");
    const UserRecord gone = *it;
    Outcome o;
    if (sharer_ == user_id) stop_share(o.notifications);  // tells the others, the leaver too
    members_.erase(it);
    member_state_.erase(user_id);
    for (auto& n : o.notifications)  // ...but the leaver no longer hears anything
        n.recipients.erase(std::remove(n.recipients.begin(), n.recipients.end(), user_id), n.recipients.end());

    const auto others = member_ids();
    if (others.empty()) return o;
    o.notifications.push_back({others, Event::OnLeaveRoom,
                               Json{{"user", gone.to_json()}, {"user_count", members_.size()}}});
    if (gone.user_role == UserRole::Host) {
        // Host passes to the earliest-joined remaining participant.
        auto& next = members_.front();
        next.user_role = UserRole::Host;
        next.share_permission = 1;
        o.notifications.push_back({others, Event::OnHostChange,
                                   Json{{"room_id", record_.room_id}, {"user_id", next.user_id}}});
    }
    return o;
}

Outcome Room::set_online(const std::string& user_id, bool online) {
    UserRecord* u = nullptr;
    for (auto& m : members_)
        if (m.user_id == user_id) u = &m;
    if (!u) return Outcome::error(ErrorCode::NotFound, "user is not in this room");
    Outcome o;
    if (u->online == (online ? 1 : 0)) return o;
    u->online = online ? 1 : 0;
    const auto others = member_ids(user_id);
    if (!others.empty()) {
        o.notifications.push_back({others, Event::OnUserConnection,
                                   Json{{"room_id", record_.room_id}, {"user_id", user_id},
                                        {"online", u->online}}});
    }
    return o;
}

const UserRecord* Room::find(const std::string& user_id) const {
    for (const auto& m : members_)
        if (m.user_id == user_id) return &m;
    return nullptr;
}

const UserRecord* Room::find_by_media_id(std::uint16_t media_id) const {
    for (const auto& m : members_)
        if (m.media_id == media_id) return &m;
    return nullptr;
}

Json Room::user_list_json() const {
    Json list = Json::array();
    for (const auto& m : members_) list.push_back(m.to_json());
    return list;
}

std::vector<std::string> Room::member_ids(const std::string& except) const {
    std::vector<std::string> ids;
    ids.reserve(members_.size());
    for (const auto& m : members_)
        if (m.user_id != except) ids.push_back(m.user_id);
    return ids;
}

std::vector<const UserRecord*> Room::relay_recipients(const std::string& sender,
                                                      const std::vector<std::uint16_t>& targets) const {
    std::vector<const UserRecord*> out;
    const UserRecord* from = find(sender);
    if (!from) return out;
    out.reserve(members_.size() - 1);
    for (const auto& m : members_) {
        if (m.user_id == sender) continue;
        const bool wanted = targets.empty()
                                ? (from->media_relay || m.media_relay)
                                : std::find(targets.begin(), targets.end(), m.media_id) != targets.end();
        if (wanted) out.push_back(&m);
    }
    return out;
}

}  // namespace posemeet
