// Sends the webhook outbox's events (webhook_outbox.hpp) to their receivers: HTTP POST
// with LiveKit's headers (Content-Type application/webhook+json, Authorization: a JWT over
// the body's SHA-256 signed with the server's API key), so that LiveKit's WebhookReceiver
// accepts them. A 2xx answer removes the event; anything else (refused, timed out, non-2xx)
// is retried with a doubling back-off up to --webhook-retry-max-ms, for as long as it takes.
// Runs on the server's I/O thread.
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "server/net.hpp"
#include "server/webhook_outbox.hpp"

namespace posemeet::server {

// The Authorization header of a webhook body: a JWT {iss: key, nbf, exp: +5 min, sha256:
// base64 of the body's SHA-256} signed with `secret`.
std::string webhook_authorization(const std::string& body, const std::string& key, const std::string& secret,
                                  std::int64_t now_s);

class WebhookDispatcher {
public:
    using Clock = std::function<std::int64_t()>;  // the outbox's times (wall-clock ms)
    WebhookDispatcher(net::io_context& io, WebhookOutbox& outbox, std::string key, std::string secret,
                      std::int64_t retry_max_ms, Clock now_ms);

    // Sends whatever is due and not already on its way (call after adding events, and on
    // the server's tick for retries that came due).
    void pump();
    std::uint64_t delivered() const { return delivered_; }
    std::uint64_t failures() const { return failures_; }  // attempts that did not get a 2xx
    static constexpr std::size_t kMaxInFlight = 16;
    static constexpr std::int64_t kFirstRetryMs = 500;

private:
    void finished(const WebhookOutbox::Row& row, bool ok);

    net::io_context& io_;
    WebhookOutbox& outbox_;
    std::string key_, secret_;
    std::int64_t retry_max_ms_;
    Clock now_ms_;
    std::set<std::int64_t> in_flight_;
    std::uint64_t delivered_ = 0, failures_ = 0;
};

}  // namespace posemeet::server
