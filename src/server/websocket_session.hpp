// One WebSocket client on /ws. Beast answers the upgrade; then the session owns the socket
// and the wire format (server/websocket_frames.hpp): it reads client frames (text = control
// request, binary = relay frame, for the hub; pings answered; the close handshake) and
// writes everything - messages, pongs, its keep-alive pings, the close frame - from one
// place, so two writers can never interleave on the socket. Writes are batched: whatever
// queued up while the loop was busy or a write was in flight goes out as one gather write;
// with --media-write-window-ms, media wait for the thread's window (media_write_window.hpp).
// Size policy: a message over max_message_bytes is skipped (the hub answers 413); one over
// the hard cap closes with 1009. Idle policy: silent for half of ws_idle_timeout_s, pinged;
// for all of it, dropped. Outgoing queue policy (server/outgoing_queue.hpp): past the cap,
// stale media, then the oldest pose, then the oldest audio give way; control is never
// dropped, and a control message that still does not fit aborts the connection (no close
// frame: the member stays for its grace period and its client resumes).
// Memory: an idle connection holds no buffers. Reads wait for the socket to be readable and
// then read into one buffer shared by every session of the thread (the frame reader keeps
// what a read leaves of a frame); a write's batch comes from a pool and goes back to it
// when the queue is empty; the idle and close deadlines are kept by SessionTimers (one timer
// for every session of the thread).
// Threads: a session lives on one media thread (server/media_threads.hpp), and everything
// here runs there; others post to it (server/signaling_hub.hpp). Its queue's figures are
// published for the hub's thread (PublishedQueueStats).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/net.hpp"
#include "server/media_write_window.hpp"
#include "server/outgoing_queue.hpp"
#include "server/published_queue_stats.hpp"
#include "server/recycling_pool.hpp"
#include "server/server_clock.hpp"
#include "server/session_timers.hpp"
#include "server/server_config.hpp"
#include "server/websocket_frames.hpp"
#include "server/websocket_write_batch.hpp"

namespace posemeet::server {

class signaling_hub;

// Privately a DeadlineLanes::Hook: SessionTimers keeps its deadline without a timer of its own.
class websocket_session : public std::enable_shared_from_this<websocket_session>,
                          public MediaWriteWindow::Writer,
                          private DeadlineLanes::Hook {
public:
    // `socket` belongs to media thread `thread`'s io_context, `timers`, `write_window` and
    // `queue_nodes` are that thread's; `placed_for`: the room hub.place_connection() placed it
    // for (released when it ends).
    websocket_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config,
                      std::shared_ptr<SessionTimers> timers, MediaWriteWindow& write_window,
                      std::pmr::memory_resource& queue_nodes, std::size_t thread, std::string placed_for);
    ~websocket_session();

    // Accepts the upgrade request the HTTP session already read.
    void run(http::request<http::string_body> upgrade_request);

