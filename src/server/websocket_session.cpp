// See websocket_session.hpp.
#include "server/websocket_session.hpp"

#include "server/log.hpp"
#include "server/signaling_hub.hpp"

namespace posemeet::server {
namespace {
// The most one read takes: the buffer every session of the thread reads into.
constexpr std::size_t kReadChunk = 16 * 1024;
// Write batches kept for reuse (each up to WsWriteBatch's own cap): shared by all sessions.
constexpr std::size_t kKeptWriteBatches = 32;
// Bounds what one write takes out of the queue (out of reach of the drop policy until done).
constexpr std::size_t kMaxBatchBytes = 64 * 1024;

// A read is handled to the end before the next one starts (one per thread), and what the
// frame reader needs of a frame that goes on in the next read it copies: the bytes can be
// overwritten by any session's next read.
std::uint8_t* shared_read_buffer() {
    thread_local std::vector<std::uint8_t> buffer(kReadChunk);
    return buffer.data();
}

OutgoingLimits outgoing_limits(const ServerConfig& c) {
    OutgoingLimits l;
    l.max_messages = c.queue_max_messages;
    l.max_bytes = c.queue_max_bytes;
    return l;
}
}  // namespace

websocket_session::websocket_session(tcp::socket&& socket, signaling_hub& hub,
                                     const ServerConfig& config,
                                     std::shared_ptr<SessionTimers> timers,
                                     MediaWriteWindow& write_window,
                                     std::pmr::memory_resource& queue_nodes, std::size_t thread,
                                     std::string placed_for)
    : thread_(thread),
      placed_for_(std::move(placed_for)),
      socket_(socket.get_executor()),
      timers_(std::move(timers)),
      write_window_(write_window),
      hub_(hub),
      config_(config),
      reader_(config.max_message_bytes, config.hard_message_limit()),
      queue_(outgoing_limits(config), &queue_nodes) {
    remote_ = remote_address(socket);
    client_ip_ = remote_ip(socket);
    handshake_ = std::make_unique<websocket::stream<beast::tcp_stream>>(std::move(socket));
}

websocket_session::~websocket_session() {
    timers_->cancel(*this);  // only still armed when the I/O loop is torn down with us in it
    hub_.release_placement(placed_for_, thread_);
    const DropCounts& d = queue_.dropped();
    if (d.total() > 0)
        log_info("ws " + remote_ + ": dropped for a slow receiver: " + std::to_string(d.pose) +
                 " pose, " + std::to_string(d.pose_ack) + " pose ack, " + std::to_string(d.audio) +
                 " audio packet(s) (" + std::to_string(d.stale) + " stale)");
}

// [SECTION] handshake (Beast's)

void websocket_session::run(http::request<http::string_body> upgrade_request) {
    // The WebSocket stream has its own timeouts; the TCP stream's would cut it off.
    beast::get_lowest_layer(*handshake_).expires_never();
    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = kCloseHandshakeTimeout;
    // Beast writes nothing after the upgrade: idle pings are ours (on_deadline).
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    handshake_->set_option(timeouts);
    handshake_->set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "PoseMeet"); }));
    handshake_->async_accept(upgrade_request,
                             beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(error_code ec) {
    if (ec) {
        if (!is_benign_error(ec)) log_warn("ws " + remote_ + ": handshake failed: " + ec.message());
        return;
    }
    // The upgrade is answered (no permessage-deflate: Beast's default is off, so no frame
    // uses the reserved bits). From here on the socket is ours alone.
    socket_ = std::move(beast::get_lowest_layer(*handshake_).socket());
    net::post(socket_.get_executor(), [self = shared_from_this()] { self->handshake_.reset(); });
    if (config_.verbose) log_info("ws " + remote_ + ": connected");
    error_code ignored;
    socket_.non_blocking(true, ignored);  // on_readable's read_some returns what is there
    arm_timer(SessionTimers::kIdleTick);
    id_ = hub_.attach(shared_from_this(), client_ip_);
    // Refused (over a connection limit): the hub has started the close; reading on
    // completes the close handshake and then ends the session.
    do_read();
}

// [SECTION] reading

void websocket_session::do_read() {
    // Asio's reactor is edge-triggered: this wait ends on bytes that arrive after the last
    // read, so it is only started once a read took everything there was (a short read).
    socket_.async_wait(tcp::socket::wait_read,
                       beast::bind_front_handler(&websocket_session::on_readable,
                                                 shared_from_this()));
}

void websocket_session::on_readable(error_code ec) {
    if (!ec && (aborted_ || finished_)) ec = net::error::operation_aborted;  // a read posted before
    std::uint8_t* buffer = shared_read_buffer();
    std::size_t bytes = 0;
    if (!ec) bytes = socket_.read_some(net::buffer(buffer, kReadChunk), ec);
    if (ec == net::error::would_block) {  // nothing after all
        do_read();
        return;
    }
    if (ec) {
        finish(ec, "read");
        return;
    }
    heard_ = true;
    std::size_t at = 0;
    while (at < bytes && !aborted_ && !finished_) {
        WsReadEvent event;
        at += reader_.read(buffer + at, bytes - at, event);
        if (event.kind == WsReadEvent::Kind::None) break;
        handle(event);
    }
    if (aborted_) {  // the hub closed us while handling a message (queue overflow)
        finish(net::error::operation_aborted, "read");
        return;
    }
    if (bytes < kReadChunk) {
        do_read();
        return;
    }
    // The buffer is full: more may be waiting, with no new edge to wake a wait. Read on
    // after the handlers already due, as a completed read would.
    net::post(socket_.get_executor(), beast::bind_front_handler(&websocket_session::on_readable,
                                                                shared_from_this(), error_code{}));
}

void websocket_session::handle(const WsReadEvent& event) {
    using Kind = WsReadEvent::Kind;
    switch (event.kind) {
        case Kind::Text:
            if (!closing_) hub_.on_text(id_, event.text());
            break;
        case Kind::Binary:
            if (!closing_) hub_.on_binary(id_, *this, event.data, event.size);
            break;
        case Kind::Oversized:
            if (!closing_) hub_.on_oversized(id_, *this, event.binary, event.message_size);
            break;
        case Kind::TooBig:
            // Not worth reading on: close with 1009 and skip the rest of it while waiting for
            // the peer's close frame (cutting the connection with data in flight would reset
            // it, and the peer would see 1006 instead).
            if (!closing_)
                log_warn("ws " + remote_ + ": message over " + std::to_string(config_.hard_message_limit()) +
                         " bytes, closing with 1009");
            start_close(ws_close::kTooBig, "", true);
            break;
        case Kind::Ping:
            if (closing_) break;
            pong_payload_.assign(reinterpret_cast<const char*>(event.data), event.size);
            pong_due_ = true;
            schedule_write();
            break;
        case Kind::Pong: break;  // heard_ is all it means
        case Kind::Close:
            close_frame_received_ = true;
            if (close_sent_) shut_down_send();  // the handshake is complete
            else if (!closing_)  // answer with the same code
                start_close(event.close_code, "", false);
            else
                await_close_reply_ = false;  // ours is queued: the peer's answer is in
            break;
        case Kind::Error:
            log_warn("ws " + remote_ + ": " + event.error + ", closing with " + std::to_string(event.close_code));
            start_close(event.close_code, "", false);
            break;
        case Kind::None: break;
    }
}

// [SECTION] writing

void websocket_session::send(std::shared_ptr<const std::string> data, OutgoingKind kind, std::int64_t mono) {
    if (!id_ || closing_ || close_when_sent_ || aborted_ || finished_ || !data) return;
    const bool dropped_before = queue_.dropped().total() > 0;
    switch (queue_.push(std::move(data), kind, mono)) {
        case OutgoingQueue::PushResult::Overflow:
            abort("outgoing queue overflow (" + std::to_string(queue_.messages()) + " messages, " +
                  std::to_string(queue_.bytes()) + " bytes): client too slow");
            return;
        case OutgoingQueue::PushResult::Dropped:
        case OutgoingQueue::PushResult::Queued: break;
    }
    if (!dropped_before && queue_.dropped().total() > 0)
        log_info("ws " + remote_ + ": outgoing queue full, dropping media (pose first)");
    queue_stats_->publish(queue_, mono);
    // A reply or inform leaves now if the socket is free: the write's own post would queue it
    // behind everything else this thread has due (a second time, when it came by a post from
    // another thread). It takes any media held for the write window along. Media wait for
    // that post, which batches them, or for the window.
    if (kind == OutgoingKind::Control) {
        if (!writing_ && !write_posted_) do_write();
        else schedule_write();
        return;
    }
    schedule_media_write();
}

void websocket_session::schedule_media_write() {
    if (!write_window_.enabled()) {
        schedule_write();
        return;
    }
    if (writing_ || held_in_window_ || aborted_ || finished_) return;  // on_write takes them
    held_in_window_ = true;
    write_window_.hold(shared_from_this());
}

void websocket_session::write_held_media() {
    held_in_window_ = false;
    do_write();
}

void websocket_session::schedule_write() {
    if (writing_ || write_posted_ || aborted_ || finished_) return;
    // Posted, not written now: the messages that the handlers already due (reads of other
    // members' packets) queue for this socket go out in the same write.
    write_posted_ = true;
    net::post(socket_.get_executor(), [self = shared_from_this()] {
        self->write_posted_ = false;
        self->do_write();
    });
}

RecyclingPool<websocket_session::PendingWrite>& websocket_session::write_pool() {
    thread_local RecyclingPool<PendingWrite> pool(kKeptWriteBatches);
    return pool;
}

void websocket_session::do_write() {
    if (writing_ || aborted_ || finished_ || close_sent_) return;
    if (close_when_sent_ && !closing_ && queue_.messages() == 0)
        start_close(static_cast<std::uint16_t>(close_when_sent_->code), close_when_sent_->reason, true);
    if (!write_) write_ = write_pool().take();
    WsWriteBatch& batch = write_->batch;
    batch.clear();
    if (pong_due_) batch.add_frame(encode_ws_frame(WsOpcode::Pong, pong_payload_));
    if (ping_due_) batch.add_frame(encode_ws_frame(WsOpcode::Ping, {}));
    pong_due_ = ping_due_ = false;
    const std::size_t messages = queue_.start_batch(kMaxBatchBytes);
    if (messages > 0)
        for (const auto& item : queue_.in_flight())
            batch.add_message(item.binary() ? WsOpcode::Binary : WsOpcode::Text, *item.data);
    if (close_due_) {
        batch.add_frame(encode_ws_frame(WsOpcode::Close, *close_due_));
        close_due_.reset();
        close_sent_ = true;
    }
    if (batch.empty()) {  // idle: the batch's memory serves whichever session writes next
        write_pool().give_back(std::move(write_));
        return;
    }
    std::vector<net::const_buffer>& buffers = write_->buffers;
    buffers.clear();
    for (const auto& span : batch.spans()) buffers.emplace_back(span.data, span.size);
    write_window_.count_write(messages);
    writing_ = true;
    net::async_write(socket_, buffers,
                     beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(error_code ec, std::size_t) {
    writing_ = false;
    queue_.written();
    queue_stats_->publish(queue_, ServerClock::mono_ms());
    if (ec || finished_) {
        if (ec && !is_benign_error(ec)) log_warn("ws " + remote_ + ": write failed: " + ec.message());
        abort({});
        queue_.clear();
        return;
    }
    if (aborted_) return;
    if (close_sent_) {
        if (close_frame_received_ || !await_close_reply_) shut_down_send();
        return;
    }
    do_write();  // what queued during this write
}

// [SECTION] closing

void websocket_session::start_close(std::uint16_t code, std::string_view reason, bool await_reply) {
    if (closing_ || aborted_ || finished_) return;
    closing_ = true;
    await_close_reply_ = await_reply;
    queue_.clear();  // what waits is dropped; a write in flight finishes first
    pong_due_ = false;
    close_due_ = code == ws_close::kNoStatus ? std::string() : ws_close_payload(code, reason);
    arm_timer(SessionTimers::kCloseHandshake);  // the peer has this long to answer
    schedule_write();
}

void websocket_session::close(const websocket::close_reason& reason) {
    start_close(static_cast<std::uint16_t>(reason.code), reason.reason, true);
}

void websocket_session::close_when_sent(const websocket::close_reason& reason) {
    if (closing_ || close_when_sent_ || aborted_ || finished_) return;
    close_when_sent_ = std::make_unique<websocket::close_reason>(reason);
    schedule_write();  // nothing queued: closes now
}

void websocket_session::shut_down_send() {
    if (send_shut_ || aborted_) return;
    send_shut_ = true;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    // The read goes on (the reader ignores what follows a close) until the peer's FIN.
}

// [SECTION] timers and the end

void websocket_session::arm_timer(SessionTimers::Lane lane) {
    timers_->arm(*this, lane);  // replaces what was armed
}

void websocket_session::on_deadline() {
    if (finished_ || aborted_) return;
    const auto self = shared_from_this();  // whatever the handling below lets go of
    if (closing_) {  // no answer to our close frame (or no FIN after it) in time
        abort({});
        return;
    }
    if (heard_) {
        heard_ = ping_outstanding_ = false;
    } else if (!ping_outstanding_) {
        ping_outstanding_ = true;
        ping_due_ = true;
        schedule_write();
    } else {
        finish(beast::error::timeout, "read");
        return;
    }
    arm_timer(SessionTimers::kIdleTick);
}

void websocket_session::abort(const std::string& why) {
    if (aborted_) return;
    aborted_ = true;
    if (!why.empty()) log_warn("ws " + remote_ + ": closing: " + why);
    timers_->cancel(*this);
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    // The outstanding read fails with operation_aborted and calls finish().
}

void websocket_session::finish(error_code ec, const char* where) {
    if (finished_) return;
    finished_ = true;
    if (ec == beast::error::timeout) {
        log_info("ws " + remote_ + ": no traffic for " + std::to_string(config_.ws_idle_timeout_s) +
                 " s, dropped");
    } else if (!is_benign_error(ec)) {
        log_warn("ws " + remote_ + ": " + where + " failed: " + ec.message());
    } else if (config_.verbose) {
        log_info("ws " + remote_ + ": disconnected (" + ec.message() + ")");
    }
    // Only a close frame is a clean end: the client meant to go. A reset, EOF without a
    // close frame, a timeout or our own abort keep the member for its grace period so that
    // it can resume.
    if (id_) hub_.detach(id_, close_frame_received_, queue_.dropped());
    // Make sure nothing lingers (a pending write to a half-open peer, for instance); the
    // in-flight write (if any) keeps its buffers until on_write.
    abort({});
    queue_.clear();
}

}  // namespace posemeet::server
