// One asio timer for the deadlines of every WebSocket session: its idle ticks (every half
// ws_idle_timeout_s: ping, then drop) and its close handshake's timeout. A steady_timer per
// connection, with the wait it always had pending, cost each idle connection ~250 bytes;
// here a session only embeds a DeadlineLanes::Hook (server/deadline_lanes.hpp). Sessions
// share it by shared_ptr, so it outlives the last one (they cancel their hook as they go).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

#include "server/deadline_lanes.hpp"
#include "server/net.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class websocket_session;

// The upgrade's timeout (Beast's handshake_timeout), and how long the peer has to answer
// our close frame.
constexpr auto kCloseHandshakeTimeout = std::chrono::seconds(10);

class SessionTimers {
public:
    enum Lane : std::size_t { kIdleTick = 0, kCloseHandshake = 1 };

    SessionTimers(net::any_io_executor executor, const ServerConfig& config);
    SessionTimers(const SessionTimers&) = delete;
    SessionTimers& operator=(const SessionTimers&) = delete;

    // The session's on_deadline() runs one lane's delay from now (replacing what was armed).
    void arm(websocket_session& session, Lane lane);
    void cancel(websocket_session& session);

private:
    // Sets the timer for the earliest deadline, unless it is set for that already or sooner.
    void schedule();
    void on_timer();

    DeadlineLanes lanes_;
    net::steady_timer timer_;
    std::optional<DeadlineLanes::Clock::time_point> scheduled_;  // the pending wait's expiry
    bool firing_ = false;  // in on_timer: schedule() waits until the due ones are done
};

}  // namespace posemeet::server
