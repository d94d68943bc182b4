// The meeting logic's seat in the server: owns the core ControlService, knows every open
// WebSocket (by connection id) and which user each one is, turns text messages into
// control requests and binary messages into relayed media, enforces per-connection rate
// limits, and writes joins/leaves to the audit store. Lives on the single I/O thread, so
// it needs no locks. Sessions are held weakly: a session that is gone is simply skipped.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/control_service.hpp"
#include "server/server_config.hpp"
#include "server/token_bucket.hpp"
#include "server/user_id_generator.hpp"

namespace posemeet::server {

class websocket_session;
class SqliteStore;

class signaling_hub {
public:
    signaling_hub(const ServerConfig& config, SqliteStore& store);
    signaling_hub(const signaling_hub&) = delete;
    signaling_hub& operator=(const signaling_hub&) = delete;

    // A WebSocket finished its handshake; returns its connection id (never 0).
    std::uint64_t attach(const std::shared_ptr<websocket_session>& session);
    // One complete message from connection `id`.
    void on_text(std::uint64_t id, std::string_view text);
    void on_binary(std::uint64_t id, const std::uint8_t* data, std::size_t size);
    // A message over the size limit was read and discarded.
    void on_oversized(std::uint64_t id, bool binary, std::size_t size);
    // The connection closed or failed: leaves its room and tells the others.
    void detach(std::uint64_t id);

    // Server shutdown: closes every WebSocket with "going away" (detach follows per session).
    void shutdown();
    // After the I/O loop stopped: records every connection still attached as left.
    void finalize();

    std::size_t connection_count() const { return peers_.size(); }
    // GET /healthz and GET /api/v1/rooms bodies.
    protocol::Json health_json() const;
    protocol::Json rooms_json() const;

private:
    struct Peer {
        std::weak_ptr<websocket_session> session;
        ConnectionState conn;
        TokenBucket control;
        TokenBucket media;
        std::int64_t last_media_limit_reply_ms = -1000000;
        std::int64_t audit_row = 0;  // participant_sessions.id while joined
    };

    Peer* find(std::uint64_t id);
    // Sends a control message (reply or inform) to a peer / to the session of a user.
    void send_json(Peer& peer, const protocol::Json& message);
    void deliver(std::vector<Delivery>& deliveries);
    void send_error(Peer& peer, const std::string& request_id, protocol::ErrorCode code,
                    const std::string& message, std::int64_t now_ms);
    // Media-side errors (429/400/413/420 for binary) are sent at most once per second.
    void send_media_error(Peer& peer, protocol::ErrorCode code, const std::string& message,
                          std::int64_t now_ms, std::int64_t mono_ms);
    // Bookkeeping after the service changed a connection's membership.
    void on_joined(std::uint64_t id, Peer& peer, std::int64_t now_ms);
    void on_left(Peer& peer, const ConnectionState& before, std::int64_t now_ms);
    std::string new_user_id();

    const ServerConfig& config_;
    SqliteStore& store_;
    UserIdGenerator ids_;
    std::map<std::uint64_t, Peer> peers_;
    std::unordered_map<std::string, std::uint64_t> users_;  // user_id -> connection id
    ControlService service_;
    std::uint64_t next_id_ = 1;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    bool shutting_down_ = false;
};

}  // namespace posemeet::server
