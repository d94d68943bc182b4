// One WebSocket of the relay load generator: connects, joins (our control protocol's
// vcJoinRoom, or the baseline relay's ?room= URL), queues its writes so they never overlap,
// and hands every binary message it receives to a callback. One thread runs them all: no locks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>

namespace posemeet::relay_load {

// Which relay is under test: it decides how a connection joins its room.
enum class RelayTarget { PoseMeet, Baseline };

struct LoadEndpoint {
    boost::asio::ip::tcp::endpoint address;
    std::string host;  // the Host header
    RelayTarget target = RelayTarget::PoseMeet;
    // Our server: name the room in the URL (/ws?room=), so that its connections share a
    // server thread. False: the server spreads them as if they named none.
    bool room_hint = true;
};

class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
  public:
    using ReadyFn = std::function<void(bool ok, const std::string& error)>;
    using BinaryFn = std::function<void(const std::uint8_t* data, std::size_t size)>;

    LoadConnection(boost::asio::io_context& io, std::string room, std::string user_name,
                   BinaryFn on_binary);
    // Connects and joins; `on_ready` is called once (joined, or why not).
    void start(const LoadEndpoint& endpoint, ReadyFn on_ready);
    // Queues one binary message; false (nothing queued) when `max_queued` already wait:
    // the relay or this generator is behind.
    bool send(std::string message, std::size_t max_queued);

  private:
    struct Outgoing {
        std::string data;
        bool binary = true;
    };
    void on_connect(boost::beast::error_code ec);
    void on_handshake(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void on_join_reply(const std::string& text);
    void enqueue(Outgoing message);
    void do_write();
    void on_write(boost::beast::error_code ec, std::size_t bytes);
    void report_ready(bool ok, const std::string& error);

    boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
    boost::beast::flat_buffer buffer_;
    std::deque<Outgoing> queue_;
    std::string room_, user_name_;
    LoadEndpoint endpoint_;
    BinaryFn on_binary_;
    ReadyFn on_ready_;  // empty once called
};

}  // namespace posemeet::relay_load
