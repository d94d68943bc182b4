// See websocket_session.hpp.
#include "server/websocket_session.hpp"

#include "server/log.hpp"
#include "server/server_clock.hpp"
#include "server/signaling_hub.hpp"

namespace posemeet::server {
namespace {
constexpr std::size_t kReadChunk = 16 * 1024;

OutgoingLimits outgoing_limits(const ServerConfig& c) {
    OutgoingLimits l;
    l.max_messages = c.queue_max_messages;
    l.max_bytes = c.queue_max_bytes;
    return l;
}
}  // namespace

websocket_session::websocket_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config)
    : ws_(std::move(socket)), hub_(hub), config_(config), queue_(outgoing_limits(config)) {
    remote_ = remote_address(beast::get_lowest_layer(ws_).socket());
    client_ip_ = remote_ip(beast::get_lowest_layer(ws_).socket());
}

websocket_session::~websocket_session() {
    const DropCounts& d = queue_.dropped();
    if (d.total() > 0)
        log_info("ws " + remote_ + ": dropped for a slow receiver: " + std::to_string(d.pose) +
                 " pose, " + std::to_string(d.pose_ack) + " pose ack, " + std::to_string(d.audio) +
                 " audio packet(s) (" + std::to_string(d.stale) + " stale)");
}

void websocket_session::run(http::request<http::string_body> upgrade_request) {
    // The WebSocket stream has its own timeouts; the TCP stream's would cut it off.
    beast::get_lowest_layer(ws_).expires_never();

    auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
    timeouts.handshake_timeout = std::chrono::seconds(10);
    // A peer that sends nothing for half of this is pinged; silent for all of it, dropped.
    timeouts.idle_timeout = std::chrono::seconds(config_.ws_idle_timeout_s);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "PoseMeet"); }));
    // Last-resort backstop only; the limits are enforced in on_read (413, then 1009).
    ws_.read_message_max(config_.hard_message_limit() * 16);
    ws_.auto_fragment(false);
    // Remember a close frame from the peer: browsers send one (1001) when a tab closes or
    // navigates away, but often reset the TCP connection before our answering close frame
    // is written, and then the read fails with that write's error instead of error::closed.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::close) close_frame_received_ = true;
    });

    ws_.async_accept(upgrade_request,
                     beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(error_code ec) {
    if (ec) {
        if (!is_benign_error(ec)) log_warn("ws " + remote_ + ": handshake failed: " + ec.message());
        return;
    }
    if (config_.verbose) log_info("ws " + remote_ + ": connected");
    id_ = hub_.attach(shared_from_this(), client_ip_);
    // Refused (over a connection limit): the hub has started the close; reading on
    // completes the close handshake and then ends the session.
    do_read();
}

void websocket_session::do_read() {
    ws_.async_read_some(buffer_, kReadChunk,
                        beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(error_code ec, std::size_t bytes) {
    if (ec) {
        if (ec == websocket::error::message_too_big)
            log_warn("ws " + remote_ + ": frame over " + std::to_string(ws_.read_message_max()) +
                     " bytes, connection dropped");
        finish(ec, "read");
        return;
    }
    message_bytes_ += bytes;
    if (message_bytes_ > config_.hard_message_limit()) {
        // Not worth reading on: close with 1009. Beast's close drains the rest of the
        // message (bounded by the close timeout) so the peer does see the close frame;
        // failing the read through read_message_max instead resets the TCP connection
        // while data is still in flight (Boost 1.74 teardown) and the peer sees 1006.
        if (!closing_) {
            log_warn("ws " + remote_ + ": message over " + std::to_string(config_.hard_message_limit()) +
                     " bytes, closing with 1009");
            close(websocket::close_code::too_big);
        }
        buffer_.consume(buffer_.size());
        do_read();  // completes with an error once the close is done
        return;
    }
    if (!discarding_ && buffer_.size() > config_.max_message_bytes) discarding_ = true;
    if (discarding_) buffer_.consume(buffer_.size());
    if (!ws_.is_message_done()) {
        do_read();
        return;
    }

    const bool binary = ws_.got_binary();
    if (discarding_) {
        hub_.on_oversized(id_, binary, message_bytes_);
    } else if (binary) {
        hub_.on_binary(id_, static_cast<const std::uint8_t*>(buffer_.data().data()), buffer_.size());
    } else {
        hub_.on_text(id_, std::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size()));
    }
    buffer_.consume(buffer_.size());
    discarding_ = false;
    message_bytes_ = 0;
    if (buffer_.capacity() > 2 * kReadChunk) buffer_.shrink_to_fit();  // after a large message
    if (aborted_) {  // the hub closed us while handling the message (queue overflow)
        finish(net::error::operation_aborted, "read");
        return;
    }
    do_read();
}

void websocket_session::send(std::shared_ptr<const std::string> data, OutgoingKind kind) {
    if (!id_ || closing_ || close_when_sent_ || aborted_ || finished_ || !data) return;
    const bool dropped_before = queue_.dropped().total() > 0;
    switch (queue_.push(std::move(data), kind, ServerClock::mono_ms())) {
        case OutgoingQueue::PushResult::Overflow:
            abort("outgoing queue overflow (" + std::to_string(queue_.messages()) + " messages, " +
                  std::to_string(queue_.bytes()) + " bytes): client too slow");
            return;
        case OutgoingQueue::PushResult::Dropped:
        case OutgoingQueue::PushResult::Queued: break;
    }
    if (!dropped_before && queue_.dropped().total() > 0)
        log_info("ws " + remote_ + ": outgoing queue full, dropping media (pose first)");
    if (!queue_.writing()) do_write();
}

void websocket_session::do_write() {
    const OutgoingQueue::Item* next = queue_.start_write();
    if (!next) {
        if (close_when_sent_) close(*close_when_sent_);
        return;
    }
    ws_.binary(next->binary());
    ws_.async_write(net::buffer(*next->data),
                    beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(error_code ec, std::size_t) {
    queue_.written();
    if (ec || finished_) {
        if (ec && !is_benign_error(ec)) log_warn("ws " + remote_ + ": write failed: " + ec.message());
        abort({});
        queue_.clear();
        return;
    }
    if (closing_ || aborted_) return;
    do_write();
}

void websocket_session::close(const websocket::close_reason& reason) {
    if (closing_ || aborted_ || finished_) return;
    closing_ = true;
    // Beast lets a close wait for an in-flight write; queued messages are dropped.
    ws_.async_close(reason, beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
}

void websocket_session::close_when_sent(const websocket::close_reason& reason) {
    if (closing_ || close_when_sent_ || aborted_ || finished_) return;
    close_when_sent_ = reason;
    if (!queue_.writing()) do_write();  // nothing in flight: closes now
}

void websocket_session::on_close(error_code ec) {
    if (ec && !is_benign_error(ec)) log_warn("ws " + remote_ + ": close failed: " + ec.message());
    // The pending read completes with an error next and reports the end.
}

void websocket_session::abort(const std::string& why) {
    if (aborted_) return;
    aborted_ = true;
    if (!why.empty()) log_warn("ws " + remote_ + ": closing: " + why);
    error_code ignored;
    auto& socket = beast::get_lowest_layer(ws_).socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
    // The outstanding read fails with operation_aborted and calls finish().
}

void websocket_session::finish(error_code ec, const char* where) {
    if (finished_) return;
    finished_ = true;
    if (ec == beast::error::timeout) {
        log_info("ws " + remote_ + ": no traffic for " + std::to_string(config_.ws_idle_timeout_s) +
                 " s, dropped");
    } else if (!is_benign_error(ec) && ec != websocket::error::message_too_big) {
        log_warn("ws " + remote_ + ": " + where + " failed: " + ec.message());
    } else if (config_.verbose) {
        log_info("ws " + remote_ + ": disconnected (" + ec.message() + ")");
    }
    // Only a close frame (error::closed) is a clean end: the client meant to go. A reset,
    // EOF without a close frame, a timeout or our own abort keep the member for its grace
    // period so that it can resume.
    hub_.detach(id_, ec == websocket::error::closed || close_frame_received_);
    // Make sure nothing lingers (a pending write to a half-open peer, for instance); the
    // in-flight write (if any) keeps its buffer until on_write.
    abort({});
    queue_.clear();
}

}  // namespace posemeet::server
