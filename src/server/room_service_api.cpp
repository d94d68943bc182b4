// See room_service_api.hpp.
#include "server/room_service_api.hpp"

#include <exception>

#include "core/livekit_json.hpp"
#include "server/log.hpp"
#include "server/openssl_hmac.hpp"
#include "server/server_clock.hpp"

namespace posemeet::server {
namespace {

using protocol::ErrorCode;
using protocol::Json;

// Which grant a method needs (LiveKit's table).
using Grant = RoomServiceApi::Grant;
struct Method {
    std::string_view name;
    Grant grant;
};
constexpr Method kMethods[] = {
    {"CreateRoom", Grant::RoomCreate},         {"DeleteRoom", Grant::RoomCreate},
    {"ListRooms", Grant::RoomList},            {"ListParticipants", Grant::RoomAdmin},
    {"GetParticipant", Grant::RoomAdmin},      {"RemoveParticipant", Grant::RoomAdmin},
    {"MutePublishedTrack", Grant::RoomAdmin},  {"UpdateParticipant", Grant::RoomAdmin},
    {"UpdateRoomMetadata", Grant::RoomAdmin},  {"SendData", Grant::RoomAdmin},
};

RoomServiceApi::Answer twirp(unsigned status, const char* code, const std::string& message) {
    return {status, livekit::twirp_error_body({status, code}, message)};
}
RoomServiceApi::Answer invalid(const std::string& message) { return twirp(400, "invalid_argument", message); }
RoomServiceApi::Answer denied(const std::string& message) { return twirp(403, "permission_denied", message); }

bool is_base64(const std::string& s) {
    if (s.size() % 4 != 0) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        const bool padding = c == '=' && i + 2 >= s.size();
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || padding)) return false;
    }
    return true;
}

}  // namespace

RoomServiceApi::RoomServiceApi(const ServerConfig& config, ControlService& service, const ServerClock& clock,
                               SettleFn settle, AuditSink audit)
    : config_(config),
      service_(service),
      clock_(clock),
      settle_(std::move(settle)),
      audit_(std::move(audit)),
      verifier_(config.api_keys, openssl_hmac_sha256),
      limit_(config.control_rate, config.control_burst) {}

void RoomServiceApi::tick() { limit_.sweep(ServerClock::mono_ms()); }

RoomServiceApi::Answer RoomServiceApi::call(std::string_view method_name, std::string_view authorization,
                                            std::string_view text, const std::string& client) {
    if (!limit_.admit(client, ServerClock::mono_ms())) return twirp(429, "resource_exhausted", "too many requests, slow down");
    const Method* method = nullptr;
    for (const auto& m : kMethods)
        if (m.name == method_name) method = &m;
    if (!method) return twirp(404, "bad_route", "no such method: " + std::string(method_name));

    // Who calls: a token signed by one of our keys, not expired.
    const std::int64_t now = clock_.now_ms();
    const TokenCheck check = verifier_.verify_bearer(authorization, now / 1000);
    if (check.code != ErrorCode::Ok) return twirp(401, "unauthenticated", check.reason);

    const bool too_deep = protocol::json_nesting_depth(text) > protocol::kMaxJsonDepth;
    const Json body = too_deep ? Json() : text.empty() ? Json::object() : Json::parse(text, nullptr, /*allow_exceptions=*/false);
    const Answer answer = too_deep ? twirp(400, "malformed", "body nested too deeply")
                                   : authorized(method->name, method->grant, *check.claims, body, now);
    // A known operator's change, done or refused (an unverified caller names nobody).
    if (audit_)
        if (auto entry = audit_of_room_service(method->name, body, *check.claims, static_cast<int>(answer.status), now))
            audit_(*entry);
    return answer;
}

RoomServiceApi::Answer RoomServiceApi::authorized(std::string_view method, Grant need, const AccessClaims& claims,
                                                  const Json& body, std::int64_t now) {
    if (!body.is_object()) return twirp(400, "malformed", "the body is not a JSON object");
    std::string error;
    const auto room = livekit::read_string(body, "room", kMaxRoomIdBytes, error);
    if (!room) return invalid(error);

    // What it may do.
    const VideoGrant& grant = claims.video;
    switch (need) {
        case Grant::RoomCreate:
            if (!grant.room_create) return denied("the access token does not grant roomCreate");
            break;
        case Grant::RoomList:
            if (!grant.room_list) return denied("the access token does not grant roomList");
            break;
        case Grant::RoomAdmin:
            if (room->empty()) return invalid("room is required");
            if (!grant.room_admin) return denied("the access token does not grant roomAdmin");
            if (grant.room != *room) return denied("the access token's roomAdmin is for another room");
            break;
    }
    try {
        return run(method, body, *room, now);
    } catch (const std::exception& e) {
        log_error("room service " + std::string(method) + " failed: " + e.what());
        return twirp(500, "internal", "internal server error");
    }
}

RoomServiceApi::Answer RoomServiceApi::settle(ControlResult& result, const std::string& room,
                                              const std::function<Json()>& reply) {
    const SettledReply r = settle_room_call(settle_, result, room);
    if (r.code != ErrorCode::Ok) {
        const auto error = livekit::twirp_error_of(r.code);
        return {error.status, livekit::twirp_error_body(error, r.message)};
    }
    return {200, reply ? reply() : Json::object()};
}

