// See audit_entry.hpp.
#include "core/audit_entry.hpp"

#include <charconv>

#include "core/control_service.hpp"

namespace posemeet {
namespace {

using protocol::Json;

std::string clip(const std::string& s, std::size_t max_bytes = kAuditMaxDetailString) {
    if (s.size() <= max_bytes) return s;
    std::size_t n = max_bytes;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;  // not inside a character
    return s.substr(0, n);
}

// Copies body[key] into detail when it is a scalar (strings clipped); small objects and
// arrays (permission, attributes, destinations) when their text is short.
void copy_field(const Json& body, const char* key, Json& detail) {
    if (!body.is_object()) return;
    const auto it = body.find(key);
    if (it == body.end() || it->is_null()) return;
    if (it->is_string())
        detail[key] = clip(it->get<std::string>());
    else if (it->is_number() || it->is_boolean())
        detail[key] = *it;
    else if (it->dump(-1, ' ', false, Json::error_handler_t::replace).size() <=
             kAuditMaxDetailString)
        detail[key] = *it;
    else
        detail[std::string(key) + "_truncated"] = true;
}

// The request fields worth keeping per host-only event (the target is kept apart).
struct RequestFields {
    protocol::Event event;
    const char* target;  // the content field naming the member acted on, or nullptr
    std::vector<const char*> values;
};
const std::vector<RequestFields>& request_fields() {
    using protocol::Event;
    static const std::vector<RequestFields> table = {
        {Event::OperateSelfMicPermit, "apply_user_id", {"permit"}},
        {Event::SharePermissionPermit, "apply_user_id", {"permit"}},
        {Event::OperateOtherCamera, "operate_user_id", {"operate"}},
        {Event::OperateOtherMic, "operate_user_id", {"operate"}},
        {Event::OperateOtherSharePermission, "operate_user_id", {"operate"}},
        {Event::OperateAllMic, nullptr, {"operate", "operate_self_mic_permission"}},
        {Event::TransferHost, "operate_user_id", {}},
        {Event::FinishRoom, nullptr, {}},
    };
    return table;
}

// The room-service methods that change something, and the body fields each keeps.
struct MethodFields {
    std::string_view method;
    const char* room;  // the body field naming the room
    bool has_target;   // body.identity is the member acted on
    std::vector<const char*> values;
};
const std::vector<MethodFields>& method_fields() {
    static const std::vector<MethodFields> table = {
        {"CreateRoom",
         "name",
         false,
         {"emptyTimeout", "departureTimeout", "maxParticipants", "metadata"}},
        {"DeleteRoom", "room", false, {}},
        {"RemoveParticipant", "room", true, {}},
        {"MutePublishedTrack", "room", true, {"trackSid", "muted"}},
        {"UpdateParticipant", "room", true, {"name", "metadata", "permission", "attributes"}},
        {"UpdateRoomMetadata", "room", false, {"metadata"}},
        // Never the data itself: who sent how much to whom.
        {"SendData", "room", false, {"topic", "destinationIdentities", "destinationSids"}},
    };
    return table;
}

bool parse_int(const std::string& text, std::int64_t& out) {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && r.ec == std::errc{} && r.ptr == text.data() + text.size();
}

}  // namespace

const char* audit_api_name(AuditApi api) {
    switch (api) {
        case AuditApi::WebSocket:
            return "websocket";
        case AuditApi::Http:
            return "http";
        case AuditApi::RoomService:
            return "room_service";
        case AuditApi::Invitations:
            return "invitations";
    }
    return "";
}

std::optional<AuditEntry> audit_of_request(const protocol::Request& request,
                                           const std::string& actor, const std::string& room_id,
                                           AuditApi api, int code, std::int64_t now_ms,
                                           const MemberNameFn& name_of) {
    const protocol::EventInfo* info = protocol::find_event(request.event_name);
    if (!info || info->direction != protocol::Direction::Request ||
        info->sender != protocol::Sender::Host)
        return std::nullopt;
    if (actor.empty() || room_id.empty()) return std::nullopt;  // not a member: nothing to audit
    AuditEntry e;
    e.time_ms = now_ms;
    e.room_id = room_id;
    e.actor = actor;
    e.action = request.event_name;
    e.api = api;
    e.code = code;
    for (const auto& fields : request_fields()) {
        if (fields.event != info->id) continue;
        if (fields.target)
            e.target =
                clip(protocol::field_or(request.content, fields.target, ""), kMaxIdentityBytes);
        for (const char* key : fields.values) copy_field(request.content, key, e.detail);
    }
    if (name_of) {
        if (auto name = name_of(room_id, actor); !name.empty()) e.detail["actor_name"] = clip(name);
        if (!e.target.empty())
            if (auto name = name_of(room_id, e.target); !name.empty())
                e.detail["target_name"] = clip(name);
    }
    return e;
}

std::optional<AuditEntry> audit_of_room_service(std::string_view method, const Json& body,
                                                const AccessClaims& claims, int status,
                                                std::int64_t now_ms) {
    for (const auto& fields : method_fields()) {
        if (fields.method != method) continue;
        AuditEntry e;
        e.time_ms = now_ms;
        e.room_id = clip(protocol::field_or(body, fields.room, ""), kMaxRoomIdBytes);
        e.actor = claims.api_key;
        e.by_operator = true;
        e.action = std::string(method);
        if (fields.has_target)
            e.target = clip(protocol::field_or(body, "identity", ""), kMaxIdentityBytes);
        e.api = AuditApi::RoomService;
        e.code = status;
        if (!claims.identity.empty()) e.detail["identity"] = clip(claims.identity);
        for (const char* key : fields.values) copy_field(body, key, e.detail);
        if (method == "SendData")
            e.detail["bytes"] = protocol::field_or(body, "data", "").size() / 4 * 3;
        return e;
    }
    return std::nullopt;
}

AuditEntry audit_of_invitation(const std::string& room_id, const Json& body, const AccessClaims& claims, int status,
                               std::int64_t now_ms) {
    constexpr std::size_t kListed = 20;
    AuditEntry e;
    e.time_ms = now_ms;
    e.room_id = clip(room_id, kMaxRoomIdBytes);
    e.actor = claims.api_key;
    e.by_operator = true;
    e.action = "Invite";
    e.api = AuditApi::Invitations;
    e.code = status;
    if (!claims.identity.empty()) e.detail["identity"] = clip(claims.identity);
    if (body.is_object() && body.contains("invitees") && body["invitees"].is_array()) {
        const Json& invitees = body["invitees"];
        Json ids = Json::array();
        for (const Json& i : invitees) {
            if (ids.size() == kListed) break;
            if (i.is_object() && i.contains("identity") && i["identity"].is_string())
                ids.push_back(clip(i["identity"].get<std::string>(), kMaxIdentityBytes));
        }
        e.detail["invitees"] = std::move(ids);
        e.detail["count"] = invitees.size();
    }
    if (const auto t = body.find("timeout_s"); body.is_object() && t != body.end() && t->is_number())
        e.detail["timeout_s"] = *t;
    return e;
}

Json audit_entry_json(const AuditEntry& e) {
    return Json{{"id", e.id},
                {"time", e.time_ms},
                {"room_id", e.room_id},
                {"actor", e.actor},
                {"actor_kind", e.by_operator ? "operator" : "member"},
                {"action", e.action},
                {"target", e.target},
                {"api", audit_api_name(e.api)},
                {"code", e.code},
                {"detail", e.detail}};
}

std::optional<AuditQuery> read_audit_query(
    const std::vector<std::pair<std::string, std::string>>& params, std::string& error) {
    AuditQuery q;
    bool seen_room = false, seen_after = false, seen_limit = false;
    for (const auto& [key, value] : params) {
        bool* seen = key == "room"    ? &seen_room
                     : key == "after" ? &seen_after
                     : key == "limit" ? &seen_limit
                                      : nullptr;
        if (!seen) {
            error = "unknown parameter: " + clip(key, 64) + " (room, after, limit)";
            return std::nullopt;
        }
        if (*seen) {
            error = key + " is given twice";
            return std::nullopt;
        }
        *seen = true;
        if (key == "room") {
            if (value.empty() || value.size() > kMaxRoomIdBytes) {
                error = "room must be 1-" + std::to_string(kMaxRoomIdBytes) + " bytes";
                return std::nullopt;
            }
            q.room = value;
        } else if (key == "after") {
            if (!parse_int(value, q.after) || q.after < 0) {
                error = "after must be a non-negative integer (an entry's id)";
                return std::nullopt;
            }
        } else {
            std::int64_t limit = 0;
            if (!parse_int(value, limit) || limit < 1 || limit > kAuditMaxLimit) {
                error = "limit must be 1.." + std::to_string(kAuditMaxLimit);
                return std::nullopt;
            }
            q.limit = static_cast<int>(limit);
        }
    }
    return q;
}

int audit_read_status(const VideoGrant& grant, const std::string& room, std::string& why) {
    if (grant.room_list) return 200;  // may read every room
    if (room.empty()) {
        why = "room is required (only a roomList token reads every room)";
        return 400;
    }
    if (!grant.room_admin) {
        why = "the access token does not grant roomAdmin";
        return 403;
    }
    if (grant.room != room) {
        why = "the access token's roomAdmin is for another room";
        return 403;
    }
    return 200;
}

}  // namespace posemeet
