// See control_service.hpp.
#include "core/control_service.hpp"

#include <algorithm>
#include <cstdio>

#include "core/sha256.hpp"

namespace posemeet {

using protocol::make_inform;
using protocol::make_reply;

ControlService::ControlService(ServiceConfig config, IdGenerator new_user_id, IdGenerator new_token)
    : config_(config), new_user_id_(std::move(new_user_id)), new_token_(std::move(new_token)) {}

void ControlService::expand(std::vector<Notification>& notifications, std::int64_t now_ms,
                            std::vector<Delivery>& out) {
    for (auto& n : notifications) {
        const Json msg = make_inform(n.event, std::move(n.data), now_ms);
        for (auto& r : n.recipients) out.push_back({std::move(r), msg});
    }
}

namespace {

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

}  // namespace

Outcome ControlService::operate(Room& room, const ConnectionState& conn, const protocol::Request& req,
                                std::int64_t now_ms) {
    const std::string& ev = req.event_name;
    const Json& c = req.content;
    const std::string& me = conn.user_id;
    std::string error;
    Outcome o;
    if (ev == "vcOperateSelfCamera" || ev == "vcOperateSelfMic") {
        const int operate = required_flag(c, "operate", error);
        if (error.empty())
            o = room.operate_self_device(me, ev == "vcOperateSelfMic" ? Device::Mic : Device::Camera, operate);
    } else if (ev == "vcOperateSelfMicApply") {
        const int operate = required_flag(c, "operate", error);
        if (error.empty()) o = room.apply_self_mic(me, operate);
    } else if (ev == "vcOperateSelfMicPermit" || ev == "vcSharePermissionPermit") {
        const std::string applicant = required_user(c, "apply_user_id", error);
        const int permit = required_flag(c, "permit", error);
        if (error.empty())
            o = ev == "vcOperateSelfMicPermit" ? room.permit_self_mic(me, applicant, permit)
                                               : room.permit_share(me, applicant, permit);
    } else if (ev == "vcOperateOtherCamera" || ev == "vcOperateOtherMic" || ev == "vcOperateOtherSharePermission") {
        const std::string target = required_user(c, "operate_user_id", error);
        const int operate = required_flag(c, "operate", error);
        if (error.empty()) {
            o = ev == "vcOperateOtherSharePermission"
                    ? room.operate_other_share_permission(me, target, operate)
                    : room.operate_other_device(me, target, ev == "vcOperateOtherMic" ? Device::Mic : Device::Camera,
                                                operate);
        }
    } else if (ev == "vcReplyOperateRequest") {
        auto device = protocol::read_string(c, "device", 16, error);
        const int accept = required_flag(c, "accept", error);
        if (error.empty() && (!device || (*device != "mic" && *device != "camera")))
            error = "device must be \"mic\" or \"camera\"";
        if (error.empty()) o = room.reply_operate_request(me, *device == "mic" ? Device::Mic : Device::Camera, accept);
    } else if (ev == "vcOperateAllMic") {
        const int operate = required_flag(c, "operate", error);
        auto self_unmute = protocol::read_enum(c, "operate_self_mic_permission", 1, error);
        if (error.empty()) o = room.operate_all_mic(me, operate, self_unmute.value_or(1));
    } else if (ev == "vcStartShare") {
        auto type = protocol::read_enum(c, "share_type", 1, error);
        if (!type && error.empty()) error = "share_type is required (0 screen, 1 board)";
        if (error.empty()) o = room.start_share(me, *type);
    } else if (ev == "vcFinishShare") {
        o = room.finish_share(me);
    } else if (ev == "vcSharePermissionApply") {
        o = room.apply_share_permission(me);
    } else if (ev == "vcTransferHost") {
        const std::string target = required_user(c, "operate_user_id", error);
        if (error.empty()) o = room.transfer_host(me, target);
    } else if (ev == "vcFinishRoom") {
        o = room.finish(me, now_ms);
    } else if (ev == "vcSendMessage") {
        auto text = protocol::read_string(c, "message", kMaxChatMessageBytes, error);
        auto to = protocol::read_string(c, "to_user_id", 64, error);
        if (error.empty() && (!text || text->empty())) error = "message is required";
        if (error.empty()) o = room.send_message(me, *text, to.value_or(""), now_ms);
    } else {
        return Outcome::error(ErrorCode::UnknownEvent, "unknown event_name: " + ev);
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
            if (req.event_name != "vcJoinRoom" && !is_resume(req)) {
                result.reply = make_reply(req.request_id, ErrorCode::NotInRoom,
                                          "this member resumed on another connection", {}, now_ms);
                return result;
            }
        }
    }
    if (!conn.joined() && is_resume(req)) {
        resume(&conn, req, Transport::WebSocket, now_ms, result);
        return result;
    }
    dispatch(conn, req, Transport::WebSocket, now_ms, result);
    return result;
}

