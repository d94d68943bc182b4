// The whole server: on its own io_context thread (the hub thread) the listener and HTTP,
// webhooks, the 250 ms tick that expires members past their reconnect grace
// period, and the SIGINT/SIGTERM handling that shuts it down cleanly (stop accepting, close
// WebSockets with "going away", record the leaves, flush the store); the WebSockets on the
// media threads (server/media_threads.hpp; --threads).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/net.hpp"
#include "server/server_config.hpp"
#include "server/signaling_hub.hpp"
#include "server/sqlite_store.hpp"

namespace posemeet::server {

class listener;
class MediaThreads;
class WebhookDispatcher;

class Server {
public:
    explicit Server(ServerConfig config);
    ~Server();

    // Opens the store and binds the port; false with `error` if the port cannot be bound.
    bool start(std::string& error);
    // The bound port (useful with --port 0).
    std::uint16_t port() const;
    // Runs until SIGINT/SIGTERM (or stop()), then finishes cleanly. Returns the exit code.
    int run();
    // Begins a graceful shutdown; call on the I/O thread (or post it there).
    void stop();

private:
    void wait_for_signal();
    void poll_shutdown();
    void schedule_tick();

    ServerConfig config_;
    SqliteStore store_;
    std::unique_ptr<signaling_hub> hub_;
    // After the hub: destroyed before it (a session's end tells the hub).
    std::unique_ptr<MediaThreads> media_;
    // Declared after the hub: destroyed first, so no pending handler outlives the hub.
    net::io_context ioc_{1};
    net::signal_set signals_;
    net::steady_timer shutdown_timer_;
    net::steady_timer tick_timer_;
    std::shared_ptr<listener> listener_;
    std::unique_ptr<WebhookDispatcher> webhooks_;  // with --webhook-url
    std::chrono::steady_clock::time_point shutdown_deadline_{};
    bool stopping_ = false;
};

}  // namespace posemeet::server
