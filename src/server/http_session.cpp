// See http_session.hpp.
#include "server/http_session.hpp"

#include <chrono>

#include "server/log.hpp"
#include "server/signaling_hub.hpp"
#include "server/static_files.hpp"
#include "server/websocket_session.hpp"

namespace posemeet::server {
namespace {
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::size_t kBodyLimit = 16 * 1024;  // we only serve GET; bodies are not expected
constexpr const char* kWebSocketPath = "/ws";

template <class Body>
void common_headers(http::response<Body>& res) {
    res.set(http::field::server, "PoseMeet");
    res.set("X-Content-Type-Options", "nosniff");
}
}  // namespace

http_session::http_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config)
    : stream_(std::move(socket)), hub_(hub), config_(config) {
    remote_ = remote_address(stream_.socket());
}

void http_session::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
}

void http_session::on_read(error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) {
        if (!is_benign_error(ec)) log_warn("http " + remote_ + ": read failed: " + ec.message());
        if (ec == http::error::body_limit || ec == http::error::header_limit) {
            // A bad request we can still answer; then close.
            http::response<http::string_body> res{http::status::payload_too_large, 11};
            common_headers(res);
            res.set(http::field::content_type, "application/json");
            res.body() = R"({"error":"request too large"})";
            res.keep_alive(false);
            res.prepare_payload();
            send(std::move(res));
        }
        return;
    }
    const request_type& req = parser_->get();
    if (websocket::is_upgrade(req)) {
        if (target_path(req.target()) == kWebSocketPath) {
            // The WebSocket takes the socket over; this session ends here.
            std::make_shared<websocket_session>(stream_.release_socket(), hub_, config_)
                ->run(parser_->release());
            return;
        }
        send_json(req, http::status::not_found,
                  {{"error", "WebSocket endpoint is " + std::string(kWebSocketPath)}});
        return;
    }
    handle_request(req);
}

void http_session::handle_request(const request_type& req) {
    if (config_.verbose) log_info("http " + remote_ + ": " + std::string(req.method_string()) + " " +
                                  std::string(req.target()));
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        send_json(req, http::status::method_not_allowed, {{"error", "only GET and HEAD are supported"}});
        return;
    }
    const std::string_view path = target_path(req.target());
    if (path == "/healthz") return send_json(req, http::status::ok, hub_.health_json());
    if (path == "/api/v1/rooms") return send_json(req, http::status::ok, hub_.rooms_json());
    if (path == kWebSocketPath)
        return send_json(req, http::status::upgrade_required, {{"error", "expected a WebSocket upgrade"}});
    if (path == "/api" || path.rfind("/api/", 0) == 0)
        return send_json(req, http::status::not_found,
                         {{"error", "not found"}, {"path", std::string(path)}});
    serve_static(req);
}

void http_session::serve_static(const request_type& req) {
    const auto resolved = resolve_static_path(config_.web_root, req.target());
    if (resolved.status == StaticStatus::BadRequest)
        return send_json(req, http::status::bad_request, {{"error", "malformed path"}});
    if (resolved.status == StaticStatus::Forbidden)
        return send_json(req, http::status::forbidden, {{"error", "forbidden path"}});

    http::file_body::value_type body;
    error_code ec;
    body.open(resolved.file.c_str(), beast::file_mode::scan, ec);
    if (ec == beast::errc::no_such_file_or_directory || ec == beast::errc::is_a_directory ||
        ec == beast::errc::not_a_directory) {
        return send_json(req, http::status::not_found,
                         {{"error", "not found"}, {"path", std::string(target_path(req.target()))}});
    }
    if (ec) {
        log_warn("http: cannot open " + resolved.file + ": " + ec.message());
        return send_json(req, http::status::internal_server_error, {{"error", "cannot read file"}});
    }
    const auto size = body.size();
    const auto mime = mime_type(resolved.file);
    const auto cache = cache_control(resolved.file);
    if (req.method() == http::verb::head) {
        http::response<http::empty_body> res{http::status::ok, req.version()};
        common_headers(res);
        res.set(http::field::content_type, mime);
        res.set(http::field::cache_control, cache);
        res.content_length(size);
        res.keep_alive(req.keep_alive());
        return send(std::move(res));
    }
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    common_headers(res);
    res.set(http::field::content_type, mime);
    res.set(http::field::cache_control, cache);
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    send(std::move(res));
}

void http_session::send_json(const request_type& req, http::status status, const protocol::Json& body) {
    http::response<http::string_body> res{status, req.version()};
    common_headers(res);
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    if (status == http::status::method_not_allowed) res.set(http::field::allow, "GET, HEAD");
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head)
        res.body() = body.dump(-1, ' ', false, protocol::Json::error_handler_t::replace);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.content_length(body.dump().size());
    send(std::move(res));
}

template <class Body>
void http_session::send(http::response<Body>&& msg) {
    auto res = std::make_shared<http::response<Body>>(std::move(msg));
    res_ = res;
    http::async_write(stream_, *res,
                      beast::bind_front_handler(&http_session::on_write, shared_from_this(), res->need_eof()));
}

void http_session::on_write(bool close, error_code ec, std::size_t) {
    res_.reset();
    if (ec) {
        if (!is_benign_error(ec)) log_warn("http " + remote_ + ": write failed: " + ec.message());
        return;
    }
    if (close) return do_close();
    do_read();
}

void http_session::do_close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace posemeet::server
