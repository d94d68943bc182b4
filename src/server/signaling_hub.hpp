// The meeting logic's seat in the server: owns the core ControlService, knows every open
// WebSocket (by connection id) and which member each one holds, turns text messages into
// control requests and binary messages into relayed media, serves the HTTP form of the
// control API (POST /api/v1/rts/message, long-poll GET /api/v1/rts/events), enforces
// rate limits, expires members whose reconnect grace period ran out, and writes
// joins/leaves to the audit store. Lives on the single I/O thread, so it needs no locks.
// Sessions are held weakly: a session that is gone is simply skipped.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/control_service.hpp"
#include "server/operation_stats.hpp"
#include "server/server_config.hpp"
#include "server/token_bucket.hpp"
#include "server/user_id_generator.hpp"

namespace posemeet::server {

class websocket_session;
class SqliteStore;

using protocol::kCloseResumedElsewhere;
// Longest hold of a long-poll.
constexpr std::int64_t kMaxPollWaitMs = 25000;

class signaling_hub {
public:
    signaling_hub(const ServerConfig& config, SqliteStore& store);
    signaling_hub(const signaling_hub&) = delete;
    signaling_hub& operator=(const signaling_hub&) = delete;

    // A WebSocket from `client_ip` finished its handshake; returns its connection id, or 0
    // when it is over --max-connections or --max-connections-per-address: then it is being
    // closed with 1013 ("try again later") and a reason the client can show.
    std::uint64_t attach(const std::shared_ptr<websocket_session>& session, const std::string& client_ip);
    // One complete message from connection `id`.
    void on_text(std::uint64_t id, std::string_view text);
    void on_binary(std::uint64_t id, const std::uint8_t* data, std::size_t size);
    // A message over the size limit was read and discarded.
    void on_oversized(std::uint64_t id, bool binary, std::size_t size);
    // The connection closed. `clean` = a close frame came (the client left, the tab was
    // closed): the member leaves at once. Otherwise (reset, timeout) it stays offline for
    // the reconnect grace period and may resume.
    void detach(std::uint64_t id, bool clean);

    // Brings back the rooms a previous process left in the store (members offline, each
    // resuming with its token within the grace period). Call once, before listening.
    void restore_rooms();

    // Every ~250 ms: expires members past their grace period, and writes the rooms that
    // changed since the last tick to the store.
    void tick();

    // [SECTION] the HTTP form. Answers are {code, message, data} bodies with an HTTP status
    // (200 whenever the request reached the control service; the `code` says how it went).
    struct HttpAnswer {
        unsigned status = 200;
        protocol::Json body;
    };
    // POST /api/v1/rts/message with body {event_name, content, request_id?}. `client` is
    // the peer address (rate limit of requests that carry no valid member credentials).
    HttpAnswer http_message(std::string_view body, const std::string& client);
    // GET /api/v1/rts/events. `charge` = count it against the rate limit (the first look,
    // not the answer after a wait). `wait` is set when nothing is queued yet.
    HttpAnswer http_events(const PollRequest& query, const std::string& client, bool charge, bool& wait);
    // A long-poll waiting for `user_id`'s next inform: `wake` is called (once) when one is
    // queued, the member is gone, another poll of the same member replaces this one, or the
    // server shuts down. Returns an id for remove_waiter.
    std::uint64_t add_waiter(const std::string& user_id, std::function<void()> wake);
    void remove_waiter(const std::string& user_id, std::uint64_t waiter_id);

    // Server shutdown: closes every WebSocket with "going away" (detach follows per
    // session) and answers every waiting long-poll.
    void shutdown();
    // After the I/O loop stopped: records every member still present as left.
    void finalize();

    std::size_t connection_count() const { return peers_.size(); }
    // GET /healthz and GET /api/v1/rooms bodies.
    protocol::Json health_json() const;
    protocol::Json rooms_json() const;
    // GET /api/v1/stats: server-side time per control operation (see operation_stats.hpp).
    protocol::Json stats_json() const;

