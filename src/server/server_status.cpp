// See server_status.hpp.
#include "server/server_status.hpp"

#include <unistd.h>

#include <cstdio>

#include "server/media_relay.hpp"
#include "server/prometheus_text.hpp"
#include "server/server_clock.hpp"

namespace posemeet::server {

using protocol::Json;

ServerStatus::ServerStatus(const ControlService& service, const MediaRelay& relay,
                           const ServerClock& clock)
    : service_(service), relay_(relay), clock_(clock) {}

Json ServerStatus::health_json(const Connections& c) const {
    return Json{{"status", "ok"},
                {"rooms", service_.room_count()},
                {"participants", service_.participant_count()},
                {"participants_offline", c.members_offline},
                {"participants_http", c.members_http},
                {"uptime_s", clock_.uptime_s()}};
}

Json ServerStatus::rooms_json() const {
    Json rooms = Json::array();
    for (const auto& [room_id, room] : service_.rooms()) {
        Json entry = room->record().to_json();
        entry["user_count"] = room->members().size();
        entry["user_list"] = room->user_list_json();
        rooms.push_back(std::move(entry));
    }
    return Json{{"rooms", std::move(rooms)}};
}

namespace {

// Resident memory of this process from /proc (0 where there is none).
double resident_bytes() {
    std::FILE* f = std::fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long long size = 0, resident = 0;
    const int n = std::fscanf(f, "%llu %llu", &size, &resident);
    std::fclose(f);
    return n == 2 ? static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE)) : 0.0;
}

}  // namespace

std::string ServerStatus::metrics_text(const Connections& c) const {
    using Type = PrometheusText::Type;
    PrometheusText m;
    m.family("posemeet_rooms", Type::Gauge, "Rooms with a meeting (running, or ended and keeping its id)");
    m.sample("posemeet_rooms", static_cast<double>(service_.room_count()));
    m.family("posemeet_participants", Type::Gauge, "Members of meetings, by how they are attached");
    const auto all = static_cast<double>(service_.participant_count());
    const auto offline = static_cast<double>(c.members_offline), http = static_cast<double>(c.members_http);
    m.sample("posemeet_participants", {{"attached", "websocket"}}, all - offline - http);
    m.sample("posemeet_participants", {{"attached", "http"}}, http);
    m.sample("posemeet_participants", {{"attached", "offline"}}, offline);
    m.family("posemeet_connections", Type::Gauge, "Open WebSocket connections");
    m.sample("posemeet_connections", static_cast<double>(c.open));
    m.family("posemeet_connections_refused_total", Type::Counter, "WebSockets refused for connection limits");
    m.sample("posemeet_connections_refused_total", static_cast<double>(c.refused));
    m.family("posemeet_media_thread_connections", Type::Gauge,
             "WebSocket connections placed on each media thread (a room's connections share one)");
    for (std::size_t i = 0; i < c.media_threads.size(); ++i)
        m.sample("posemeet_media_thread_connections", {{"thread", std::to_string(i)}},
                 static_cast<double>(c.media_threads[i].connections));
    m.family("posemeet_websocket_writes_total", Type::Counter,
             "Writes to the WebSockets of each media thread (messages_written over this: messages per write)");
    for (std::size_t i = 0; i < c.media_threads.size(); ++i)
        m.sample("posemeet_websocket_writes_total", {{"thread", std::to_string(i)}},
                 static_cast<double>(c.media_threads[i].writes));
    m.family("posemeet_websocket_messages_written_total", Type::Counter,
             "WebSocket messages written by each media thread (relayed media, replies and informs)");
    for (std::size_t i = 0; i < c.media_threads.size(); ++i)
        m.sample("posemeet_websocket_messages_written_total", {{"thread", std::to_string(i)}},
                 static_cast<double>(c.media_threads[i].messages_written));

    // Control operations per transport and event name: count, errors, time in the hub.
    // (A family's samples must come together, after its TYPE line: one pass per family.)
    const auto each_operation = [this](auto&& fn) {
        for (const auto& [transport, ops] : {std::pair{"websocket", &ws_ops_}, std::pair{"http", &http_ops_}})
            for (const auto& name : ops->operations())
                fn(PrometheusText::Labels{{"transport", transport}, {"operation", name}}, *ops, name);
    };
    m.family("posemeet_control_operations_total", Type::Counter, "Control requests handled");
    each_operation([&](const auto& labels, const OperationStats& ops, const std::string& name) {
        m.sample("posemeet_control_operations_total", labels, static_cast<double>(ops.summary(name)->count));
    });
    m.family("posemeet_control_errors_total", Type::Counter, "Control requests answered with a code other than 200");
    each_operation([&](const auto& labels, const OperationStats& ops, const std::string& name) {
        m.sample("posemeet_control_errors_total", labels, static_cast<double>(ops.summary(name)->errors));
    });
    m.family("posemeet_control_duration_seconds", Type::Histogram,
             "Time in the hub per control request: parse, room logic, store, reply and informs handed to sockets");
    const std::vector<double> bounds(OperationStats::kBucketsS.begin(), OperationStats::kBucketsS.end());
    each_operation([&](const auto& labels, const OperationStats& ops, const std::string& name) {
        const auto h = ops.histogram(name);
        m.histogram("posemeet_control_duration_seconds", labels, bounds,
                    std::vector<std::uint64_t>(h->cumulative.begin(), h->cumulative.end()), h->sum_s);
    });

    // Media through the relay.
    m.family("posemeet_relay_packets_total", Type::Counter, "Media packets relayed (once per recipient)");
    m.family("posemeet_relay_bytes_total", Type::Counter, "Bytes of media packets relayed (once per recipient)");
    for (const auto& [kind, name] : {std::pair{MediaKind::Pose, "pose"}, std::pair{MediaKind::Audio, "audio"},
                                     std::pair{MediaKind::PoseAck, "pose_ack"}}) {
        const auto counts = relay_.relayed(kind);
        m.sample("posemeet_relay_packets_total", {{"kind", name}}, static_cast<double>(counts.packets));
        m.sample("posemeet_relay_bytes_total", {{"kind", name}}, static_cast<double>(counts.bytes));
    }
    m.family("posemeet_media_dropped_total", Type::Counter,
             "Media not delivered: from a muted member, not among a large room's loudest speakers, "
             "dropped from a slow receiver's queue, or a pose delta shed by a media thread that fell behind");
    m.sample("posemeet_media_dropped_total", {{"reason", "muted"}, {"kind", "audio"}},
             static_cast<double>(relay_.audio_dropped_muted()));
    m.sample("posemeet_media_dropped_total", {{"reason", "not_loudest"}, {"kind", "audio"}},
             static_cast<double>(relay_.audio_not_selected()));
    m.sample("posemeet_media_dropped_total", {{"reason", "slow_receiver"}, {"kind", "pose"}},
             static_cast<double>(c.dropped.pose));
    m.sample("posemeet_media_dropped_total", {{"reason", "slow_receiver"}, {"kind", "pose_ack"}},
             static_cast<double>(c.dropped.pose_ack));
    m.sample("posemeet_media_dropped_total", {{"reason", "slow_receiver"}, {"kind", "audio"}},
             static_cast<double>(c.dropped.audio));
    m.sample("posemeet_media_dropped_total", {{"reason", "thread_behind"}, {"kind", "pose"}},
             static_cast<double>(c.pose_shed_thread_behind));
    m.family("posemeet_congested_connections", Type::Gauge, "Connections whose outgoing queue drops media now");
    m.sample("posemeet_congested_connections", static_cast<double>(c.congested));

    m.family("posemeet_webhook_queue", Type::Gauge, "Webhook events waiting in the outbox (per receiver)");
    m.sample("posemeet_webhook_queue", static_cast<double>(c.webhook_queue));
    m.family("posemeet_webhooks_delivered_total", Type::Counter, "Webhook events a receiver took (2xx)");
    m.sample("posemeet_webhooks_delivered_total", static_cast<double>(c.webhooks_delivered));
    m.family("posemeet_webhook_failures_total", Type::Counter, "Webhook attempts that failed (to be retried)");
    m.sample("posemeet_webhook_failures_total", static_cast<double>(c.webhook_failures));

    m.family("process_resident_memory_bytes", Type::Gauge, "Resident memory of the server process");
    m.sample("process_resident_memory_bytes", resident_bytes());
    m.family("posemeet_uptime_seconds", Type::Gauge, "Seconds since the server started");
    m.sample("posemeet_uptime_seconds", static_cast<double>(clock_.uptime_s()));
    return m.text();
}