void ControlService::dispatch(ConnectionState& conn, const protocol::Request& req, Transport transport,
                              std::int64_t now_ms, ControlResult& result) {
    Outcome o;
    const std::string& ev = req.event_name;
    Room* room = conn.joined() ? room_of(conn) : nullptr;
    const bool same_meeting = room && meeting_serials_[conn.room_id] == conn.meeting_serial;
    if (conn.joined() && (!same_meeting || !room->find(conn.user_id))) {
        // The meeting ended (or this member was removed) while the connection stayed open;
        // a new meeting may even have opened under the same room id since.
        const bool ended = room && (room->ended() || !same_meeting);
        conn = {};
        room = nullptr;
        if (ev != "vcJoinRoom") {
            o = Outcome::error(ended ? ErrorCode::RoomEnded : ErrorCode::NotInRoom);
            result.reply = make_reply(req.request_id, o.code, o.message, {}, now_ms);
            return;
        }
    }
    std::vector<std::string> meeting_members;  // set when the request may end the meeting
    if (ev == "vcJoinRoom") {
        o = join(conn, req.content, now_ms);
        if (o.code == ErrorCode::Ok) {
            // [SECTION] the new member's session: its secret, its transport, its queue
            // The token is handed out once, here; the server keeps only its digest.
            const std::string token = make_token();
            MemberSession s{conn.room_id, conn.meeting_serial, sha256_hex(token), transport,
                            transport == Transport::WebSocket ? next_attachment_++ : 0, now_ms,
                            false, EventInbox(config_.event_queue_max)};
            conn.attachment = s.attachment;
            o.response["token"] = token;
            sessions_.insert_or_assign(conn.user_id, std::move(s));
            result.changes.push_back({MemberChange::Kind::Joined, conn.room_id, conn.user_id, transport, false});
        }
    } else if (!room) {
        o = Outcome::error(ErrorCode::NotInRoom);
    } else if (ev == "vcLeaveRoom") {
        const ConnectionState me = conn;
        o = leave(conn, now_ms);
        if (o.code == ErrorCode::Ok) {
            sessions_.erase(me.user_id);
            result.changes.push_back({MemberChange::Kind::Left, me.room_id, me.user_id, transport, false});
        }
    } else if (ev == "vcGetUserList") {
        o.response = Json{{"user_count", room->members().size()}, {"user_list", room->user_list_json()}};
    } else if (ev == "vcResync") {
        o.response = snapshot(*room, conn.user_id);
    } else if (ev == "vcSignal") {
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
    // The meeting ended: every member is out. Sessions stay as tombstones (holding any
    // informs still queued, vcOnFinishRoom included) until the grace period passes.
    for (const auto& id : meeting_members) {
        auto s = sessions_.find(id);
        if (s == sessions_.end()) continue;
        s->second.meeting_ended = true;
        s->second.attachment = 0;
        s->second.last_seen_ms = now_ms;
        result.changes.push_back({MemberChange::Kind::Left, s->second.room_id, id, s->second.transport, true});
    }
}

std::vector<Delivery> ControlService::disconnect(ConnectionState& conn, std::int64_t now_ms) {
    return close_connection(conn, /*clean=*/true, now_ms).deliveries;
}

Outcome ControlService::join(ConnectionState& conn, const Json& content, std::int64_t now_ms) {
    if (conn.joined()) return Outcome::error(ErrorCode::AlreadyInRoom);
    std::string error;
    auto room_id = protocol::read_string(content, "room_id", kMaxRoomIdBytes, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    if (!room_id || room_id->empty()) return Outcome::error(ErrorCode::BadInput, "room_id is required");
    auto room_name = protocol::read_string(content, "room_name", kMaxRoomIdBytes * 2, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    auto request = parse_join_request(content, error);
    if (!request) return Outcome::error(ErrorCode::BadInput, error);

    auto new_meeting = protocol::read_enum(content, "new_meeting", 1, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    auto& slot = rooms_[*room_id];
    // An ended meeting keeps its room id closed until someone opens a new meeting there.
    if (slot && slot->ended() && new_meeting.value_or(0) == 1) slot.reset();
    if (!slot) {
        meeting_serials_[*room_id] = next_meeting_serial_++;
        slot = std::make_unique<Room>(*room_id, room_name && !room_name->empty() ? *room_name : *room_id,
                                      now_ms, config_.room_limits);
    }
    const std::string user_id = new_user_id_();
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
    extra.push_back({*to, make_inform("vcOnSignal",
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

std::vector<std::string> ControlService::relay_recipients(const ConnectionState& conn,
                                                          const std::vector<std::uint16_t>& targets,
                                                          MediaKind kind, std::uint16_t& sender_media_id) const {
    const Room* room = find_room(conn.room_id);
    if (!room) return {};
    const UserRecord* me = room->find(conn.user_id);
    if (!me) return {};
    // The room's mic rule, enforced where a client cannot get around it.
    if (kind == MediaKind::Audio && me->mic != 1) return {};
    sender_media_id = me->media_id;
    return room->relay_recipients(conn.user_id, targets);
}

// [SECTION] member sessions: the reconnect grace period, resuming, and the HTTP form

namespace {

std::uint64_t mix64(std::uint64_t z) {  // splitmix64's finalizer
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Compares secrets without stopping at the first difference.
bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

bool PollResult::has_events() const {
    auto it = data.find("events");
    return it != data.end() && it->is_array() && !it->empty();
}

std::string ControlService::make_token() {
    if (new_token_) return new_token_();
    const std::uint64_t n = ++token_counter_;
    char buf[33];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(mix64(n)),
                  static_cast<unsigned long long>(mix64(n ^ 0xA5A5A5A5A5A5A5A5ull)));
    return std::string(buf, 32);
}

std::int64_t ControlService::http_idle_ms() const {
    return std::max(config_.reconnect_grace_ms, kMinHttpIdleMs);
}

bool ControlService::is_resume(const protocol::Request& req) {
    if (req.event_name != "vcResync" && req.event_name != "vcJoinRoom") return false;
    auto it = req.content.find("user_id");
    const bool has_user = it != req.content.end() && !it->is_null() &&
                          !(it->is_string() && it->get_ref<const std::string&>().empty());
    // vcJoinRoom {user_id, token, ...} is how older front ends rejoin: an alias of resume.
    return has_user && (req.event_name == "vcResync" || req.content.contains("token"));
}

ConnectionState ControlService::conn_of(const std::string& user_id, const MemberSession& s) const {
    ConnectionState c;
    c.room_id = s.room_id;
    c.user_id = user_id;
    c.meeting_serial = s.meeting_serial;
    c.attachment = s.attachment;
    return c;
}

Json ControlService::snapshot(const Room& room, const std::string& user_id) const {
    const UserRecord* me = room.find(user_id);
    return Json{{"room", room.record().to_json()},
                {"user", me ? me->to_json() : Json::object()},
                {"user_list", room.user_list_json()},
                {"room_state", room.controls_json(user_id)},
                {"messages", room.chat_history_json()}};
}

ErrorCode ControlService::authenticate(const std::string& room_id, const std::string& user_id,
                                       const std::string& token, std::string& message) const {
    message.clear();
    if (user_id.empty()) {
        message = "user_id and token are required (vcJoinRoom first)";
        return ErrorCode::NotInRoom;
    }
    if (token.empty()) return ErrorCode::TokenEmpty;
    auto it = sessions_.find(user_id);
    if (it == sessions_.end() || (!room_id.empty() && room_id != it->second.room_id)) {
        message = "no such member in this room (it left or expired): join again";
        return ErrorCode::NotFound;
    }
    if (!same_secret(sha256_hex(token), it->second.token_digest)) return ErrorCode::TokenMismatch;
    if (it->second.meeting_ended) return ErrorCode::RoomEnded;
    return ErrorCode::Ok;
}

void ControlService::resume(ConnectionState* conn, const protocol::Request& req, Transport transport,
                            std::int64_t now_ms, ControlResult& result) {
    const Json& c = req.content;
    std::string error;
    auto room_id = protocol::read_string(c, "room_id", kMaxRoomIdBytes, error);
    auto user_id = protocol::read_string(c, "user_id", 64, error);
    auto token = protocol::read_string(c, "token", kMaxTokenBytes, error);
    const auto fail = [&](ErrorCode code, const std::string& message) {
        result.reply = make_reply(req.request_id, code, message, {}, now_ms);
    };
    if (!error.empty()) return fail(ErrorCode::BadInput, error);
    std::string message;
    const ErrorCode code = authenticate(room_id.value_or(""), user_id.value_or(""), token.value_or(""), message);
    if (code != ErrorCode::Ok) return fail(code, message);
    auto it = sessions_.find(*user_id);
    MemberSession& s = it->second;
    auto rit = rooms_.find(s.room_id);
    Room* room = rit == rooms_.end() ? nullptr : rit->second.get();
    if (!room || !room->find(*user_id)) {  // cannot happen: sessions follow membership
        sessions_.erase(it);
        return fail(ErrorCode::NotFound, "no such member in this room: join again");
    }
    s.transport = transport;
    s.attachment = transport == Transport::WebSocket ? next_attachment_++ : 0;
    s.last_seen_ms = now_ms;
    Outcome o = room->set_online(*user_id, true);
    Json response = snapshot(*room, *user_id);
    response["token"] = *token;  // the one it proved it has (only the digest is kept)
    response["resumed"] = 1;
    if (conn) *conn = conn_of(*user_id, s);
    // Over a WebSocket the informs queued while away follow the reply; over HTTP they stay
    // queued for the next long-poll.
    if (transport == Transport::WebSocket)
        for (auto& e : s.inbox.drain()) result.backlog.push_back(std::move(e.message));
    result.reply = make_reply(req.request_id, ErrorCode::Ok, "", std::move(response), now_ms);
    result.changes.push_back({MemberChange::Kind::Resumed, s.room_id, *user_id, transport, false});
    route(o.notifications, now_ms, result);
}

ControlResult ControlService::close_connection(ConnectionState& conn, bool clean, std::int64_t now_ms) {
    ControlResult result;
    if (!conn.joined()) return result;
    const ConnectionState me = conn;
    auto s = sessions_.find(me.user_id);
    if (s != sessions_.end() && (s->second.meeting_ended || s->second.attachment != me.attachment)) {
        conn = {};  // the member resumed elsewhere, or its meeting ended: nothing to do
        return result;
    }
    if (s == sessions_.end() || clean || config_.reconnect_grace_ms <= 0) {
        Outcome o = leave(conn, now_ms);
        if (s != sessions_.end()) sessions_.erase(s);
        if (o.code == ErrorCode::Ok)
            result.changes.push_back({MemberChange::Kind::Left, me.room_id, me.user_id, Transport::WebSocket, false});
        route(o.notifications, now_ms, result);
        return result;
    }
    // Dropped without a close frame: the member stays, offline, with all its state.
    s->second.attachment = 0;
    s->second.last_seen_ms = now_ms;
    conn = {};
    if (Room* room = room_of(me)) {
        Outcome o = room->set_online(me.user_id, false);
        route(o.notifications, now_ms, result);
    }
    result.changes.push_back({MemberChange::Kind::Offline, me.room_id, me.user_id, Transport::WebSocket, false});
    return result;
}

ControlResult ControlService::handle_http(const protocol::Request& req, std::int64_t now_ms) {
    ControlResult result;
    if (is_resume(req)) {
        resume(nullptr, req, Transport::Http, now_ms, result);
        return result;
    }
    if (req.event_name == "vcJoinRoom") {
        ConnectionState fresh;
        dispatch(fresh, req, Transport::Http, now_ms, result);
        return result;
    }
    const Json& c = req.content;
    std::string error;
    auto room_id = protocol::read_string(c, "room_id", kMaxRoomIdBytes, error);
    auto user_id = protocol::read_string(c, "user_id", 64, error);
    auto token = protocol::read_string(c, "token", kMaxTokenBytes, error);
    if (!error.empty()) {
        result.reply = make_reply(req.request_id, ErrorCode::BadInput, error, {}, now_ms);
        return result;
    }
    std::string message;
    const ErrorCode code = authenticate(room_id.value_or(""), user_id.value_or(""), token.value_or(""), message);
    if (code != ErrorCode::Ok) {
        result.reply = make_reply(req.request_id, code, message, {}, now_ms);
        return result;
    }
    MemberSession& s = sessions_.at(*user_id);
    s.last_seen_ms = now_ms;
    ConnectionState conn = conn_of(*user_id, s);
    dispatch(conn, req, Transport::Http, now_ms, result);
    return result;
}

PollResult ControlService::poll(const PollRequest& req, std::int64_t now_ms) {
    PollResult r;
    const ErrorCode code = authenticate(req.room_id, req.user_id, req.token, r.message);
    if (code != ErrorCode::Ok && code != ErrorCode::RoomEnded) {
        r.code = code;
        return r;
    }
    MemberSession& s = sessions_.at(req.user_id);
    if (!s.meeting_ended) s.last_seen_ms = std::max(s.last_seen_ms, now_ms);
    const std::uint64_t after = std::min(req.after, s.inbox.last_seq());
    s.inbox.acknowledge(after);
    const auto events = s.inbox.after(after, std::max<std::size_t>(1, req.max_events));
    if (events.empty() && code == ErrorCode::RoomEnded) {
        r.code = code;  // its last informs (vcOnFinishRoom) were fetched: nothing more to come
        return r;
    }
    r.message.clear();
    Json list = Json::array();
    for (const auto& e : events) list.push_back(e.to_poll_json());
    r.data = Json{{"events", std::move(list)},
                  {"next", events.empty() ? after : events.back().seq},
                  {"dropped", s.inbox.dropped()}};
    return r;
}

void ControlService::touch(const std::string& user_id, std::int64_t now_ms) {
    auto s = sessions_.find(user_id);
    if (s != sessions_.end() && !s->second.meeting_ended)
        s->second.last_seen_ms = std::max(s->second.last_seen_ms, now_ms);
}

void ControlService::remove_member(const std::string& user_id, std::int64_t now_ms, ControlResult& result) {
    auto s = sessions_.find(user_id);
    if (s == sessions_.end()) return;
    ConnectionState conn = conn_of(user_id, s->second);
    const std::string room_id = s->second.room_id;
    const Transport transport = s->second.transport;
    sessions_.erase(s);
    Outcome o = leave(conn, now_ms);
    if (o.code == ErrorCode::Ok)
        result.changes.push_back({MemberChange::Kind::Left, room_id, user_id, transport, false});
    route(o.notifications, now_ms, result);
}

ControlResult ControlService::expire(std::int64_t now_ms) {
    ControlResult result;
    std::vector<std::string> due;
    for (const auto& [id, s] : sessions_) {
        const std::int64_t idle = now_ms - s.last_seen_ms;
        if (s.meeting_ended || s.transport == Transport::Http) {
            if (idle > http_idle_ms()) due.push_back(id);
        } else if (s.attachment == 0 && idle > config_.reconnect_grace_ms) {
            due.push_back(id);
        }
    }
    for (const auto& id : due) {
        auto s = sessions_.find(id);
        if (s == sessions_.end()) continue;
        if (s->second.meeting_ended) {
            sessions_.erase(s);
            continue;
        }
        remove_member(id, now_ms, result);
    }
    for (auto it = rooms_.begin(); it != rooms_.end();) {
        const Room& room = *it->second;
        if (room.ended() && now_ms - room.record().end_time > config_.ended_room_retention_ms) {
            meeting_serials_.erase(it->first);
            it = rooms_.erase(it);
        } else {
            ++it;
        }
    }
    return result;
}

void ControlService::route(std::vector<Notification>& notifications, std::int64_t now_ms, ControlResult& result) {
    for (auto& n : notifications) {
        const Json msg = make_inform(n.event, std::move(n.data), now_ms);
        for (auto& r : n.recipients) route(Delivery{std::move(r), msg}, result);
    }
}

void ControlService::route(Delivery delivery, ControlResult& result) {
    auto s = sessions_.find(delivery.user_id);
    if (s == sessions_.end() || s->second.attachment != 0) {
        result.deliveries.push_back(std::move(delivery));
        return;
    }
    s->second.inbox.push(std::move(delivery.message));
    if (std::find(result.queued_for.begin(), result.queued_for.end(), delivery.user_id) == result.queued_for.end())
        result.queued_for.push_back(std::move(delivery.user_id));
}

std::optional<ControlService::MemberInfo> ControlService::member_info(const std::string& user_id) const {
    auto s = sessions_.find(user_id);
    if (s == sessions_.end()) return std::nullopt;
    MemberInfo info;
    info.transport = s->second.transport;
    info.attached = s->second.attachment != 0;
    info.queued = s->second.inbox.size();
    info.dropped = s->second.inbox.dropped();
    info.meeting_ended = s->second.meeting_ended;
    return info;
}

}  // namespace posemeet
