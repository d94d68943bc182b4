// See server_status.hpp.
#include "server/server_status.hpp"

#include "server/media_relay.hpp"
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
                               {"slow_receiver_dropped", Json{{"pose", c.dropped.pose},
                                                              {"pose_ack", c.dropped.pose_ack},
                                                              {"audio", c.dropped.audio},
                                                              {"stale", c.dropped.stale}}},
                               {"congested_connections", c.congested},
                               {"congestion_notices", c.congestion_notices},
                               {"slow_receivers", c.slow_receivers}}}};
}

}  // namespace posemeet::server