namespace {
Json media_threads_json(const ServerStatus::Connections& c) {
    Json out = Json::array();
    for (std::size_t i = 0; i < c.media_threads.size(); ++i)
        out.push_back(Json{{"thread", i}, {"connections", c.media_threads[i].connections},
                           {"rooms", c.media_threads[i].rooms}, {"writes", c.media_threads[i].writes},
                           {"messages_written", c.media_threads[i].messages_written},
                           {"window_late_ms", c.media_threads[i].window_late_ms}});
    return out;
}
}  // namespace

Json ServerStatus::stats_json(const Connections& c) const {
    return Json{{"uptime_s", clock_.uptime_s()},
                {"rooms", service_.room_count()},
                {"participants", service_.participant_count()},
                {"connections", c.open},
                {"connections_refused", c.refused},
                {"window", ws_ops_.window()},
                {"websocket", ws_ops_.to_json()},
                {"http", http_ops_.to_json()},
                {"media", Json{{"relayed_packets", relay_.relayed_packets()},
                               {"audio_dropped_muted", relay_.audio_dropped_muted()},
                               {"audio_not_loudest", relay_.audio_not_selected()},
                               {"slow_receiver_dropped", Json{{"pose", c.dropped.pose},
                                                              {"pose_ack", c.dropped.pose_ack},
                                                              {"audio", c.dropped.audio},
                                                              {"stale", c.dropped.stale}}},
                               {"congested_connections", c.congested},
                               {"congestion_notices", c.congestion_notices},
                               {"pose_shed_thread_behind", c.pose_shed_thread_behind},
                               {"slow_receivers", c.slow_receivers}}},
                {"media_threads", media_threads_json(c)}};
}

}  // namespace posemeet::server
