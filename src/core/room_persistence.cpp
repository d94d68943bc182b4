// A room's whole state and its members' sessions as JSON, and back: what the server writes
// to its store so that a restart loses no meeting (see ControlService::export_room).
//
// The reader is strict about what would break the room's rules (ids missing or repeated,
// not exactly one host in a running meeting, members in an ended one, a sharer who is not
// a member) and refuses such a state whole; it is lenient about the rest (a missing flag
// gets its default), like UserRecord::from_json. Limits (room size) are not stored: the
// restarted server's configuration applies.
#include <set>

#include "core/control_service.hpp"
#include "core/room.hpp"

namespace posemeet {

using protocol::field_or;

// [SECTION] Room

Json Room::to_state_json() const {
    Json members = Json::array();
    for (const UserRecord& m : members_) {
        Json j = m.to_json();
        auto st = member_state_.find(m.user_id);
        if (st != member_state_.end()) {
            j["mic_granted"] = st->second.mic_granted ? 1 : 0;
            j["mic_applying"] = st->second.mic_applying ? 1 : 0;
            j["share_applying"] = st->second.share_applying ? 1 : 0;
            j["asked_mic_on"] = st->second.asked_mic_on ? 1 : 0;
            j["asked_camera_on"] = st->second.asked_camera_on ? 1 : 0;
        }
        members.push_back(std::move(j));
    }
    Json history = Json::array();
    for (const ChatMessage& m : history_) history.push_back(m.to_json());
    return Json{{"record", record_.to_json()},
                {"members", std::move(members)},
                {"next_media_id", next_media_id_},
                {"mic_all_status", mic_all_status_},
                {"self_unmute_permission", self_unmute_permission_},
                {"sharer", sharer_},
                {"history", std::move(history)},
                {"next_message_id", next_message_id_}};
}

std::unique_ptr<Room> Room::from_state_json(const Json& j, RoomLimits limits, std::string& error) {
    error.clear();
    if (!j.is_object()) {
        error = "room state is not an object";
        return nullptr;
    }
    const RoomRecord record = RoomRecord::from_json(field_or(j, "record", Json::object()));
    if (record.room_id.empty()) {
        error = "room state without a room_id";
        return nullptr;
    }
    auto room = std::make_unique<Room>(record.room_id, record.room_name, record.create_time, limits);
    room->record_ = record;
    std::set<std::string> ids;
    std::set<std::uint16_t> media_ids;
    int hosts = 0;
    const Json members = field_or(j, "members", Json::array());
    if (!members.is_array()) {
        error = "members is not a list";
        return nullptr;
    }
    for (const Json& m : members) {
        if (!m.is_object()) {
            error = "a member is not an object";
            return nullptr;
        }
        UserRecord u = UserRecord::from_json(m);
        u.room_id = record.room_id;
        if (u.user_id.empty() || !ids.insert(u.user_id).second || u.media_id == 0 ||
            !media_ids.insert(u.media_id).second) {
            error = "a member without a user_id or media_id, or a repeated one";
            return nullptr;
        }
        if (u.user_role == UserRole::Host) ++hosts;
        MemberState st;
        st.mic_granted = field_or(m, "mic_granted", 0) == 1;
        st.mic_applying = field_or(m, "mic_applying", 0) == 1;
        st.share_applying = field_or(m, "share_applying", 0) == 1;
        st.asked_mic_on = field_or(m, "asked_mic_on", 0) == 1;
        st.asked_camera_on = field_or(m, "asked_camera_on", 0) == 1;
        room->member_state_[u.user_id] = st;
        room->members_.push_back(std::move(u));
    }
    // An ended meeting has nobody in it; one in progress has members and one host.
    if (room->ended() ? !room->members_.empty() : room->members_.empty() || hosts != 1) {
        error = room->ended() ? "an ended meeting with members" : "a meeting in progress needs members and one host";
        return nullptr;
    }
    room->sharer_ = field_or(j, "sharer", "");
    if (!room->sharer_.empty() && !ids.count(room->sharer_)) {
        error = "the sharer is not a member";
        return nullptr;
    }
    const std::uint16_t highest_media_id = media_ids.empty() ? 0 : *media_ids.rbegin();
    room->next_media_id_ = std::max<std::uint16_t>(field_or(j, "next_media_id", std::uint16_t{1}),
                                                   static_cast<std::uint16_t>(highest_media_id + 1));
    room->mic_all_status_ = field_or(j, "mic_all_status", 1) == 0 ? 0 : 1;
    room->self_unmute_permission_ = field_or(j, "self_unmute_permission", 1) == 0 ? 0 : 1;
    const Json history = field_or(j, "history", Json::array());
    if (history.is_array()) {
        for (const Json& h : history) {
            if (!h.is_object() || room->history_.size() >= kChatHistory) continue;
            ChatMessage m = ChatMessage::from_json(h);
            if (m.message.size() > kMaxChatMessageBytes) m.message.resize(kMaxChatMessageBytes);
            room->history_.push_back(std::move(m));
        }
    }
    const std::uint64_t last_message = room->history_.empty() ? 0 : room->history_.back().message_id;
    room->next_message_id_ = std::max(field_or(j, "next_message_id", std::uint64_t{1}), last_message + 1);
    return room;
}

// [SECTION] ControlService

std::optional<Json> ControlService::export_room(const std::string& room_id) const {
    auto it = rooms_.find(room_id);
    if (it == rooms_.end()) return std::nullopt;
    Json sessions = Json::array();
    for (const UserRecord& m : it->second->members()) {
        auto s = sessions_.find(m.user_id);
        if (s == sessions_.end() || s->second.meeting_ended) continue;
        sessions.push_back(Json{{"user_id", m.user_id},
                                {"token_sha256", s->second.token_digest},
                                {"transport", static_cast<int>(s->second.transport)}});
    }
    return Json{{"v", 1},
                {"room", it->second->to_state_json()},
                {"sessions", std::move(sessions)},
                {"invitations", invitations_json(room_id)}};
}

bool ControlService::import_room(const Json& state, std::int64_t now_ms, std::vector<MemberChange>& changes,
                                 std::string& error) {
    if (!state.is_object() || field_or(state, "v", 0) != 1) {
        error = "not a room state of version 1";
        return false;
    }
    auto room = Room::from_state_json(field_or(state, "room", Json::object()), config_.room_limits, error);
    if (!room) return false;
    const std::string room_id = room->record().room_id;
    if (rooms_.count(room_id)) {
        error = "room " + room_id + " exists already";
        return false;
    }
    // Every member needs its token's digest to resume (a state with a member without one is
    // refused below).
    std::map<std::string, std::pair<std::string, MemberTransport>> secrets;  // user id -> digest, transport
    const Json sessions = field_or(state, "sessions", Json::array());
    if (sessions.is_array()) {
        for (const Json& s : sessions) {
            const std::string user_id = field_or(s, "user_id", ""), digest = field_or(s, "token_sha256", "");
            if (user_id.empty() || digest.size() != 64) continue;
            const MemberTransport transport = field_or(s, "transport", 0) == 1 ? MemberTransport::Http : MemberTransport::WebSocket;
            secrets[user_id] = {digest, transport};
        }
    }
    for (const UserRecord& m : room->members()) {
        if (!secrets.count(m.user_id) || sessions_.count(m.user_id)) {
            error = "member " + m.user_id + " has no session, or one in another room";
            return false;
        }
    }
    const std::uint64_t serial = next_meeting_serial_++;
    for (const std::string& user_id : room->member_ids()) {
        // Nobody is connected to a server that just started: WebSocket members are offline
        // (they resume with their token within the grace period, or expire), HTTP members
        // idle since now. (The room's notifications of that go to nobody: nobody is here.)
        const auto& [digest, transport] = secrets[user_id];
        if (transport == MemberTransport::WebSocket) room->set_online(user_id, false);
        sessions_.insert_or_assign(user_id, MemberSession{room_id, serial, digest, transport, 0, now_ms, false,
                                                          EventInbox(config_.event_queue_max)});
        changes.push_back({MemberChange::Kind::Joined, room_id, user_id, transport, false});
    }
    meeting_serials_[room_id] = serial;
    rooms_[room_id] = std::move(room);
    // Invitations (absent in states of older servers): a malformed one is skipped.
    MeetingInvitations invited{serial, {}};
    for (const Json& j : field_or(state, "invitations", Json::array()))
        if (auto inv = Invitation::from_json(j); inv && invited.list.size() < kMaxInvitationsPerMeeting)
            invited.list.push_back(std::move(*inv));
    if (!invited.list.empty()) invitations_[room_id] = std::move(invited);
    return true;
}

}  // namespace posemeet
