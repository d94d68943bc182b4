// One WebSocket client on /ws. Reads whole messages (text = control request, binary =
// relay frame) and hands them to the hub; writes go through a queue so that at most one
// async_write is ever in flight. Size policy: a message over max_message_bytes is read
// and discarded (the hub answers 413); one over the hard cap is closed with 1009.
// Outgoing queue policy: past the cap, media is dropped first; a control message that
// still does not fit closes the connection (the client is too slow to keep up).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "server/net.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class signaling_hub;

class websocket_session : public std::enable_shared_from_this<websocket_session> {
public:
    websocket_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config);
    ~websocket_session();

    // Accepts the upgrade request the HTTP session already read.
    void run(http::request<http::string_body> upgrade_request);

    // Queues a message. `control` = reply/inform (kept when media is dropped).
    void send(std::shared_ptr<const std::string> data, bool binary, bool control);
    // Starts the closing handshake (server shutdown; a member that resumed elsewhere).
    void close(const websocket::close_reason& reason);

private:
    struct Outgoing {
        std::shared_ptr<const std::string> data;
        bool binary = false;
        bool control = false;
    };

    void on_accept(error_code ec);
    void do_read();
    void on_read(error_code ec, std::size_t bytes);
    void do_write();
    void on_write(error_code ec, std::size_t bytes);
    void on_close(error_code ec);
    bool fits(std::size_t size) const;
    void drop_queued_media();
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

    std::deque<Outgoing> queue_;  // front is being written while writing_
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    bool closing_ = false;   // close handshake started
    bool aborted_ = false;   // socket torn down
    bool finished_ = false;  // hub told
    bool close_frame_received_ = false;  // the peer said goodbye (a clean end)
    bool discarding_ = false;  // reading past an oversized message
    std::size_t message_bytes_ = 0;  // size of the message being read
    std::uint64_t media_dropped_ = 0;
};

}  // namespace posemeet::server
