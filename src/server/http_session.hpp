// One HTTP/1.1 connection: serves GET/HEAD for static files, /healthz and /api/v1/rooms,
// the HTTP form of the control API (POST /api/v1/rts/message, long-poll
// GET /api/v1/rts/events), LiveKit's RoomService for operators (POST /twirp/...), the audit log
// (GET /api/v1/audit), and hands a WebSocket upgrade on /ws over to a
// websocket_session. One request at a time (no pipelining); keep-alive connections idle
// for 30 s are closed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/control_service.hpp"
#include "core/protocol.hpp"
#include "server/net.hpp"
#include "server/server_config.hpp"

namespace posemeet::server {

class signaling_hub;
class MediaThreads;

class http_session : public std::enable_shared_from_this<http_session> {
public:
    // `media`: the threads the WebSocket an upgrade becomes goes to.
    http_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config,
                 MediaThreads& media);
    void run();

private:
    using request_type = http::request<http::string_body>;

    void do_read();
    void on_read(error_code ec, std::size_t bytes);
    void handle_request(const request_type& req);
    // A WebSocket upgrade on /ws: the socket goes to a media thread, to a websocket_session.
    void hand_over_websocket(request_type upgrade);
    void serve_static(const request_type& req);
    // /api/v1/rts/message and /api/v1/rts/events (with CORS, for front ends elsewhere).
    void serve_rts(const request_type& req, std::string_view path);
    void serve_events(const request_type& req);
    // POST /twirp/livekit.RoomService/<Method> (server/room_service_api.hpp).
    void serve_room_service(const request_type& req, std::string_view path);
    // /api/v1/rooms/{room}/invitations and /api/v1/invitations/decline (invitations_api.hpp).
    void serve_invitations(const request_type& req, std::string_view path);
    // GET /api/v1/dev/token?room=&identity=&name= (development mode, loopback only).
    void serve_dev_token(const request_type& req);
    // GET /metrics: Prometheus' text format (server_status.hpp).
    // GET /api/v1/audit (server/audit_endpoint.hpp).
    void serve_audit(const request_type& req);
    void serve_metrics(const request_type& req);
    // Answers the long-poll being held (generation `gen`), with whatever is queued now.
    void finish_poll(std::uint64_t gen);
    void send_json(const request_type& req, http::status status, const protocol::Json& body, bool cors = false);
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
    MediaThreads& media_;
    std::string remote_;
    std::string client_;  // peer IP address: the rate-limit key of anonymous API requests
    bool loopback_ = false;  // the peer is this machine

    // The long-poll being held, if any.
    struct HeldPoll {
        PollRequest query;
        std::uint64_t waiter = 0;
    };
    std::optional<HeldPoll> poll_;
    std::uint64_t poll_gen_ = 0;
    net::steady_timer poll_timer_;
};

}  // namespace posemeet::server
