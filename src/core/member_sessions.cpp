// ControlService, part 2: member sessions - each member's secret (kept as a digest), its
// transport, its queued informs, the reconnect grace period, resuming on a new connection,
// the HTTP form's requests and polls, and expiry. Request dispatch is in control_service.cpp.
#include <algorithm>

#include "core/control_service.hpp"
#include "core/sha256.hpp"

namespace posemeet {

using protocol::make_inform;
using protocol::make_reply;

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

std::string ControlService::open_session(ConnectionState& conn, MemberTransport transport, std::int64_t now_ms,
                                         ControlResult& result) {
    // The token is handed out once, here; the server keeps only its digest.
    const std::string token = make_token();
    MemberSession s{conn.room_id, conn.meeting_serial, sha256_hex(token), transport,
                    transport == MemberTransport::WebSocket ? next_attachment_++ : 0, now_ms,
                    false, EventInbox(config_.event_queue_max)};
    conn.attachment = s.attachment;
    sessions_.insert_or_assign(conn.user_id, std::move(s));
    result.changes.push_back({MemberChange::Kind::Joined, conn.room_id, conn.user_id, transport, false});
    return token;
}

void ControlService::end_sessions(const std::vector<std::string>& meeting_members, std::int64_t now_ms,
                                  ControlResult& result) {
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
    if (req.event() != Event::Resync && req.event() != Event::JoinRoom) return false;
    auto it = req.content.find("user_id");
    const bool has_user = it != req.content.end() && !it->is_null() &&
                          !(it->is_string() && it->get_ref<const std::string&>().empty());
    // vcJoinRoom {user_id, token, ...} is how older front ends rejoin: an alias of resume.
    return has_user && (req.event() == Event::Resync || req.content.contains("token"));
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
                {"messages", room.chat_history_json()},
                {"invitations", invitations_json(room.record().room_id)}};
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

void ControlService::resume(ConnectionState* conn, const protocol::Request& req, MemberTransport transport,
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
    s.attachment = transport == MemberTransport::WebSocket ? next_attachment_++ : 0;
    s.last_seen_ms = now_ms;
    Outcome o = room->set_online(*user_id, true);
    Json response = snapshot(*room, *user_id);
    response["token"] = *token;  // the one it proved it has (only the digest is kept)
    response["resumed"] = 1;
    if (conn) *conn = conn_of(*user_id, s);
    // Over a WebSocket the informs queued while away follow the reply; over HTTP they stay
    // queued for the next long-poll.
    if (transport == MemberTransport::WebSocket)
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
            result.changes.push_back({MemberChange::Kind::Left, me.room_id, me.user_id, MemberTransport::WebSocket, false});
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
    result.changes.push_back({MemberChange::Kind::Offline, me.room_id, me.user_id, MemberTransport::WebSocket, false});
    return result;
}

ControlResult ControlService::handle_http(const protocol::Request& req, std::int64_t now_ms) {
    ControlResult result;
    if (is_resume(req)) {
        resume(nullptr, req, MemberTransport::Http, now_ms, result);
        return result;
    }
    if (req.event() == Event::JoinRoom) {
        ConnectionState fresh;
        dispatch(fresh, req, MemberTransport::Http, now_ms, result);
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
    dispatch(conn, req, MemberTransport::Http, now_ms, result);
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
    const MemberTransport transport = s->second.transport;
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
        if (s.meeting_ended || s.transport == MemberTransport::Http) {
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
    expire_settings(now_ms, result);
    expire_invitations(now_ms, result);
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
