// See control_service.hpp.
#include "core/control_service.hpp"

#include <algorithm>


namespace posemeet {

using protocol::make_inform;
using protocol::make_reply;

ControlService::ControlService(ServiceConfig config, IdGenerator new_user_id, IdGenerator new_token)
    : config_(config), new_user_id_(std::move(new_user_id)), new_token_(std::move(new_token)) {}

namespace {

constexpr int kMaxPoseHzWish = 30;  // the highest pose rate a sender sends (core/pose_tier.hpp)

// Reads a required 0/1 enum (accepting 1 and "1"); sets `error` when missing or malformed.
int required_flag(const Json& content, const char* field, std::string& error) {
    auto v = protocol::read_enum(content, field, 1, error);
    if (!v && error.empty()) error = std::string(field) + " is required (0 or 1)";
    return v.value_or(0);
}

std::string required_user(const Json& content, const char* field, std::string& error) {
    auto v = protocol::read_string(content, field, 64, error);
    if ((!v || v->empty()) && error.empty()) error = std::string(field) + " is required";
    return v.value_or("");
}

// vcSetMediaReceive {pose_hz?, visible?}: at least one of them; a field left out keeps its
// value, and nothing changes unless every field given is valid.
Outcome set_media_receive(const Room& room, ConnectionState& conn, const Json& c) {
    const auto hz = c.find("pose_hz");
    const auto visible = c.find("visible");
    const std::string hz_rule = "pose_hz must be an integer from 0 (every pose) to " + std::to_string(kMaxPoseHzWish);
    if (hz == c.end() && visible == c.end())
        return Outcome::error(ErrorCode::BadInput, hz_rule + ", or visible a list of user ids (null: none named)");
    if (hz != c.end() &&
        (!hz->is_number_integer() || hz->get<std::int64_t>() < 0 || hz->get<std::int64_t>() > kMaxPoseHzWish))
        return Outcome::error(ErrorCode::BadInput, hz_rule);
    std::vector<std::string> ids;
    if (visible != c.end() && !visible->is_null()) {
        if (!visible->is_array() || visible->size() > kMaxVisibleMembers)
            return Outcome::error(ErrorCode::BadInput, "visible must be a list of at most " +
                                                           std::to_string(kMaxVisibleMembers) +
                                                           " user ids, or null");
        for (const Json& id : *visible) {
            if (!id.is_string() || id.get_ref<const std::string&>().empty() ||
                id.get_ref<const std::string&>().size() > kMaxIdentityBytes)
                return Outcome::error(ErrorCode::BadInput, "visible must hold user ids (strings)");
            if (!room.find(id.get_ref<const std::string&>()))
                return Outcome::error(ErrorCode::NotFound,
                                      "visible: " + id.get<std::string>() + " is not a member of this room");
            ids.push_back(id.get<std::string>());
        }
    }
    if (hz != c.end()) conn.max_pose_hz = hz->get<int>();
    if (visible != c.end() && visible->is_null()) conn.visible_members.clear();
    else if (visible != c.end()) conn.visible_members.name(std::move(ids));
    Outcome o;
    o.response = Json{{"pose_hz", conn.max_pose_hz},
                      {"visible", conn.visible_members.named() ? Json(conn.visible_members.user_ids()) : Json(nullptr)}};
    return o;
}

}  // namespace

Outcome ControlService::operate(Room& room, const ConnectionState& conn, const protocol::Request& req,
                                std::int64_t now_ms) {
    const Json& c = req.content;
    const std::string& me = conn.user_id;
    std::string error;
    Outcome o;
    switch (req.event()) {
        case Event::OperateSelfCamera:
        case Event::OperateSelfMic: {
            const int operate = required_flag(c, "operate", error);
            const Device device = req.event() == Event::OperateSelfMic ? Device::Mic : Device::Camera;
            if (error.empty()) o = room.operate_self_device(me, device, operate);
            break;
        }
        case Event::OperateSelfMicApply: {
            const int operate = required_flag(c, "operate", error);
            if (error.empty()) o = room.apply_self_mic(me, operate);
            break;
        }
        case Event::OperateSelfMicPermit:
        case Event::SharePermissionPermit: {
            const std::string applicant = required_user(c, "apply_user_id", error);
            const int permit = required_flag(c, "permit", error);
            if (error.empty())
                o = req.event() == Event::OperateSelfMicPermit ? room.permit_self_mic(me, applicant, permit)
                                                               : room.permit_share(me, applicant, permit);
            break;
        }
        case Event::OperateOtherCamera:
        case Event::OperateOtherMic:
        case Event::OperateOtherSharePermission: {
            const std::string target = required_user(c, "operate_user_id", error);
            const int operate = required_flag(c, "operate", error);
            if (!error.empty()) break;
            if (req.event() == Event::OperateOtherSharePermission)
                o = room.operate_other_share_permission(me, target, operate);
            else
                o = room.operate_other_device(me, target,
                                              req.event() == Event::OperateOtherMic ? Device::Mic : Device::Camera,
                                              operate);
            break;
        }
        case Event::ReplyOperateRequest: {
            auto device = protocol::read_string(c, "device", 16, error);
            const int accept = required_flag(c, "accept", error);
            if (error.empty() && (!device || (*device != "mic" && *device != "camera")))
                error = "device must be \"mic\" or \"camera\"";
            if (error.empty())
                o = room.reply_operate_request(me, *device == "mic" ? Device::Mic : Device::Camera, accept);
            break;
        }
        case Event::OperateAllMic: {
            const int operate = required_flag(c, "operate", error);
            auto self_unmute = protocol::read_enum(c, "operate_self_mic_permission", 1, error);
            if (error.empty()) o = room.operate_all_mic(me, operate, self_unmute.value_or(1));
            break;
        }
        case Event::StartShare: {
            auto type = protocol::read_enum(c, "share_type", 1, error);
            if (!type && error.empty()) error = "share_type is required (0 screen, 1 board)";
            if (error.empty()) o = room.start_share(me, *type);
            break;
        }
        case Event::FinishShare: o = room.finish_share(me); break;
        case Event::SharePermissionApply: o = room.apply_share_permission(me); break;
        case Event::TransferHost: {
            const std::string target = required_user(c, "operate_user_id", error);
            if (error.empty()) o = room.transfer_host(me, target);
            break;
        }
        case Event::FinishRoom: o = room.finish(me, now_ms); break;
        case Event::SendMessage: {
            auto text = protocol::read_string(c, "message", kMaxChatMessageBytes, error);
            auto to = protocol::read_string(c, "to_user_id", 64, error);
            if (error.empty() && (!text || text->empty())) error = "message is required";
            if (error.empty()) o = room.send_message(me, *text, to.value_or(""), now_ms);
            break;
        }
        default:  // informs, and names the table does not know
            return Outcome::error(ErrorCode::UnknownEvent, "unknown event_name: " + req.event_name);
    }
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    return o;
}

ControlResult ControlService::handle(ConnectionState& conn, const protocol::Request& req,
                                     std::int64_t now_ms) {
    ControlResult result;
    if (conn.joined()) {
        auto s = sessions_.find(conn.user_id);
        if (s != sessions_.end() && !s->second.meeting_ended && s->second.attachment != conn.attachment) {
            // The member resumed on another connection: this one holds nothing any more.
            conn = {};
            if (req.event() != Event::JoinRoom && !is_resume(req)) {
                result.reply = make_reply(req.request_id, ErrorCode::NotInRoom,
                                          "this member resumed on another connection", {}, now_ms);
                return result;
            }
        }
    }
    if (!conn.joined() && is_resume(req)) {
        resume(&conn, req, MemberTransport::WebSocket, now_ms, result);
        return result;
    }
    dispatch(conn, req, MemberTransport::WebSocket, now_ms, result);
    return result;
}

void ControlService::dispatch(ConnectionState& conn, const protocol::Request& req, MemberTransport transport,
                              std::int64_t now_ms, ControlResult& result) {
    Outcome o;
    const Event ev = req.event();
    Room* room = conn.joined() ? room_of(conn) : nullptr;
    const bool same_meeting = room && meeting_serials_[conn.room_id] == conn.meeting_serial;
    if (conn.joined() && (!same_meeting || !room->find(conn.user_id))) {
        // The meeting ended (or this member was removed) while the connection stayed open;
        // a new meeting may even have opened under the same room id since.
        const bool ended = room && (room->ended() || !same_meeting);
        conn = {};
        room = nullptr;
        if (ev != Event::JoinRoom) {
            o = Outcome::error(ended ? ErrorCode::RoomEnded : ErrorCode::NotInRoom);
            result.reply = make_reply(req.request_id, o.code, o.message, {}, now_ms);
            return;
        }
    }
    std::vector<std::string> meeting_members;  // set when the request may end the meeting
    if (ev == Event::JoinRoom) {
        JoinAdmission admission;
        o = admit(req.content, now_ms, admission);
        if (o.code == ErrorCode::Ok) {
            const std::string room_id = protocol::field_or(req.content, "room_id", "");
            switch (place_identity(admission, room_id, now_ms, result, o)) {
                case IdentityPlace::Replace: return replace_member(conn, req, admission, transport, now_ms, result);
                case IdentityPlace::New: o = join(conn, req.content, admission, now_ms); break;
                case IdentityPlace::Refused: break;
            }
        }
        if (o.code == ErrorCode::Ok) {
            o.response["token"] = open_session(conn, transport, now_ms, result);
            if (!admission.user_id.empty()) invitee_joined(conn.room_id, conn.user_id, now_ms, o.notifications);
            o.response["invitations"] = invitations_json(conn.room_id);
        }
    } else if (!room) {
        o = Outcome::error(ErrorCode::NotInRoom);
    } else if (ev == Event::LeaveRoom) {
        const ConnectionState me = conn;
        o = leave(conn, now_ms);
        if (o.code == ErrorCode::Ok) {
            sessions_.erase(me.user_id);
            result.changes.push_back({MemberChange::Kind::Left, me.room_id, me.user_id, transport, false});
        }
    } else if (ev == Event::GetUserList) {
        o.response = Json{{"user_count", room->members().size()}, {"user_list", room->user_list_json()}};
    } else if (ev == Event::SetMediaReceive) {
        o = set_media_receive(*room, conn, req.content);
    } else if (ev == Event::Resync) {
        o.response = snapshot(*room, conn.user_id);
    } else if (ev == Event::Signal) {
        std::vector<Delivery> direct;
        o = signal(conn, req.content, direct, now_ms);
        for (auto& d : direct) route(std::move(d), result);
    } else {
        meeting_members = room->member_ids();
        o = operate(*room, conn, req, now_ms);
        if (o.code == ErrorCode::Ok && room->ended()) conn = {};  // vcFinishRoom: everyone is out
        else meeting_members.clear();
    }
    result.reply = make_reply(req.request_id, o.code, o.message, std::move(o.response), now_ms);
    route(o.notifications, now_ms, result);
    end_sessions(meeting_members, now_ms, result);
}

std::vector<Delivery> ControlService::disconnect(ConnectionState& conn, std::int64_t now_ms) {
    return close_connection(conn, /*clean=*/true, now_ms).deliveries;
}

Outcome ControlService::join(ConnectionState& conn, const Json& content, const JoinAdmission& admission,
                             std::int64_t now_ms) {
    if (conn.joined()) return Outcome::error(ErrorCode::AlreadyInRoom);
    std::string error;
    auto room_id = protocol::read_string(content, "room_id", kMaxRoomIdBytes, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    if (!room_id || room_id->empty()) return Outcome::error(ErrorCode::BadInput, "room_id is required");
    auto room_name = protocol::read_string(content, "room_name", kMaxRoomIdBytes * 2, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    // The token's name wins over the request's; a token without one takes the name the
    // person typed, else its identity.
    Json fields = content;
    if (!admission.user_name.empty()) fields["user_name"] = admission.user_name;
    else if (!admission.user_id.empty() && protocol::field_or(fields, "user_name", "").empty())
        fields["user_name"] = admission.user_id;
    auto request = parse_join_request(fields, error);
    if (!request) return Outcome::error(ErrorCode::BadInput, error);
    if (admission.hidden) request->is_silence = 1;
    request->permission = admission.permission;
    request->metadata = admission.metadata;
    request->attributes = admission.attributes;

    auto new_meeting = protocol::read_enum(content, "new_meeting", 1, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    auto& slot = rooms_[*room_id];
    // An ended meeting keeps its room id closed until someone opens a new meeting there,
    // which a token must grant (roomCreate, or roomAdmin for this room).
    if (slot && slot->ended() && new_meeting.value_or(0) == 1) {
        if (!admission.may_open_meeting)
            return Outcome::error(ErrorCode::NotPermitted,
                                  "this meeting has ended; your access token does not allow opening a new one");
        slot.reset();
    }
    if (!slot) {
        meeting_serials_[*room_id] = next_meeting_serial_++;
        slot = std::make_unique<Room>(*room_id, room_name && !room_name->empty() ? *room_name : *room_id,
                                      now_ms, limits_for(*room_id));
    }
    const std::string user_id = admission.user_id.empty() ? new_user_id_() : admission.user_id;
    Outcome o = slot->join(user_id, *request, now_ms);
    if (o.code != ErrorCode::Ok) {
        if (slot->empty() && !slot->ended()) {
            rooms_.erase(*room_id);
            meeting_serials_.erase(*room_id);
        }
        return o;
    }
    conn.room_id = *room_id;
    conn.user_id = user_id;
    conn.meeting_serial = meeting_serials_[*room_id];
    return o;
}

Outcome ControlService::leave(ConnectionState& conn, std::int64_t now_ms) {
    auto it = rooms_.find(conn.room_id);
    Outcome o = it == rooms_.end() ? Outcome::error(ErrorCode::NotFound)
                                   : it->second->leave(conn.user_id, now_ms);
    if (it != rooms_.end() && it->second->empty() && !it->second->ended()) {
        meeting_serials_.erase(it->first);
        rooms_.erase(it);
    }
    conn = {};
    return o;
}

Outcome ControlService::signal(const ConnectionState& conn, const Json& content,
                               std::vector<Delivery>& extra, std::int64_t now_ms) {
    std::string error;
    auto to = protocol::read_string(content, "to_user_id", 64, error);
    if (!error.empty() || !to) return Outcome::error(ErrorCode::BadInput, error.empty() ? "to_user_id is required" : error);
    auto sig = content.find("signal");
    if (sig == content.end() || !sig->is_object())
        return Outcome::error(ErrorCode::BadInput, "signal must be an object");
    if (sig->dump().size() > config_.max_signal_bytes)
        return Outcome::error(ErrorCode::TooLarge, "signal larger than 16 KiB");
    const Room* room = room_of(conn);
    if (!room->find(*to) || *to == conn.user_id)
        return Outcome::error(ErrorCode::NotFound, "to_user_id is not another member of your room");
    extra.push_back({*to, make_inform(Event::OnSignal,
                                      Json{{"room_id", conn.room_id}, {"from_user_id", conn.user_id},
                                           {"signal", *sig}},
                                      now_ms)});
    return {};
}

Room* ControlService::room_of(const ConnectionState& conn) {
    auto it = rooms_.find(conn.room_id);
    return it == rooms_.end() ? nullptr : it->second.get();
}

const Room* ControlService::find_room(const std::string& room_id) const {
    auto it = rooms_.find(room_id);
    return it == rooms_.end() ? nullptr : it->second.get();
}

std::size_t ControlService::participant_count() const {
    std::size_t n = 0;
    for (const auto& [id, room] : rooms_) n += room->members().size();
    return n;
}

std::vector<const UserRecord*> ControlService::relay_recipients(const ConnectionState& conn,
                                                                const std::vector<std::uint16_t>& targets,
                                                                MediaKind kind, std::uint16_t& sender_media_id) const {
    const Room* room = find_room(conn.room_id);
    if (!room) return {};
    const UserRecord* me = room->find(conn.user_id);
    if (!me) return {};
    // The room's mic rule, enforced where a client cannot get around it.
    if (kind == MediaKind::Audio && me->mic != 1) return {};
    // A member whose token does not allow the camera sends no pose (the avatar is the camera).
    if (kind == MediaKind::Pose && !me->permission.camera) return {};
    sender_media_id = me->media_id;
    return room->relay_recipients(conn.user_id, targets);
}

}  // namespace posemeet
