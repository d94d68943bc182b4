// Invitations over HTTP (core/invitations.cpp holds the rules):
//   POST /api/v1/rooms/{room}/invitations  {"invitees":[{identity,name}], "timeout_s"?, "base_url"?}
//   GET  /api/v1/rooms/{room}/invitations
//        both with `Authorization: Bearer <jwt>` granting roomAdmin for {room}
//   POST /api/v1/invitations/decline  {"token": <the invitation's own token>}
// Each invitee gets a join token for the room and its identity, signed with the key that
// signed the admin's token, and links for the page: join_url (base_url?token=) and
// decline_url (join_url&decline=1). Rate-limited per client address like the room service.
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

// An invitation token stays valid this long past the invitation's expiry, so that a link
// opened in its last seconds still gets the invitee in (the status then says missed).
constexpr std::int64_t kInvitationTokenMarginS = 300;

class InvitationsApi {
public:
    // `audit`: gets an entry for every invitation call by a verified admin, done or refused.
    InvitationsApi(const ServerConfig& config, ControlService& service, const ServerClock& clock, SettleFn settle,
                   AuditSink audit);
    InvitationsApi(const InvitationsApi&) = delete;
    InvitationsApi& operator=(const InvitationsApi&) = delete;

    // Whether `path` is one of this API's.
    static bool owns(std::string_view path);

    struct Call {
        std::string_view method;  // "GET", "POST"
        std::string_view path;
        std::string_view authorization;  // the header
        std::string_view host;           // the Host header: the default base_url's origin
        std::string_view forwarded_proto;  // X-Forwarded-Proto ("https" behind a TLS proxy)
        std::string_view body;
        std::string client;  // the peer address (the rate limit's key)
    };
    struct Answer {
        unsigned status = 200;
        protocol::Json body;  // the answer, or {"error": words}
    };
    Answer call(const Call& call);

    // Every tick: drops the buckets of addresses quiet for a minute.
    void tick();

private:
    Answer invite(const std::string& room, const AccessClaims& admin, const Call& call, std::int64_t now_ms);
    Answer list(const std::string& room) const;
    Answer decline(const Call& call, std::int64_t now_ms);
    // Settles a service call that may have changed `room`; its error, or the reply's response.
    Answer settle(ControlResult& result, const std::string& room);
    std::string mint(const AccessClaims& admin, const std::string& room, const Invitation& invitation) const;

    const ServerConfig& config_;
    ControlService& service_;
    const ServerClock& clock_;
    SettleFn settle_;
    AuditSink audit_;
    AccessTokenVerifier verifier_;
    ClientRateLimit rate_limit_;
};

}  // namespace posemeet::server
