// SignalingSocket over a Boost.Beast WebSocket client (plain ws:// over TCP; no TLS).
//
// Everything runs asynchronously on the caller's io_context, which must be run by a single
// thread (no strands, no locks). Callbacks are invoked from that thread only, never from
// inside connect()/send_*()/close().
//
// Behaviour, matching the browser WebSocket the web platform wraps:
//  * connect() resolves, connects (TCP_NODELAY), does the WebSocket handshake, then calls
//    on_open. Messages sent before that are queued and flushed after on_open.
//  * Writes are queued so they never overlap; text and binary messages keep their order.
//    If the peer stops reading and more than Options::max_queued_bytes are waiting, new
//    binary (media) messages are dropped (they are unreliable anyway); text is never dropped.
//  * on_close(reason) is called exactly once per connect() on any failure or remote close,
//    including a failed connect ("connection refused", "timed out", ...), but never after
//    an explicit close().
//  * close() sends what is still queued (e.g. a vcLeaveRoom), then performs the WebSocket
//    closing handshake in the background (bounded by Options::close_timeout_s); a pending
//    connect is simply aborted. connect() may be called again right away: every connect()
//    gets a fresh connection object and the old one finishes closing on its own.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client/platform_services.hpp"

namespace boost::asio {
class io_context;
}

namespace posemeet {

// "ws://host[:port][/path]" (host may be a name, IPv4 or [IPv6]); port defaults to 80,
// path to "/". Returns nullopt and sets `error` for anything else (including wss://).
struct WsUrl {
    std::string host;    // without brackets
    std::string port;    // decimal
    std::string target;  // path + query, starts with '/'
};
std::optional<WsUrl> parse_ws_url(const std::string& url, std::string& error);

class BeastSignalingSocket final : public SignalingSocket {
public:
    struct Options {
        double connect_timeout_s = 5;    // resolve + TCP connect
        double handshake_timeout_s = 5;  // WebSocket upgrade and closing handshake
        double idle_timeout_s = 20;      // keep-alive pings; no traffic at all for this long = dead
        double close_timeout_s = 3;      // explicit close(): drain queue + closing handshake
        std::size_t max_queued_bytes = 1 << 20;
        std::size_t max_message_bytes = 4 << 20;  // larger incoming messages fail the connection
    };
    struct Stats {
        std::uint64_t messages_sent = 0, bytes_sent = 0;
        std::uint64_t messages_received = 0, bytes_received = 0;
        std::uint64_t binary_dropped = 0;  // dropped because the write queue was full
    };

    explicit BeastSignalingSocket(boost::asio::io_context& io);
    BeastSignalingSocket(boost::asio::io_context& io, Options options);
    ~BeastSignalingSocket() override;  // = close()
    BeastSignalingSocket(const BeastSignalingSocket&) = delete;
    BeastSignalingSocket& operator=(const BeastSignalingSocket&) = delete;

    void connect(const std::string& url, Handlers handlers) override;
    void send_text(const std::string& text) override;
    void send_binary(const std::uint8_t* data, std::size_t size) override;
    void close() override;

    bool is_open() const;             // handshake done and not failed/closed
    std::size_t queued_bytes() const;  // waiting in the write queue
    const Stats& stats() const { return *stats_; }  // totals over all connections

private:
    class Connection;  // one per connect(); outlives close() until its closing handshake ends
    boost::asio::io_context& io_;
    Options options_;
    std::shared_ptr<Stats> stats_;
    std::shared_ptr<Connection> conn_;
};

}  // namespace posemeet