    // The server's clock for the core: wall-clock milliseconds at start plus steady time
    // since, so timestamps look like Unix time but grace periods never jump with the clock.
    std::int64_t now_ms() const;

private:
    struct Peer {
        std::weak_ptr<websocket_session> session;
        std::string client_ip;
        ConnectionState conn;
        TokenBucket control;
        TokenBucket media;
        std::int64_t last_media_limit_reply_ms = -1000000;
    };
    // What the hub keeps per member (the service keeps the rest).
    struct Member {
        std::string room_id;
        std::uint64_t peer = 0;      // WebSocket connection holding it, 0 = none
        std::int64_t audit_row = 0;  // participant_sessions.id
        TokenBucket http;            // its HTTP requests and polls
    };
    struct Waiter {
        std::uint64_t id = 0;
        std::function<void()> wake;
    };
    struct ClientBucket {
        TokenBucket bucket;
        std::int64_t last_used_ms = 0;
    };

    Peer* find(std::uint64_t id);
    // Sends a control message (reply or inform) to a peer.
    void send_json(Peer& peer, const protocol::Json& message);
    void send_text(Peer& peer, std::shared_ptr<const std::string> text);  // a control message
    void deliver(std::vector<Delivery>& deliveries);
    void send_error(Peer& peer, const std::string& request_id, protocol::ErrorCode code,
                    const std::string& message, std::int64_t now_ms);
    // Media-side errors (429/400/413/420 for binary) are sent at most once per second.
    void send_media_error(Peer& peer, protocol::ErrorCode code, const std::string& message,
                          std::int64_t now_ms, std::int64_t mono_ms);
    // Bookkeeping after the service changed who is a member and where it is attached;
    // `requester` is the connection that made the request (0 for HTTP and timers). Called
    // twice per service call: arrivals (joined, resumed, offline) before the informs are
    // delivered, departures (left) after, so that members being removed - everyone, when
    // a meeting ends - still get the informs about it.
    void apply_changes(const std::vector<MemberChange>& changes, std::uint64_t requester, std::int64_t now_ms,
                       bool departures);
    // Everything a service call produced besides the requester's reply.
    void distribute(ControlResult& result);
    void wake(const std::vector<std::string>& user_ids);
    // [SECTION] room state in the store: rooms touched by a request are written (once per
    // tick however many requests came), rooms that are gone are deleted.
    void mark_dirty(const std::string& room_id);
    void mark_dirty(const ControlResult& result);
    static bool changes_room_state(const std::string& event_name);
    void persist_dirty_rooms(std::int64_t now_ms);
    TokenBucket& client_bucket(const std::string& client, std::int64_t mono);
    std::string new_user_id();

    const ServerConfig& config_;
    SqliteStore& store_;
    UserIdGenerator ids_;
    TokenGenerator tokens_;
    std::map<std::uint64_t, Peer> peers_;
    std::unordered_map<std::string, Member> members_;  // user_id -> member
    std::unordered_map<std::string, Waiter> waiters_;  // user_id -> its waiting long-poll
    std::unordered_map<std::string, ClientBucket> client_buckets_;
    std::unordered_map<std::string, int> connections_by_ip_;  // open WebSockets per client address
    std::uint64_t connections_refused_ = 0;
    std::set<std::string> dirty_rooms_;      // to write at the next tick
    std::set<std::string> persisted_rooms_;  // rooms with a row in the store
    std::int64_t last_refusal_log_ms_ = -1000000;
    ControlService service_;
    std::uint64_t next_id_ = 1;
    std::uint64_t next_waiter_id_ = 1;
    std::int64_t last_bucket_sweep_ms_ = 0;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::int64_t started_wall_ms_ = 0;
    bool shutting_down_ = false;
    OperationStats ws_op_stats_, http_op_stats_;  // time per operation, per transport
    std::uint64_t media_relayed_ = 0;        // packets forwarded (once per recipient)
    std::uint64_t audio_dropped_muted_ = 0;  // audio packets from members the room has muted
};

}  // namespace posemeet::server
