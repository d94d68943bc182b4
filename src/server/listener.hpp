// Accepts TCP connections and starts an http_session for each. Transient accept errors
// (out of file descriptors, ...) are logged and retried after a short pause.
#pragma once

#include <memory>
#include <string>

#include "server/net.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class signaling_hub;
class MediaThreads;

class listener : public std::enable_shared_from_this<listener> {
public:
    // `media`: the threads the WebSockets go to (server/media_threads.hpp).
    listener(net::io_context& ioc, signaling_hub& hub, const ServerConfig& config,
             MediaThreads& media);

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
    MediaThreads& media_;
    bool stopped_ = false;
};

}  // namespace posemeet::server
