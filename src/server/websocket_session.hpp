// One WebSocket client on /ws. Reads whole messages (text = control request, binary =
// relay frame) and hands them to the hub; writes go through a queue so that at most one
// async_write is ever in flight. Size policy: a message over max_message_bytes is read
// and discarded (the hub answers 413); one over the hard cap is closed with 1009.
// Outgoing queue policy (server/outgoing_queue.hpp): past the cap, stale media, then the
// oldest pose, then the oldest audio give way; control is never dropped, and a control
// message that still does not fit aborts the connection (no close frame: the member stays
// for its grace period and its client resumes), the client being too slow to keep up.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "server/net.hpp"
#include "server/outgoing_queue.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class signaling_hub;

class websocket_session : public std::enable_shared_from_this<websocket_session> {
public:
    websocket_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config);
    ~websocket_session();

    // Accepts the upgrade request the HTTP session already read.
    void run(http::request<http::string_body> upgrade_request);

    // Queues a message: control (a reply or inform, sent as text, never dropped) or relayed
    // media (binary, dropped by the queue's policy when the peer reads too slowly).
    void send(std::shared_ptr<const std::string> data, OutgoingKind kind);
    // A congestion notice due now for this receiver (OutgoingQueue::congestion_report);
    // `mono_ms` = ServerClock::mono_ms().
    std::optional<CongestionReport> congestion_report(std::int64_t mono_ms) {
        return queue_.congestion_report(mono_ms);
    }
    const OutgoingQueue& outgoing() const { return queue_; }
    // Starts the closing handshake (server shutdown; a member that resumed elsewhere).
    void close(const websocket::close_reason& reason);
    // Closes once the messages queued so far are written (close() would drop them): a
    // member the operator removed reads its vcOnRemoved first. Nothing more is queued.
    void close_when_sent(const websocket::close_reason& reason);

private:
    void on_accept(error_code ec);
    void do_read();
    void on_read(error_code ec, std::size_t bytes);
    void do_write();
    void on_write(error_code ec, std::size_t bytes);
    void on_close(error_code ec);
    // Tears the TCP connection down at once; pending operations complete with errors.
    void abort(const std::string& why);
    // The single exit: reports the end to the hub once.
    void finish(error_code ec, const char* where);

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    signaling_hub& hub_;
    const ServerConfig& config_;
    std::string remote_;     // ip:port, for the log
    std::string client_ip_;  // what the per-address connection limit counts
    std::uint64_t id_ = 0;  // hub connection id, 0 until accepted (or when refused)

    OutgoingQueue queue_;
    bool closing_ = false;   // close handshake started
    std::optional<websocket::close_reason> close_when_sent_;  // close when the queue is written
    bool aborted_ = false;   // socket torn down
    bool finished_ = false;  // hub told
    bool close_frame_received_ = false;  // the peer said goodbye (a clean end)
    bool discarding_ = false;  // reading past an oversized message
    std::size_t message_bytes_ = 0;  // size of the message being read
};

}  // namespace posemeet::server
