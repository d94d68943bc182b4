// See session_timers.hpp.
#include "server/session_timers.hpp"

#include "server/websocket_session.hpp"

namespace posemeet::server {

SessionTimers::SessionTimers(net::any_io_executor executor, const ServerConfig& config)
    : lanes_({std::chrono::milliseconds(config.ws_idle_timeout_s * 500), kCloseHandshakeTimeout}),
      timer_(std::move(executor)) {}

void SessionTimers::arm(websocket_session& session, Lane lane) {
    lanes_.arm(session.deadline_hook(), lane, DeadlineLanes::Clock::now());
    schedule();
}

void SessionTimers::cancel(websocket_session& session) {
    // The timer stays set: waking once for nothing is cheaper than setting it again.
    lanes_.cancel(session.deadline_hook());
}

void SessionTimers::schedule() {
    if (firing_) return;  // on_timer sets it once the due sessions have re-armed
    const auto earliest = lanes_.earliest();
    if (!earliest || (scheduled_ && *scheduled_ <= *earliest)) return;
    scheduled_ = *earliest;
    timer_.expires_at(*earliest);  // cancels the wait set for later
    // The handler touches `this` only when the wait was not cancelled: a cancelled wait may
    // complete after the last session (and with it this object) is gone.
    timer_.async_wait([this](error_code ec) {
        if (ec != net::error::operation_aborted) on_timer();  // else replaced, or gone
    });
}

void SessionTimers::on_timer() {
    scheduled_.reset();
    const auto now = DeadlineLanes::Clock::now();
    firing_ = true;
    while (DeadlineLanes::Hook* due = lanes_.pop_due(now))
        websocket_session::from_deadline(*due).on_deadline();
    firing_ = false;
    schedule();
}

}  // namespace posemeet::server
