// See server.hpp.
#include "server/access_keys.hpp"
#include "server/webhook_dispatcher.hpp"
#include "server/server.hpp"

#include <csignal>
#include <filesystem>

#include "server/listener.hpp"
#include "server/openssl_hmac.hpp"
#include "server/log.hpp"
#include "server/media_threads.hpp"

namespace posemeet::server {
namespace {
// Time the WebSockets get to finish their closing handshakes on shutdown.
constexpr auto kShutdownGrace = std::chrono::seconds(2);
// How often members past their reconnect grace period are expired.
constexpr auto kTickInterval = std::chrono::milliseconds(250);

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
}  // namespace

Server::Server(ServerConfig config)
    : config_(std::move(config)),
      hub_(std::make_unique<signaling_hub>(config_, store_)),
      media_(std::make_unique<MediaThreads>(MediaThreads::resolve(config_.threads), config_)),
      signals_(ioc_, SIGINT, SIGTERM),
      shutdown_timer_(ioc_),
      tick_timer_(ioc_) {
    if (config_.verbose) set_log_level(LogLevel::Debug);
}

Server::~Server() = default;

bool Server::start(std::string& error) {
    std::error_code fs_ec;
    if (!std::filesystem::is_directory(config_.web_root, fs_ec)) {
        log_warn("web root '" + config_.web_root + "' (" +
                 std::filesystem::absolute(config_.web_root, fs_ec).string() +
                 ") is not a folder: only /healthz, /api/v1/rooms and /ws will work. Build the "
                 "web client or pass --web-root DIR.");
    }
    if (config_.db_path.empty()) {
        log_info("no --db: rooms and sessions are not recorded");
    } else if (store_.open(config_.db_path, wall_ms())) {
        log_info("recording rooms and sessions in " + config_.db_path);
    } else {
        log_warn("continuing without the audit store");
    }

    if (!openssl_self_test()) {
        log_error("OpenSSL computes HMAC-SHA256 or SHA-256 wrong (the published test vectors fail): "
                  "tokens could not be checked; not starting");
        return false;
    }
    hub_->restore_rooms();  // meetings a previous run left in the store come back first
    if (WebhookOutbox* outbox = hub_->webhook_outbox()) {
        // Signed with an operator's key (the development key only when there is no other).
        auto key = config_.api_keys.begin();
        for (auto it = config_.api_keys.begin(); it != config_.api_keys.end(); ++it)
            if (it->first != kDevApiKey) { key = it; break; }
        if (key == config_.api_keys.end()) {
            error = "webhooks need an API key to be signed with (--api-key/--api-secret or --dev)";
            return false;
        }
        webhooks_ = std::make_unique<WebhookDispatcher>(ioc_, *outbox, key->first, key->second,
                                                        config_.webhook_retry_max_ms, [] { return wall_ms(); });
        hub_->attach_webhook_dispatcher(webhooks_.get());
        webhooks_->pump();  // what a previous run left undelivered
        log_info(std::to_string(config_.webhook_urls.size()) + " webhook receiver(s), " +
                 std::to_string(outbox->depth()) + " event(s) waiting");
    }

    std::vector<net::any_io_executor> media_executors;
    std::vector<const MediaWriteWindow*> write_windows;
    for (std::size_t i = 0; i < media_->count(); ++i) {
        media_executors.emplace_back(media_->executor(i));
        write_windows.push_back(&media_->write_window(i));
    }
    hub_->use_threads(ioc_.get_executor(), std::move(media_executors), std::move(write_windows));
    listener_ = std::make_shared<listener>(ioc_, *hub_, config_, *media_);
    if (!listener_->open(error)) return false;
    media_->start();
    log_info(std::to_string(media_->count()) + " media thread(s) for the WebSockets (--threads), one for HTTP");
    listener_->run();
    wait_for_signal();
    schedule_tick();
    return true;
}

void Server::schedule_tick() {
    tick_timer_.expires_after(kTickInterval);
    tick_timer_.async_wait([this](error_code ec) {
        if (ec || stopping_) return;
        try {
            hub_->tick();
        } catch (const std::exception& e) {
            log_error(std::string("tick failed: ") + e.what());
        }
        schedule_tick();
    });
}

std::uint16_t Server::port() const { return listener_ ? listener_->local_endpoint().port() : 0; }

void Server::wait_for_signal() {
    signals_.async_wait([this](error_code ec, int signo) {
        if (ec) return;
        if (stopping_) {
            log_warn("second signal: stopping now");
            media_->stop();
            ioc_.stop();
            return;
        }
        log_info(std::string("received ") + (signo == SIGINT ? "SIGINT" : "SIGTERM") + ", shutting down");
        stop();
        wait_for_signal();
    });
}

void Server::stop() {
    if (stopping_) return;
    stopping_ = true;
    if (listener_) listener_->stop();
    tick_timer_.cancel();
    hub_->shutdown();
    shutdown_deadline_ = std::chrono::steady_clock::now() + kShutdownGrace;
    poll_shutdown();
}

void Server::poll_shutdown() {
    if (hub_->connection_count() == 0 || std::chrono::steady_clock::now() >= shutdown_deadline_) {
        if (hub_->connection_count() > 0)
            log_warn(std::to_string(hub_->connection_count()) + " WebSocket(s) did not close in time");
        media_->stop();
        ioc_.stop();
        return;
    }
    shutdown_timer_.expires_after(std::chrono::milliseconds(20));
    shutdown_timer_.async_wait([this](error_code ec) {
        if (!ec) poll_shutdown();
    });
}

int Server::run() {
    for (;;) {
        try {
            ioc_.run();
            break;
        } catch (const std::exception& e) {
            // A handler threw: log it and keep serving the other clients.
            log_error(std::string("unhandled exception in the I/O loop: ") + e.what());
        }
    }
    media_->stop();  // (stopped already, unless the loop ended otherwise)
    media_->join();
    hub_->finalize();
    store_.flush();
    store_.close();
    return 0;
}

}  // namespace posemeet::server
