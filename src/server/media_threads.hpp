// The threads that carry the WebSockets (issue 13): each runs an io_context of its own with
// the sessions placed on it (core/room_placement.hpp: a room's connections share a thread):
// their reads, their control messages, the relaying of their media and their writes. The
// hub's thread (HTTP, the tick, webhooks) is the Server's own. A session knows its thread's
// index; others post to it there (server/signaling_hub.hpp says what crosses threads, how).
#pragma once

#include <cstddef>
#include <memory>
#include <memory_resource>
#include <optional>
#include <thread>
#include <vector>

#include "server/net.hpp"
#include "server/media_write_window.hpp"
#include "server/server_config.hpp"
#include "server/session_timers.hpp"

namespace posemeet::server {

class MediaThreads {
public:
    // `count` threads (0 = one per core); not started yet.
    MediaThreads(std::size_t count, const ServerConfig& config);
    MediaThreads(const MediaThreads&) = delete;
    MediaThreads& operator=(const MediaThreads&) = delete;
    ~MediaThreads();

    void start();
    // Ends the threads' loops (at shutdown, once the sessions closed or their time is up).
    void stop();
    void join();

    std::size_t count() const { return lanes_.size(); }
    net::io_context& context(std::size_t i) { return lanes_[i]->ioc; }
    net::io_context::executor_type executor(std::size_t i) { return lanes_[i]->ioc.get_executor(); }
    // The deadlines of the sessions of thread `i` (one timer per thread).
    const std::shared_ptr<SessionTimers>& timers(std::size_t i) { return lanes_[i]->timers; }
    // Where the sessions of thread `i` hold media back (--media-write-window-ms).
    MediaWriteWindow& write_window(std::size_t i) { return *lanes_[i]->write_window; }
    // Where the sessions of thread `i` allocate their outgoing queues' entries (a pool of
    // that thread's alone: no lock).
    std::pmr::memory_resource& queue_nodes(std::size_t i) { return lanes_[i]->queue_nodes; }

    // The index of the media thread running the caller, if it is one.
    static std::optional<std::size_t> current();

    // What `threads` (--threads) means on this machine.
    static std::size_t resolve(int threads);

private:
    struct Lane {
        explicit Lane(const ServerConfig& config);
        // Before the io_context: the sessions destroyed with it (the handlers that still
        // held them) give their queues' entries back to it.
        std::pmr::unsynchronized_pool_resource queue_nodes;
        net::io_context ioc{1};
        std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
        std::shared_ptr<SessionTimers> timers;
        // After the io_context: its timer goes first. Sessions it still holds at the end go
        // with it, while the hub is still there (the Server destroys the threads first).
        std::unique_ptr<MediaWriteWindow> write_window;
        std::thread thread;
    };
    std::vector<std::unique_ptr<Lane>> lanes_;
};

}  // namespace posemeet::server
