// See audit_endpoint.hpp.
#include "server/audit_endpoint.hpp"

#include "core/audit_entry.hpp"
#include "server/audit_log.hpp"
#include "server/openssl_hmac.hpp"
#include "server/server_clock.hpp"

namespace posemeet::server {
namespace {

using protocol::Json;

AuditEndpoint::Answer refuse(unsigned status, const std::string& why) {
    return {status, Json{{"error", why}}};
}

}  // namespace

AuditEndpoint::AuditEndpoint(const ServerConfig& config, const ServerClock& clock, AuditLog& log)
    : clock_(clock),
      log_(log),
      verifier_(config.api_keys, openssl_hmac_sha256),
      limit_(config.control_rate, config.control_burst) {}

void AuditEndpoint::tick() { limit_.sweep(ServerClock::mono_ms()); }

AuditEndpoint::Answer AuditEndpoint::read(
    const std::vector<std::pair<std::string, std::string>>& params, std::string_view authorization,
    const std::string& client) {
    if (!limit_.admit(client, ServerClock::mono_ms()))
        return refuse(429, "too many requests, slow down");
    const TokenCheck check = verifier_.verify_bearer(authorization, clock_.now_ms() / 1000);
    if (check.code != protocol::ErrorCode::Ok) return refuse(401, check.reason);
    std::string why;
    const auto query = read_audit_query(params, why);
    if (!query) return refuse(400, why);
    if (const int status = audit_read_status(check.claims->video, query->room, why); status != 200)
        return refuse(static_cast<unsigned>(status), why);

    Json entries = Json::array();
    std::int64_t next = query->after;  // where the next page starts, also when this one is empty
    for (const auto& e : log_.read(query->room, query->after, query->limit)) {
        entries.push_back(audit_entry_json(e));
        next = e.id;
    }
    return {200, Json{{"entries", std::move(entries)}, {"next", next}}};
}

}  // namespace posemeet::server
