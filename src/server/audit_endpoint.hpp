// GET /api/v1/audit?room=R&after=ID&limit=N: the audit log (server/audit_log.hpp) for an
// operator. Checks `Authorization: Bearer <jwt>` as the room service does (same keys),
// requires roomAdmin for the room, or roomList to read every room, rate-limits per client
// address, and answers {"entries":[...], "next": <last id>} or {"error": why}.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/access_token.hpp"
#include "core/protocol.hpp"
#include "server/client_rate_limit.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class AuditLog;
class ServerClock;

inline constexpr std::string_view kAuditPath = "/api/v1/audit";

class AuditEndpoint {
  public:
    AuditEndpoint(const ServerConfig& config, const ServerClock& clock, AuditLog& log);
    AuditEndpoint(const AuditEndpoint&) = delete;
    AuditEndpoint& operator=(const AuditEndpoint&) = delete;

    struct Answer {
        unsigned status = 200;
        protocol::Json body;
    };
    // `query`: the decoded query parameters; `client`: the peer address (the rate limit's key).
    Answer read(const std::vector<std::pair<std::string, std::string>>& query,
                std::string_view authorization, const std::string& client);

    // Every tick: forgets quiet clients' buckets.
    void tick();

  private:
    const ServerClock& clock_;
    AuditLog& log_;
    AccessTokenVerifier verifier_;
    ClientRateLimit limit_;
};

}  // namespace posemeet::server
