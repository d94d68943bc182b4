// ControlService, part 3: who may join. A vcJoinRoom may carry an access token (a JWT in
// LiveKit's format, core/access_token.hpp): it is checked against the room, and its
// identity, name and grants become the member's. The identity is the member's stable
// user id, so joining again with it (a reload, a second tab) takes the member's place
// over, as a resume does. Without a verifier or in development mode a join may carry none.
#include "core/control_service.hpp"
#include "core/sha256.hpp"

namespace posemeet {

using protocol::make_reply;

namespace {

bool is_jwt(const std::string& token) { return token.find('.') != std::string::npos; }

// LiveKit's grants in our terms: canPublish false closes every source; a source list
// (canPublishSources) names those that stay open.
MemberPermission permission_of(const VideoGrant& g, const std::string& room_id) {
    MemberPermission p;
    const auto listed = [&](const char* source) {
        if (g.can_publish_sources.empty()) return true;
        for (const auto& s : g.can_publish_sources)
            if (s == source) return true;
        return false;
    };
    p.mic = g.can_publish && listed("microphone");
    p.camera = g.can_publish && listed("camera");
    p.screen = g.can_publish && listed("screen_share");
    p.data = g.can_publish_data;
    p.room_admin = g.room_admin && g.room == room_id;
    return p;
}

}  // namespace

Outcome ControlService::admit(const Json& content, std::int64_t now_ms, JoinAdmission& admission) const {
    std::string error;
    auto room_id = protocol::read_string(content, "room_id", kMaxRoomIdBytes, error);
    auto token = protocol::read_string(content, "token", AccessTokenVerifier::kMaxTokenBytes, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    if (!token || token->empty()) {
        if (!config_.tokenless_joins)
            return Outcome::error(ErrorCode::TokenEmpty,
                                  "this server needs an access token to join (from the meeting's organiser)");
        return {};  // development mode, or no verifier: the request's own name and flags
    }
    if (!config_.access_tokens || !is_jwt(*token))
        return Outcome::error(ErrorCode::TokenMismatch, "the access token is not accepted here");
    const TokenCheck check = config_.access_tokens->verify_join(*token, room_id.value_or(""), now_ms / 1000);
    if (check.code != ErrorCode::Ok) return Outcome::error(check.code, check.reason);
    const AccessClaims& c = *check.claims;
    if (c.identity.size() > kMaxIdentityBytes)
        return Outcome::error(ErrorCode::TokenMismatch, "the access token's identity is longer than 64 bytes");
    admission.user_id = c.identity;
    admission.user_name = c.name;
    if (admission.user_name.size() > kMaxUserNameBytes)
        return Outcome::error(ErrorCode::TokenMismatch, "the access token's name is longer than 128 bytes");
    admission.hidden = c.video.hidden;
    admission.permission = permission_of(c.video, *room_id);
    admission.may_open_meeting = c.video.room_create || admission.permission.room_admin;
    admission.metadata = c.metadata;
    for (const auto& [k, v] : c.attributes) admission.attributes[k] = v;
    return {};
}

ControlService::IdentityPlace ControlService::place_identity(const JoinAdmission& admission,
                                                             const std::string& room_id, std::int64_t now_ms,
                                                             ControlResult& result, Outcome& refusal) {
    if (admission.user_id.empty()) return IdentityPlace::New;
    auto s = sessions_.find(admission.user_id);
    if (s == sessions_.end()) return IdentityPlace::New;
    MemberSession& session = s->second;
    if (session.meeting_ended) {  // a tombstone of an ended meeting: a new join starts afresh
        sessions_.erase(s);
        return IdentityPlace::New;
    }
    const Room* room = find_room(session.room_id);
    const bool same_meeting = session.room_id == room_id && room && !room->ended() &&
                              meeting_serials_[room_id] == session.meeting_serial;
    if (same_meeting) return IdentityPlace::Replace;
    // A member of another meeting: one that dropped (or an idle HTTP member) leaves it now;
    // one still connected there is not taken from it without its own leave.
    const bool connected = session.transport == MemberTransport::Http || session.attachment != 0;
    if (connected) {
        refusal = Outcome::error(ErrorCode::AlreadyInRoom, "this identity is in the meeting of room '" +
                                                               session.room_id + "' on another connection");
        return IdentityPlace::Refused;
    }
    remove_member(admission.user_id, now_ms, result);
    return IdentityPlace::New;
}

void ControlService::replace_member(ConnectionState& conn, const protocol::Request& req,
                                    const JoinAdmission& admission, MemberTransport transport,
                                    std::int64_t now_ms, ControlResult& result) {
    MemberSession& s = sessions_.at(admission.user_id);
    Room& room = *rooms_.at(s.room_id);
    // The new page does not know the member's secret: it gets a new one, the old is void.
    const std::string token = make_token();
    s.token_digest = sha256_hex(token);
    s.transport = transport;
    s.attachment = transport == MemberTransport::WebSocket ? next_attachment_++ : 0;
    s.last_seen_ms = now_ms;
    s.inbox.drain();  // what the old page had not read: the snapshot below has it all
    Outcome o = room.set_online(admission.user_id, true);
    Json response = snapshot(room, admission.user_id);
    response["token"] = token;
    response["resumed"] = 1;
    conn = conn_of(admission.user_id, s);
    result.reply = make_reply(req.request_id, ErrorCode::Ok, "", std::move(response), now_ms);
    result.changes.push_back({MemberChange::Kind::Resumed, s.room_id, admission.user_id, transport, false});
    route(o.notifications, now_ms, result);
}

}  // namespace posemeet
