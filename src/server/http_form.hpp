// The HTTP form of the control API, for clients without a WebSocket:
// POST /api/v1/rts/message runs a request as a member (credentials in its content) and
// GET /api/v1/rts/events long-polls the member's queued informs. Holds the waiting
// long-polls (one per member) and the HTTP rate limits: a member's own bucket once its
// credentials check out, its client address's bucket otherwise. Answers are
// {code, message, data} bodies with an HTTP status.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/control_service.hpp"
#include "server/control_call.hpp"
#include "server/server_config.hpp"
#include "server/token_bucket.hpp"

namespace posemeet::server {

class OperationStats;
class ServerClock;

// Longest hold of a long-poll.
constexpr std::int64_t kMaxPollWaitMs = 25000;

class HttpForm {
public:
    // `settle` finishes every service call (see signaling_hub::settle); request times go
    // to `stats`.
    HttpForm(const ServerConfig& config, ControlService& service, const ServerClock& clock,
             OperationStats& stats, SettleFn settle);
    HttpForm(const HttpForm&) = delete;
    HttpForm& operator=(const HttpForm&) = delete;

    struct Answer {
        unsigned status =
            200;  // 200 whenever the request reached the service: `code` says how it went
        protocol::Json body;
    };
    // POST /api/v1/rts/message with body {event_name, content, request_id?}; `client` is
    // the peer address.
    Answer message(std::string_view body, const std::string& client);
    // GET /api/v1/rts/events. `charge` = count it against the rate limit (the first look,
    // not the answer after a wait). `wait` is set when nothing is queued yet.
    Answer events(const PollRequest& query, const std::string& client, bool charge, bool& wait);

    // A long-poll waiting for `user_id`'s next inform: `wake` is called (once) when one is
    // queued, the member is gone, another poll of the same member replaces this one, or the
    // server shuts down. Returns an id for remove_waiter.
    std::uint64_t add_waiter(const std::string& user_id, std::function<void()> wake);
    void remove_waiter(const std::string& user_id, std::uint64_t waiter_id);
    // Informs were queued for these members: their long-polls answer now.
    void wake(const std::vector<std::string>& user_ids);
    // These members are gone: their long-polls answer now (404 / 422), their buckets go.
    void forget(const std::vector<std::string>& user_ids);

    // Every tick, before the service expires idle members: a member whose long-poll is
    // waiting is alive. Also drops the buckets of addresses quiet for a minute.
    void tick(std::int64_t now_ms);
    // Server shutdown: answers every waiting long-poll, and every later one at once.
    void shutdown();
    // After the I/O loop stopped.
    void clear() { waiters_.clear(); }

private:
    struct Waiter {
        std::uint64_t id = 0;
        std::function<void()> wake;
    };
    struct ClientBucket {
        TokenBucket bucket;
        std::int64_t last_used_ms = 0;
    };
    // Takes a token for a request with these credentials: from the member's bucket when they
    // check out, else from the client address's (joins, bad tokens, malformed requests).
    bool admit(const std::string& room_id, const std::string& user_id, const std::string& token,
               const std::string& client, std::int64_t mono_ms);

    const ServerConfig& config_;
    ControlService& service_;
    const ServerClock& clock_;
    OperationStats& stats_;
    SettleFn settle_;
    std::unordered_map<std::string, Waiter> waiters_;  // user_id -> its waiting long-poll
    std::unordered_map<std::string, TokenBucket>
        member_buckets_;  // user_id -> its requests and polls
    std::unordered_map<std::string, ClientBucket>
        client_buckets_;  // peer address -> anonymous requests
    std::uint64_t next_waiter_id_ = 1;
    std::int64_t last_bucket_sweep_ms_ = 0;
    bool shutting_down_ = false;
};

}  // namespace posemeet::server
