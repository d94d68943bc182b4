// See invitations_api.hpp.
#include "server/invitations_api.hpp"

#include <exception>

#include "server/log.hpp"
#include "server/openssl_hmac.hpp"
#include "server/server_clock.hpp"
#include "server/static_files.hpp"

namespace posemeet::server {
namespace {

using protocol::ErrorCode;
using protocol::Json;

constexpr std::string_view kRoomsPrefix = "/api/v1/rooms/";
constexpr std::string_view kInvitationsSuffix = "/invitations";
constexpr std::string_view kDeclinePath = "/api/v1/invitations/decline";
constexpr std::size_t kMaxBaseUrlBytes = 512;

InvitationsApi::Answer refuse(unsigned status, const std::string& words) { return {status, Json{{"error", words}}}; }

// The room named by /api/v1/rooms/{room}/invitations (percent-decoded); nullopt if malformed.
std::optional<std::string> room_of(std::string_view path) {
    const std::string_view encoded =
        path.substr(kRoomsPrefix.size(), path.size() - kRoomsPrefix.size() - kInvitationsSuffix.size());
    std::string room;
    if (encoded.empty() || encoded.find('/') != std::string_view::npos || !percent_decode(encoded, room) ||
        room.empty() || room.size() > kMaxRoomIdBytes)
        return std::nullopt;
    return room;
}

// The room vocabulary's codes as HTTP statuses (410 "joined or missed already" is a conflict).
unsigned http_status_of(ErrorCode code) {
    switch (code) {
        case ErrorCode::Ok: return 200;
        case ErrorCode::BadInput: return 400;
        case ErrorCode::NotFound: return 404;
        case ErrorCode::NotPermitted: return 409;
        default: return 500;
    }
}

}  // namespace

InvitationsApi::InvitationsApi(const ServerConfig& config, ControlService& service, const ServerClock& clock,
                               SettleFn settle, AuditSink audit)
    : config_(config),
      service_(service),
      clock_(clock),
      settle_(std::move(settle)),
      audit_(std::move(audit)),
      verifier_(config.api_keys, openssl_hmac_sha256),
      rate_limit_(config.control_rate, config.control_burst) {}

bool InvitationsApi::owns(std::string_view path) {
    if (path == kDeclinePath) return true;
    return path.size() > kRoomsPrefix.size() + kInvitationsSuffix.size() && path.substr(0, kRoomsPrefix.size()) == kRoomsPrefix &&
           path.substr(path.size() - kInvitationsSuffix.size()) == kInvitationsSuffix;
}

void InvitationsApi::tick() { rate_limit_.sweep(ServerClock::mono_ms()); }

InvitationsApi::Answer InvitationsApi::call(const Call& c) {
    if (!rate_limit_.admit(c.client, ServerClock::mono_ms())) return refuse(429, "too many requests, slow down");
    const std::int64_t now = clock_.now_ms();
    try {
        if (c.path == kDeclinePath) {
            if (c.method != "POST") return refuse(405, "POST {\"token\": ...} to decline an invitation");
            return decline(c, now);
        }
        if (c.method != "GET" && c.method != "POST") return refuse(405, "GET or POST the room's invitations");
        const auto room = room_of(c.path);
        if (!room) return refuse(400, "the room in the path must be 1-64 bytes");

        // Who calls: a token signed by one of our keys, not expired, with roomAdmin for the room.
        const TokenCheck check = verifier_.verify_bearer(c.authorization, now / 1000);
        if (check.code != ErrorCode::Ok) return refuse(401, check.reason);
        const VideoGrant& grant = check.claims->video;
        if (!grant.room_admin) return refuse(403, "the access token does not grant roomAdmin");
        if (grant.room != *room) return refuse(403, "the access token's roomAdmin is for another room");

        if (c.method == "GET") return list(*room);
        Answer answer = invite(*room, *check.claims, c, now);
        if (audit_) {
            const bool readable = protocol::json_nesting_depth(c.body) <= protocol::kMaxJsonDepth;
            const Json body = readable ? Json::parse(c.body, nullptr, /*allow_exceptions=*/false) : Json();
            audit_(audit_of_invitation(*room, body, *check.claims, static_cast<int>(answer.status), now));
        }
        return answer;
    } catch (const std::exception& e) {
        log_error("invitations " + std::string(c.method) + " " + std::string(c.path) + " failed: " + e.what());
        return refuse(500, "internal server error");
    }
}

InvitationsApi::Answer InvitationsApi::settle(ControlResult& result, const std::string& room) {
    SettledReply r = settle_room_call(settle_, result, room);
    if (r.code != ErrorCode::Ok) return refuse(http_status_of(r.code), r.message);
    return {200, std::move(r.response)};
}

InvitationsApi::Answer InvitationsApi::list(const std::string& room) const {
    if (!service_.live_room(room)) return refuse(404, "no meeting is running in this room");
    Json list = Json::array();
    for (const Invitation& inv : service_.invitations(room)) list.push_back(inv.to_json());
    return {200, Json{{"invitations", std::move(list)}}};
}

std::string InvitationsApi::mint(const AccessClaims& admin, const std::string& room,
                                 const Invitation& invitation) const {
    AccessClaims c;
    c.api_key = admin.api_key;
    c.identity = invitation.identity;
    c.name = invitation.name;
    c.not_before_s = invitation.invited_at_ms / 1000;
    c.expires_s = invitation.expires_at_ms / 1000 + kInvitationTokenMarginS;
    c.video.room_join = true;
    c.video.room = room;
    return sign_access_token(access_claims_json(c), config_.api_keys.at(admin.api_key), openssl_hmac_sha256);
}

InvitationsApi::Answer InvitationsApi::invite(const std::string& room, const AccessClaims& admin, const Call& c,
                                              std::int64_t now_ms) {
    if (protocol::json_nesting_depth(c.body) > protocol::kMaxJsonDepth) return refuse(400, "body nested too deeply");
    const Json body = Json::parse(c.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) return refuse(400, "the body is not a JSON object");
    const auto list = body.find("invitees");
    if (list == body.end() || !list->is_array())
        return refuse(400, "invitees must be a list of {identity, name}");
    std::vector<Invitee> invitees;
    for (const Json& j : *list) {
        if (!j.is_object() || !j.contains("identity") || !j["identity"].is_string() ||
            (j.contains("name") && !j["name"].is_string()))
            return refuse(400, "each invitee is {\"identity\": string, \"name\"?: string}");
        invitees.push_back({j["identity"].get<std::string>(), protocol::field_or(j, "name", "")});
    }
    std::int64_t timeout_ms = kDefaultInvitationTimeoutMs;
    if (const auto t = body.find("timeout_s"); t != body.end()) {
        if (!t->is_number() || !(t->get<double>() > 0) || t->get<double>() * 1000 > kMaxInvitationTimeoutMs)
            return refuse(400, "timeout_s must be a number of seconds, above 0 and at most a day");
        timeout_ms = static_cast<std::int64_t>(t->get<double>() * 1000);
    }
    // The page the links open: the given base, else this server's own origin.
    std::string base = protocol::field_or(body, "base_url", "");
    if (body.contains("base_url") && (!body["base_url"].is_string() || base.size() > kMaxBaseUrlBytes ||
                                      (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0)))
        return refuse(400, "base_url must be an http:// or https:// URL of at most 512 bytes");
    if (base.empty()) {
        if (c.host.empty()) return refuse(400, "no Host header: give base_url");
        base = (c.forwarded_proto == "https" ? "https://" : "http://") + std::string(c.host) + "/";
    }

    ControlResult result = service_.invite(room, invitees, timeout_ms, now_ms);
    Answer answer = settle(result, room);
    if (answer.status != 200) return answer;
    for (Json& j : answer.body["invitations"]) {
        const auto inv = Invitation::from_json(j);
        if (!inv) continue;
        const std::string token = mint(admin, room, *inv);
        j["token"] = token;
        j["join_url"] = base + (base.find('?') == std::string::npos ? "?" : "&") + "token=" + token;
        j["decline_url"] = j["join_url"].get<std::string>() + "&decline=1";
    }
    return answer;
}

InvitationsApi::Answer InvitationsApi::decline(const Call& c, std::int64_t now_ms) {
    if (protocol::json_nesting_depth(c.body) > protocol::kMaxJsonDepth) return refuse(400, "body nested too deeply");
    const Json body = Json::parse(c.body, nullptr, /*allow_exceptions=*/false);
    const std::string token = protocol::field_or(body, "token", "");
    if (token.empty()) return refuse(400, "the body is {\"token\": <the invitation's token>}");
    // The invitation's token is the credential: its identity and room name the invitation.
    const TokenCheck check = verifier_.verify(token, now_ms / 1000);
    if (check.code != ErrorCode::Ok) return refuse(401, check.reason);
    if (!check.claims->video.room_join || check.claims->video.room.empty())
        return refuse(401, "not an invitation's token (no join grant for a room)");
    const std::string room = check.claims->video.room;
    ControlResult result = service_.decline_invitation(room, check.claims->identity, now_ms);
    Answer answer = settle(result, room);
    if (answer.status == 200)
        answer.body = Json{{"status", answer.body["invitation"]["status"]}, {"invitation", answer.body["invitation"]}};
    return answer;
}

}  // namespace posemeet::server
