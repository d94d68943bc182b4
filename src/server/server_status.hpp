// What the server tells operators: the bodies of GET /healthz (alive, rooms, members by
// how they are attached), GET /api/v1/rooms (every room with its members) and
// GET /api/v1/stats (time per control operation per transport, connections, media relay
// counters, slow receivers, the media threads' load) and GET /metrics (the same for
// Prometheus). Owns the per-transport operation stats that the control paths record into.
#pragma once

#include <cstdint>
#include <vector>

#include "core/control_service.hpp"
#include "server/operation_stats.hpp"
#include "server/outgoing_queue.hpp"

namespace posemeet::server {

class MediaRelay;
class ServerClock;

class ServerStatus {
public:
    ServerStatus(const ControlService& service, const MediaRelay& relay, const ServerClock& clock);

    // The hub's own counts at the moment of asking.
    struct Connections {
        std::size_t open = 0;  // WebSockets
        std::uint64_t refused = 0;
        std::size_t members_offline = 0;  // WebSocket members within their grace period
        std::size_t members_http = 0;     // members of the HTTP form
        // Slow receivers: media dropped from outgoing queues (open and closed connections),
        // how many are congested now, the notices sent, and one entry per open connection
        // that has dropped anything (at most kMaxSlowReceivers).
        DropCounts dropped;
        std::size_t congested = 0;
        std::uint64_t congestion_notices = 0;
        std::uint64_t pose_shed_thread_behind = 0;  // pose deltas dropped at the door
        protocol::Json slow_receivers = protocol::Json::array();
        // Per media thread: the WebSockets placed on it and the rooms they named; the writes
        // to its sockets since start and the messages in them, how late its last write
        // window closed (MediaWriteWindow).
        struct MediaThread {
            std::size_t connections = 0, rooms = 0;
            std::uint64_t writes = 0, messages_written = 0;
            std::int64_t window_late_ms = 0;
        };
        std::vector<MediaThread> media_threads;
        // Webhooks: events waiting in the outbox, and attempts since start.
        std::size_t webhook_queue = 0;
        std::uint64_t webhooks_delivered = 0, webhook_failures = 0;
    };
    static constexpr std::size_t kMaxSlowReceivers = 32;
    protocol::Json health_json(const Connections& c) const;
    protocol::Json rooms_json() const;
    protocol::Json stats_json(const Connections& c) const;
    // GET /metrics: the same figures for Prometheus (text format), plus latency histograms
    // of every control operation and the process's memory.
    std::string metrics_text(const Connections& c) const;

    OperationStats& websocket_ops() { return ws_ops_; }
    OperationStats& http_ops() { return http_ops_; }

private:
    const ControlService& service_;
    const MediaRelay& relay_;
    const ServerClock& clock_;
    OperationStats ws_ops_, http_ops_;  // time per operation, per transport
};

}  // namespace posemeet::server
