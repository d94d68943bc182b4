// Accepts TCP connections and starts an http_session for each. Transient accept errors
// (out of file descriptors, ...) are logged and retried after a short pause.
#pragma once

#include <memory>
#include <string>

#include "server/net.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class signaling_hub;
class SessionTimers;

class listener : public std::enable_shared_from_this<listener> {
public:
    // `ws_timers`: the WebSocket sessions' shared timer (server/session_timers.hpp).
    listener(net::io_context& ioc, signaling_hub& hub, const ServerConfig& config,
             std::shared_ptr<SessionTimers> ws_timers);

    // Resolves config.host, binds config.port and listens. On failure returns false and
    // sets `error` to a readable reason.
    bool open(std::string& error);
    tcp::endpoint local_endpoint() const;
    void run();
    void stop();

private:
    void do_accept();
    void on_accept(error_code ec, tcp::socket socket);

    net::io_context& ioc_;
    tcp::acceptor acceptor_;
    net::steady_timer retry_timer_;
    signaling_hub& hub_;
    const ServerConfig& config_;
    std::shared_ptr<SessionTimers> ws_timers_;
    bool stopped_ = false;
};

}  // namespace posemeet::server
