// See media_threads.hpp.
#include "server/media_threads.hpp"

#include <algorithm>
#include <exception>
#include <string>

#include <pthread.h>

#include "server/log.hpp"

namespace posemeet::server {
namespace {
constexpr std::size_t kNotMediaThread = static_cast<std::size_t>(-1);
thread_local std::size_t t_media_thread = kNotMediaThread;
}  // namespace

MediaThreads::Lane::Lane(const ServerConfig& config)
    : work(net::make_work_guard(ioc)),
      timers(std::make_shared<SessionTimers>(ioc.get_executor(), config)),
      write_window(std::make_unique<MediaWriteWindow>(
          ioc.get_executor(), std::chrono::milliseconds(config.media_write_window_ms))) {}

MediaThreads::MediaThreads(std::size_t count, const ServerConfig& config) {
    for (std::size_t i = 0; i < std::max<std::size_t>(count, 1); ++i) lanes_.push_back(std::make_unique<Lane>(config));
}

MediaThreads::~MediaThreads() {
    stop();
    join();
}

std::size_t MediaThreads::resolve(int threads) {
    if (threads > 0) return static_cast<std::size_t>(threads);
    const unsigned cores = std::thread::hardware_concurrency();
    return cores > 0 ? cores : 1;
}

void MediaThreads::start() {
    for (std::size_t i = 0; i < lanes_.size(); ++i) {
        Lane& lane = *lanes_[i];
        lane.thread = std::thread([&lane, i] {
            t_media_thread = i;
            // As top and /proc show it (at most 15 characters).
            pthread_setname_np(pthread_self(), ("pm-media-" + std::to_string(i)).c_str());
            for (;;) {
                try {
                    lane.ioc.run();
                    return;
                } catch (const std::exception& e) {
                    // A handler threw: log it and keep serving the other clients.
                    log_error("unhandled exception on media thread " + std::to_string(i) + ": " + e.what());
                }
            }
        });
    }
}

void MediaThreads::stop() {
    for (auto& lane : lanes_) {
        lane->work.reset();
        lane->ioc.stop();
    }
}

void MediaThreads::join() {
    for (auto& lane : lanes_)
        if (lane->thread.joinable()) lane->thread.join();
}

std::optional<std::size_t> MediaThreads::current() {
    if (t_media_thread == kNotMediaThread) return std::nullopt;
    return t_media_thread;
}

}  // namespace posemeet::server
