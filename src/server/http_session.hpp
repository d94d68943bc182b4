// One HTTP/1.1 connection: serves GET/HEAD for static files, /healthz and /api/v1/rooms,
// and hands a WebSocket upgrade on /ws over to a websocket_session. One request at a
// time (no pipelining); keep-alive connections idle for 30 s are closed.
#pragma once

#include <memory>
#include <optional>

#include "core/protocol.hpp"
#include "server/net.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class signaling_hub;

class http_session : public std::enable_shared_from_this<http_session> {
public:
    http_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config);
    void run();

private:
    using request_type = http::request<http::string_body>;

    void do_read();
    void on_read(error_code ec, std::size_t bytes);
    void handle_request(const request_type& req);
    void serve_static(const request_type& req);
    void send_json(const request_type& req, http::status status, const protocol::Json& body);
    template <class Body>
    void send(http::response<Body>&& res);
    void on_write(bool close, error_code ec, std::size_t bytes);
    void do_close();

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<void> res_;  // keeps the response alive during async_write
    signaling_hub& hub_;
    const ServerConfig& config_;
    std::string remote_;
};

}  // namespace posemeet::server
