// LiveKit's RoomService over Twirp (POST /twirp/livekit.RoomService/<Method>, JSON), so
// that an operator's backend drives PoseMeet with LiveKit's server SDKs unchanged. Checks
// the caller's `Authorization: Bearer <jwt>` (signature, times, known key) and its grants
// per method (roomCreate, roomList, roomAdmin for the request's room), rate-limits per
// client address, runs the call in the ControlService (core/room_service_ops.cpp) and
// answers in proto3 JSON (core/livekit_json.hpp) or as a Twirp error {code, msg}.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/access_token.hpp"
#include "core/audit_entry.hpp"
#include "core/control_service.hpp"
#include "server/control_call.hpp"
#include "server/server_config.hpp"
#include "server/client_rate_limit.hpp"

namespace posemeet::server {

class ServerClock;

inline constexpr std::string_view kRoomServicePrefix = "/twirp/livekit.RoomService/";

class RoomServiceApi {
public:
    // `settle` finishes every service call that may change a room (see signaling_hub::settle);
    // `audit` records every call of a method that changes something, answered or refused.
    RoomServiceApi(const ServerConfig& config, ControlService& service, const ServerClock& clock, SettleFn settle,
                   AuditSink audit = {});
    RoomServiceApi(const RoomServiceApi&) = delete;
    RoomServiceApi& operator=(const RoomServiceApi&) = delete;

    // Which grant a method needs (LiveKit's table is in the .cpp).
    enum class Grant { RoomCreate, RoomList, RoomAdmin };

    struct Answer {
        unsigned status = 200;
        protocol::Json body;  // always an object: the reply, or a Twirp error
    };
    // One call: `method` is the path's last part, `authorization` the header, `client` the
    // peer address (the rate limit's key).
    Answer call(std::string_view method, std::string_view authorization, std::string_view body,
                const std::string& client);

    // Every tick: drops the buckets of addresses quiet for a minute.
    void tick();

private:
    // The call once its caller is known: grants, then run().
    Answer authorized(std::string_view method, Grant grant, const AccessClaims& claims, const protocol::Json& body,
                      std::int64_t now_ms);
    // The call after its checks: `room` is the request's room (empty for ListRooms).
    Answer run(std::string_view method, const protocol::Json& body, const std::string& room, std::int64_t now_ms);
    // Settles a service call that may have changed `room`; its error, or `reply` on success.
    Answer settle(ControlResult& result, const std::string& room, const std::function<protocol::Json()>& reply);
    protocol::Json room_reply(const std::string& room_id) const;
    protocol::Json participant_reply(const std::string& room_id, const std::string& identity) const;

    const ServerConfig& config_;
    ControlService& service_;
    const ServerClock& clock_;
    SettleFn settle_;
    AuditSink audit_;
    AccessTokenVerifier verifier_;
    ClientRateLimit limit_;
};

}  // namespace posemeet::server
