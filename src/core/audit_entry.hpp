// The audit log's entries: who did what to whom, when, through which API and how it was
// answered, for every host-only control request and every mutating room-service call;
// and who may read them (GET /api/v1/audit). Pure: the server keeps the entries in
// SQLite (server/audit_log.hpp) and serves them (server/audit_api.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/access_token.hpp"
#include "core/protocol.hpp"

namespace posemeet {

enum class AuditApi : int { WebSocket = 0, Http = 1, RoomService = 2, Invitations = 3 };
const char* audit_api_name(AuditApi api);  // "websocket", "http", "room_service", "invitations"

struct AuditEntry {
    std::int64_t id = 0;  // the log's row id, once recorded
    std::int64_t time_ms = 0;
    std::string room_id;
    // A member: its user id. The operator: the token's API key (iss), never the token; its
    // identity, if any, is in detail.identity.
    std::string actor;
    bool by_operator = false;  // actor_kind "operator", else "member"
    std::string action;        // the control event's name or the Twirp method
    std::string target;        // the user id acted on, or ""
    AuditApi api = AuditApi::WebSocket;
    int code = 200;  // control: the reply's code (410 = not the host); room service: HTTP status
    protocol::Json detail = protocol::Json::object();  // small: values, names, metadata (clipped)
};
using AuditSink = std::function<void(const AuditEntry&)>;

// A member's name as its room has it ("" when unknown), for the entry's detail.
using MemberNameFn =
    std::function<std::string(const std::string& room_id, const std::string& user_id)>;

// Longest string kept in an entry's detail (longer are cut on a UTF-8 boundary).
constexpr std::size_t kAuditMaxDetailString = 256;

// A control request's entry, for the protocol table's host-only events (nullopt for the
// rest). `actor` asked as a member of `room_id` (verified: its connection's join or the
// HTTP form's credentials); `code` is the reply's.
std::optional<AuditEntry> audit_of_request(const protocol::Request& request,
                                           const std::string& actor, const std::string& room_id,
                                           AuditApi api, int code, std::int64_t now_ms,
                                           const MemberNameFn& name_of = {});
// A room-service call's entry, for the methods that change something (nullopt for the
// reads). `body` is the request (any JSON), `claims` the verified token's, `status` the
// HTTP status it was answered with.
std::optional<AuditEntry> audit_of_room_service(std::string_view method, const protocol::Json& body,
                                                const AccessClaims& claims, int status,
                                                std::int64_t now_ms);

// An operator's invitations (POST /api/v1/rooms/{room}/invitations), done or refused:
// action "Invite", the invitees' identities in detail (the first 20, and how many).
AuditEntry audit_of_invitation(const std::string& room_id, const protocol::Json& body, const AccessClaims& claims,
                               int status, std::int64_t now_ms);

// {id, time, room_id, actor, actor_kind, action, target, api, code, detail}
protocol::Json audit_entry_json(const AuditEntry& entry);

// GET /api/v1/audit?room=R&after=ID&limit=N
constexpr int kAuditDefaultLimit = 100;
constexpr int kAuditMaxLimit = 1000;
struct AuditQuery {
    std::string room;  // "" = every room (a roomList token only)
    std::int64_t after = 0;
    int limit = kAuditDefaultLimit;
};
// nullopt, with `error` in words, for an unknown, repeated or malformed parameter.
std::optional<AuditQuery> read_audit_query(
    const std::vector<std::pair<std::string, std::string>>& params, std::string& error);
// Whether a token with `grant` may read `room`'s entries ("" = all): 200, or 400 (no room
// and no roomList) / 403 (no roomAdmin for that room, nor roomList), with `why`.
int audit_read_status(const VideoGrant& grant, const std::string& room, std::string& why);

}  // namespace posemeet