    // Queues a message: control (a reply or inform, sent as text, never dropped) or relayed
    // media (binary, dropped by the queue's policy when the peer reads too slowly). `mono_ms`:
    // now (ServerClock::mono_ms()); the relay passes the time it read the packet at, one
    // clock read for all its recipients.
    void send(std::shared_ptr<const std::string> data, OutgoingKind kind,
              std::int64_t mono_ms = ServerClock::mono_ms());
    // A congestion notice due now for this receiver (OutgoingQueue::congestion_report);
    // `mono_ms` = ServerClock::mono_ms(). A notice may end the episode: the relay, which
    // thins pose to a congested reader, reads that from the published figures.
    std::optional<CongestionReport> congestion_report(std::int64_t mono_ms) {
        auto report = queue_.congestion_report(mono_ms);
        if (report) queue_stats_->publish(queue_, mono_ms);
        return report;
    }
    // The thread's write window closed: the media held for it are written.
    void write_held_media() override;
    // Readable on any thread.
    std::size_t thread() const { return thread_; }
    const std::shared_ptr<PublishedQueueStats>& queue_stats() const { return queue_stats_; }
    // Starts the closing handshake (server shutdown; a member that resumed elsewhere).
    void close(const websocket::close_reason& reason);
    // Closes once the messages queued so far are written (close() would drop them): a
    // member the operator removed reads its vcOnRemoved first. Nothing more is queued.
    void close_when_sent(const websocket::close_reason& reason);

private:
    void on_accept(error_code ec);
    // Waits until the socket has bytes to read.
    void do_read();
    // Reads what is there into the shared buffer and handles it; then waits again, or (the
    // buffer was filled: more may be waiting) reads on after the handlers already due.
    void on_readable(error_code ec);
    // One event from the frame reader.
    void handle(const WsReadEvent& event);
    // Starts a write soon (after the handlers already due: they may queue more for it).
    void schedule_write();
    // Media: into the thread's write window when there is one, else schedule_write().
    void schedule_media_write();
    void do_write();
    void on_write(error_code ec, std::size_t bytes);
    // Drops what waits and sends a close frame with `code`; then, unless `await_reply`, or
    // once the peer's close frame is in, the TCP connection is shut down.
    void start_close(std::uint16_t code, std::string_view reason, bool await_reply);
    // After the close handshake: our FIN; the read then ends at the peer's.
    void shut_down_send();
    void arm_timer(SessionTimers::Lane lane);
    // The idle tick or the close handshake's timeout fell due (SessionTimers).
    void on_deadline();
    friend class SessionTimers;
    DeadlineLanes::Hook& deadline_hook() { return *this; }
    static websocket_session& from_deadline(DeadlineLanes::Hook& hook) {
        return static_cast<websocket_session&>(hook);
    }
    // Tears the TCP connection down at once; pending operations complete with errors.
    void abort(const std::string& why);
    // The single exit: reports the end to the hub once.
    void finish(error_code ec, const char* where);

    // Only until the upgrade is answered: then its socket is moved into socket_ and the
    // stream destroyed, so Beast holds no descriptor it could write to (no ping of its own,
    // no automatic pong, no close frame): every byte on the socket after the 101 is ours.
    std::unique_ptr<websocket::stream<beast::tcp_stream>> handshake_;
    const std::size_t thread_;
    const std::string placed_for_;
    tcp::socket socket_;
    std::shared_ptr<SessionTimers> timers_;  // idle pings and timeout; close handshake timeout
    MediaWriteWindow& write_window_;          // the thread's: there while its loop runs
    signaling_hub& hub_;
    const ServerConfig& config_;
    std::string remote_;     // ip:port, for the log
    std::string client_ip_;  // what the per-address connection limit counts
    std::uint64_t id_ = 0;  // hub connection id, 0 until accepted (or when refused)

    WsFrameReader reader_;
    bool heard_ = false;            // bytes came since the last idle tick
    bool ping_outstanding_ = false;  // we pinged and have heard nothing since

    OutgoingQueue queue_;
    std::shared_ptr<PublishedQueueStats> queue_stats_ = std::make_shared<PublishedQueueStats>();
    // The write in flight (frames and the buffers handed to the socket); null when idle.
    struct PendingWrite {
        WsWriteBatch batch;
        std::vector<net::const_buffer> buffers;
    };
    std::unique_ptr<PendingWrite> write_;
    static RecyclingPool<PendingWrite>& write_pool();  // this thread's
    bool write_posted_ = false;  // schedule_write() pending
    bool held_in_window_ = false;  // the write window holds us
    bool writing_ = false;       // a write on the socket
    bool pong_due_ = false, ping_due_ = false;
    std::string pong_payload_;          // the latest ping's (older ones need no answer)
    std::optional<std::string> close_due_;  // close frame payload, to be written
    bool await_close_reply_ = true;     // after our close frame: wait for the peer's
    bool closing_ = false;              // close started (or due): nothing more is queued
    bool close_sent_ = false;           // our close frame was written
    bool send_shut_ = false;            // our FIN was sent
    // Close when the queue is written. Beast's close_reason holds its text in place (~130
    // bytes): allocated only for the few connections that get one.
    std::unique_ptr<websocket::close_reason> close_when_sent_;
    bool aborted_ = false;   // socket torn down
    bool finished_ = false;  // hub told
    bool close_frame_received_ = false;  // the peer said goodbye (a clean end)
};

}  // namespace posemeet::server