Json RoomServiceApi::room_reply(const std::string& room_id) const {
    return livekit::room_json(room_id, service_.room_settings(room_id), service_.live_room(room_id),
                              config_.max_participants);
}

Json RoomServiceApi::participant_reply(const std::string& room_id, const std::string& identity) const {
    const Room* room = service_.live_room(room_id);
    const UserRecord* user = room ? room->find(identity) : nullptr;
    return user ? livekit::participant_json(*user) : Json::object();
}

RoomServiceApi::Answer RoomServiceApi::run(std::string_view method, const Json& body, const std::string& room,
                                           std::int64_t now) {
    std::string error;
    const auto identity = livekit::read_string(body, "identity", kMaxIdentityBytes, error);
    if (!identity) return invalid(error);
    const auto need_identity = [&] { return identity->empty() ? std::optional(invalid("identity is required")) : std::nullopt; };
    const auto not_found = [](const std::string& what) { return twirp(404, "not_found", what + " not found"); };

    if (method == "ListRooms") {
        const auto names = livekit::read_string_list(body, "names", error);
        if (!names) return invalid(error);
        const std::vector<std::string> listed = service_.listed_rooms();
        Json rooms = Json::array();
        for (const auto& id : listed)
            if (names->empty() || std::find(names->begin(), names->end(), id) != names->end())
                rooms.push_back(room_reply(id));
        return {200, Json{{"rooms", std::move(rooms)}}};
    }
    if (method == "CreateRoom") {
        const auto name = livekit::read_string(body, "name", kMaxRoomIdBytes, error);
        auto settings = livekit::read_room_settings(body, error);
        if (!name || !settings) return invalid(error);
        if (name->empty()) return invalid("name is required");
        ControlResult result = service_.create_room(*name, std::move(*settings), now);
        return settle(result, *name, [&] { return room_reply(*name); });
    }
    if (method == "DeleteRoom") {
        if (room.empty()) return invalid("room is required");
        ControlResult result = service_.delete_room(room, now);
        return settle(result, room, {});
    }
    if (method == "UpdateRoomMetadata") {
        const auto metadata = livekit::read_string(body, "metadata", livekit::kMaxMetadataBytes, error);
        if (!metadata) return invalid(error);
        ControlResult result = service_.update_room_metadata(room, *metadata, now);
        return settle(result, room, [&] { return room_reply(room); });
    }
    if (method == "ListParticipants") {
        const Room* live = service_.live_room(room);
        if (!live && !service_.room_settings(room)) return not_found("room");
        Json participants = Json::array();
        if (live)
            for (const auto& m : live->members()) participants.push_back(livekit::participant_json(m));
        return {200, Json{{"participants", std::move(participants)}}};
    }
    if (method == "GetParticipant") {
        if (auto refusal = need_identity()) return *refusal;
        const Room* live = service_.live_room(room);
        if (!live) return not_found("room");
        if (!live->find(*identity)) return not_found("participant");
        return {200, participant_reply(room, *identity)};
    }
    if (method == "RemoveParticipant") {
        if (auto refusal = need_identity()) return *refusal;
        ControlResult result = service_.remove_participant(room, *identity, now);
        return settle(result, room, {});
    }
    if (method == "MutePublishedTrack") {
        if (auto refusal = need_identity()) return *refusal;
        const auto sid = livekit::read_string(body, "trackSid", 256, error);
        if (!sid) return invalid(error);
        const auto muted = body.find("muted");
        if (muted != body.end() && !muted->is_null() && !muted->is_boolean()) return invalid("muted must be true or false");
        const auto device = livekit::track_device(*identity, *sid);
        if (!device) {
            const Room* live = service_.live_room(room);
            if (!live) return not_found("room");
            if (!live->find(*identity)) return not_found("participant");
            return not_found("track");
        }
        ControlResult result = service_.mute_device(room, *identity, *device,
                                                    muted != body.end() && muted->is_boolean() && muted->get<bool>(), now);
        return settle(result, room, [&] {
            const Room* live = service_.live_room(room);
            const UserRecord* user = live ? live->find(*identity) : nullptr;
            return user ? Json{{"track", livekit::track_json(*user, *device)}} : Json::object();
        });
    }
    if (method == "UpdateParticipant") {
        if (auto refusal = need_identity()) return *refusal;
        const auto update = livekit::read_member_update(body, error);
        if (!update) return invalid(error);
        ControlResult result = service_.update_participant(room, *identity, *update, now);
        return settle(result, room, [&] { return participant_reply(room, *identity); });
    }
    if (method == "SendData") {
        const auto data = livekit::read_string(body, "data", config_.max_message_bytes, error);
        const auto topic = livekit::read_string(body, "topic", 256, error);
        auto to = livekit::read_string_list(body, "destinationIdentities", error);
        const auto sids = livekit::read_string_list(body, "destinationSids", error);
        if (!data || !topic || !to || !sids) return invalid(error);
        if (!is_base64(*data)) return invalid("data must be standard base64");
        for (const auto& sid : *sids)  // participant sids are PA_<identity>
            if (sid.rfind("PA_", 0) == 0) to->push_back(sid.substr(3));
        ControlResult result = service_.send_data(room, *data, *topic, *to, now);
        return settle(result, room, {});
    }
    return twirp(404, "bad_route", "no such method");
}

}  // namespace posemeet::server
