// See http_session.hpp.
#include "server/http_session.hpp"

#include <charconv>
#include <chrono>
#include <filesystem>

#include <unistd.h>

#include "server/access_keys.hpp"
#include "server/log.hpp"
#include "server/media_threads.hpp"
#include "server/prometheus_text.hpp"
#include "server/signaling_hub.hpp"
#include "server/static_files.hpp"
#include "server/websocket_session.hpp"

namespace posemeet::server {
namespace {
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr const char* kWebSocketPath = "/ws";
constexpr std::string_view kMessagePath = "/api/v1/rts/message";
constexpr std::string_view kEventsPath = "/api/v1/rts/events";
constexpr std::string_view kDevTokenPath = "/api/v1/dev/token";

// `target`: the request's, which picks the Content-Security-Policy (see static_files.hpp).
template <class Body>
void common_headers(http::response<Body>& res, std::string_view target = "/") {
    res.set(http::field::server, "PoseMeet");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Content-Security-Policy", content_security_policy(target));
}

// The HTTP form's {code, message, data} body for errors found before the hub sees a request.
protocol::Json api_error(protocol::ErrorCode code, const std::string& message) {
    return protocol::Json{{"code", static_cast<int>(code)},
                          {"message", message.empty() ? protocol::default_message(code) : message},
                          {"data", protocol::Json::object()}};
}

// Splits a query string "a=1&b=x%20y" into decoded pairs; false on a malformed escape.
// '+' is a space (application/x-www-form-urlencoded, as URLSearchParams writes it).
bool parse_query(std::string_view target, std::vector<std::pair<std::string, std::string>>& out) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) return true;
    std::string_view rest = target.substr(q + 1);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        std::string_view part = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
        if (part.empty()) continue;
        const auto eq = part.find('=');
        std::string key(part.substr(0, eq));
        std::string value(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1));
        for (auto* s : {&key, &value})
            for (char& c : *s)
                if (c == '+') c = ' ';
        std::string k, v;
        if (!percent_decode(key, k) || !percent_decode(value, v)) return false;
        out.emplace_back(std::move(k), std::move(v));
    }
    return true;
}

// Calls into the hub's HTTP APIs hold its lock (server/signaling_hub.hpp, "Threads").
template <class Call>
auto under_hub_lock(const signaling_hub& hub, Call&& call) {
    const auto held = hub.hold();
    return call();
}

template <class T>
bool parse_uint(const std::string& text, T& out) {
    const auto r = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && r.ec == std::errc{} && r.ptr == text.data() + text.size();
}
}  // namespace

http_session::http_session(tcp::socket&& socket, signaling_hub& hub, const ServerConfig& config,
                           MediaThreads& media)
    : stream_(std::move(socket)),
      hub_(hub),
      config_(config),
      media_(media),
      poll_timer_(stream_.get_executor()) {
    remote_ = remote_address(stream_.socket());
    client_ = remote_ip(stream_.socket());
    loopback_ = is_loopback_peer(stream_.socket());
}

void http_session::serve_dev_token(const request_type& req) {
    std::vector<std::pair<std::string, std::string>> query;
    std::string room, identity, name;
    if (!parse_query(req.target(), query))
        return send_json(req, http::status::bad_request, {{"error", "malformed query"}});
    for (const auto& [k, v] : query) {
        if (k == "room") room = v;
        else if (k == "identity") identity = v;
        else if (k == "name") name = v;
    }
    if (room.empty() || room.size() > kMaxRoomIdBytes || identity.size() > kMaxIdentityBytes ||
        name.size() > kMaxUserNameBytes)
        return send_json(req, http::status::bad_request,
                         {{"error", "room (1-64 bytes) is required; identity at most 64 bytes, name 128"}});
    if (identity.empty()) identity = "dev-" + hub_.new_user_id();
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    send_json(req, http::status::ok,
              {{"token", mint_dev_token(room, identity, name, now_s)}, {"identity", identity}, {"room", room}});
}

void http_session::run() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&http_session::do_read, shared_from_this()));
}

void http_session::do_read() {
    parser_.emplace();
    // The HTTP form's messages may be as large as a WebSocket message; larger get 413.
    parser_->body_limit(config_.max_message_bytes);
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
            res.set(http::field::access_control_allow_origin, "*");
            res.body() = api_error(protocol::ErrorCode::TooLarge,
                                   "request larger than " + std::to_string(config_.max_message_bytes) + " bytes")
                             .dump();
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
            hand_over_websocket(parser_->release());
            return;
        }
        send_json(req, http::status::not_found,
                  {{"error", "WebSocket endpoint is " + std::string(kWebSocketPath)}});
        return;
    }
    handle_request(req);
}

void http_session::hand_over_websocket(request_type upgrade) {
    // The room the client is about to join (/ws?room=ID) decides the thread: a room's
    // connections share one. Without it (or unreadable) the least-loaded thread.
    std::vector<std::pair<std::string, std::string>> query;
    std::string room;
    if (parse_query(upgrade.target(), query))
        for (const auto& [k, v] : query)
            if (k == "room" && v.size() <= kMaxRoomIdBytes) room = v;
    const std::size_t thread = hub_.place_connection(room);
    // The descriptor moves to the media thread's io_context (nothing is pending on it: the
    // upgrade request is read and nothing is written yet).
    tcp::socket socket = stream_.release_socket();
    error_code ec;
    const auto protocol = socket.local_endpoint(ec).protocol();
    const auto fd = ec ? -1 : socket.release(ec);
    if (ec || fd < 0) {
        log_warn("http " + remote_ + ": WebSocket not handed over: " + ec.message());
        hub_.release_placement(room, thread);
        return;
    }
    net::post(media_.executor(thread), [&hub = hub_, &config = config_, &media = media_, thread, fd, protocol,
                                        room = std::move(room), upgrade = std::move(upgrade)]() mutable {
        tcp::socket moved(media.context(thread));
        error_code assign_ec;
        moved.assign(protocol, fd, assign_ec);
        if (assign_ec) {
            ::close(fd);
            hub.release_placement(room, thread);
            return;
        }
        std::make_shared<websocket_session>(std::move(moved), hub, config, media.timers(thread),
                                            media.write_window(thread), media.queue_nodes(thread), thread,
                                            std::move(room))
            ->run(std::move(upgrade));
    });
}

void http_session::handle_request(const request_type& req) {
    if (config_.verbose) log_info("http " + remote_ + ": " + std::string(req.method_string()) + " " +
                                  std::string(req.target()));
    if (const std::string_view p = target_path(req.target()); p == kMessagePath || p == kEventsPath)
        return serve_rts(req, p);
    if (const std::string_view p = target_path(req.target()); p.substr(0, kRoomServicePrefix.size()) == kRoomServicePrefix)
        return serve_room_service(req, p);
    if (const std::string_view p = target_path(req.target()); InvitationsApi::owns(p))
        return serve_invitations(req, p);
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        send_json(req, http::status::method_not_allowed, {{"error", "only GET and HEAD are supported"}});
        return;
    }
    const std::string_view path = target_path(req.target());
    if (path == "/healthz") return send_json(req, http::status::ok, hub_.health_json());
    if (path == "/api/v1/rooms") return send_json(req, http::status::ok, hub_.rooms_json());
    if (path == "/api/v1/stats") return send_json(req, http::status::ok, hub_.stats_json());
    if (path == "/metrics") return serve_metrics(req);
    if (path == kAuditPath) return serve_audit(req);
    // Development mode only, and only to this machine: elsewhere the path does not exist.
    if (path == kDevTokenPath && config_.dev && loopback_) return serve_dev_token(req);
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
    // A browser that takes gzip gets the build's precompressed copy, if it is not older
    // than the file itself (a hand-replaced file is never shadowed by a stale .gz).
    bool gzipped = false;
    if (accepts_gzip(req[http::field::accept_encoding])) {
        std::error_code fs_ec, gz_ec;
        const std::string gz = resolved.file + ".gz";
        const auto plain_time = std::filesystem::last_write_time(resolved.file, fs_ec);
        const auto gz_time = std::filesystem::last_write_time(gz, gz_ec);
        if (!fs_ec && !gz_ec && gz_time >= plain_time) {
            body.open(gz.c_str(), beast::file_mode::scan, ec);
            gzipped = !ec;
        }
    }
    if (!gzipped) body.open(resolved.file.c_str(), beast::file_mode::scan, ec);
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
    auto encoding_headers = [&](auto& res) {
        res.set(http::field::vary, "Accept-Encoding");
        if (!gzipped) return;
        res.set(http::field::content_encoding, "gzip");
        // The page's loader shows "Loading x of y MB" in decoded bytes (what fetch yields).
        std::error_code size_ec;
        const auto decoded = std::filesystem::file_size(resolved.file, size_ec);
        if (!size_ec) res.set("X-Decoded-Length", std::to_string(decoded));
    };
    if (req.method() == http::verb::head) {
        http::response<http::empty_body> res{http::status::ok, req.version()};
        common_headers(res, req.target());
        res.set(http::field::content_type, mime);
        res.set(http::field::cache_control, cache);
        encoding_headers(res);
        res.content_length(size);
        res.keep_alive(req.keep_alive());
        return send(std::move(res));
    }
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    common_headers(res, req.target());
    res.set(http::field::content_type, mime);
    res.set(http::field::cache_control, cache);
    encoding_headers(res);
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    send(std::move(res));
}

void http_session::serve_rts(const request_type& req, std::string_view path) {
    const bool is_message = path == kMessagePath;
    if (req.method() == http::verb::options) {  // CORS preflight
        http::response<http::empty_body> res{http::status::no_content, req.version()};
        common_headers(res);
        res.set(http::field::access_control_allow_origin, "*");
        res.set(http::field::access_control_allow_methods, is_message ? "POST, OPTIONS" : "GET, OPTIONS");
        res.set(http::field::access_control_allow_headers, "Content-Type");
        res.set(http::field::access_control_max_age, "600");
        res.keep_alive(req.keep_alive());
        return send(std::move(res));
    }
    if (is_message) {
        if (req.method() != http::verb::post)
            return send_json(req, http::status::method_not_allowed,
                             api_error(protocol::ErrorCode::BadInput,
                                       "POST a JSON body {event_name, content} to " + std::string(kMessagePath)),
                             true);
        auto answer = under_hub_lock(hub_, [&] { return hub_.http_form().message(req.body(), client_); });
        return send_json(req, static_cast<http::status>(answer.status), answer.body, true);
    }
    if (req.method() != http::verb::get)
        return send_json(req, http::status::method_not_allowed,
                         api_error(protocol::ErrorCode::BadInput, "GET " + std::string(kEventsPath) +
                                                                      "?room_id=&user_id=&token=&after=&wait_ms="),
                         true);
    serve_events(req);
}

void http_session::serve_room_service(const request_type& req, std::string_view path) {
    if (req.method() != http::verb::post)  // Twirp's answer to anything but POST
        return send_json(req, http::status::not_found,
                         {{"code", "bad_route"}, {"msg", "the room service takes POST requests"}});
    auto answer = under_hub_lock(hub_, [&] {
        return hub_.room_service().call(path.substr(kRoomServicePrefix.size()), req[http::field::authorization],
                                        req.body(), client_);
    });
    send_json(req, static_cast<http::status>(answer.status), answer.body);
}

void http_session::serve_invitations(const request_type& req, std::string_view path) {
    InvitationsApi::Call call;
    call.method = req.method_string();
    call.path = path;
    call.authorization = req[http::field::authorization];
    call.host = req[http::field::host];
    call.forwarded_proto = req["X-Forwarded-Proto"];
    call.body = req.body();
    call.client = client_;
    const auto answer = under_hub_lock(hub_, [&] { return hub_.invitations().call(call); });
    send_json(req, static_cast<http::status>(answer.status), answer.body);
}

void http_session::serve_events(const request_type& req) {
    std::vector<std::pair<std::string, std::string>> params;
    const auto bad = [&](const std::string& why) {
        send_json(req, http::status::bad_request, api_error(protocol::ErrorCode::BadInput, why), true);
    };
    if (!parse_query(req.target(), params)) return bad("malformed query string");
    PollRequest query;
    std::int64_t wait_ms = 0;
    for (const auto& [key, value] : params) {
        if (value.size() > 256) return bad(key + " is too long");
        if (key == "room_id") query.room_id = value;
        else if (key == "user_id") query.user_id = value;
        else if (key == "token") query.token = value;
        else if (key == "after") {
            if (!parse_uint(value, query.after)) return bad("after must be an unsigned integer");
        } else if (key == "wait_ms") {
            if (!parse_uint(value, wait_ms) || wait_ms > kMaxPollWaitMs)
                return bad("wait_ms must be 0.." + std::to_string(kMaxPollWaitMs));
        }
    }
    const auto held_hub = hub_.hold();
    bool wait = false;
    auto answer = hub_.http_form().events(query, client_, /*charge=*/true, wait);
    if (!wait || wait_ms == 0) return send_json(req, static_cast<http::status>(answer.status), answer.body, true);

    // Nothing queued: hold the request until an inform is queued for the member, or wait_ms.
    const std::uint64_t gen = ++poll_gen_;
    std::weak_ptr<http_session> weak = shared_from_this();
    const std::uint64_t waiter = hub_.http_form().add_waiter(query.user_id, [weak, gen] {
        if (auto self = weak.lock())
            net::post(self->stream_.get_executor(), [self, gen] { self->finish_poll(gen); });
    });
    poll_ = HeldPoll{std::move(query), waiter};
    poll_timer_.expires_after(std::chrono::milliseconds(wait_ms));
    poll_timer_.async_wait([self = shared_from_this(), gen](error_code ec) {
        if (ec != net::error::operation_aborted) self->finish_poll(gen);
    });
}

void http_session::finish_poll(std::uint64_t gen) {
    if (!poll_ || gen != poll_gen_) return;
    const auto held_hub = hub_.hold();
    HeldPoll held = std::move(*poll_);
    poll_.reset();
    hub_.http_form().remove_waiter(held.query.user_id, held.waiter);
    poll_timer_.cancel();
    bool wait = false;
    auto answer = hub_.http_form().events(held.query, client_, /*charge=*/false, wait);
    send_json(parser_->get(), static_cast<http::status>(answer.status), answer.body, true);
}

void http_session::send_json(const request_type& req, http::status status, const protocol::Json& body, bool cors) {
    http::response<http::string_body> res{status, req.version()};
    common_headers(res);
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    if (cors) res.set(http::field::access_control_allow_origin, "*");
    if (status == http::status::method_not_allowed)
        res.set(http::field::allow, !cors ? "GET, HEAD"
                                          : (target_path(req.target()) == kMessagePath ? "POST, OPTIONS" : "GET, OPTIONS"));
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head)
        res.body() = body.dump(-1, ' ', false, protocol::Json::error_handler_t::replace);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.content_length(body.dump().size());
    send(std::move(res));
}

void http_session::serve_audit(const request_type& req) {
    std::vector<std::pair<std::string, std::string>> query;
    if (!parse_query(req.target(), query))
        return send_json(req, http::status::bad_request, {{"error", "malformed query string"}});
    auto answer = under_hub_lock(hub_, [&] { return hub_.audit().read(query, req[http::field::authorization], client_); });
    send_json(req, static_cast<http::status>(answer.status), answer.body);
}

void http_session::serve_metrics(const request_type& req) {
    const std::string text = hub_.metrics_text();
    http::response<http::string_body> res{http::status::ok, req.version()};
    common_headers(res);
    res.set(http::field::content_type, PrometheusText::kContentType);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) res.body() = text;
    res.prepare_payload();
    if (req.method() == http::verb::head) res.content_length(text.size());
    send(std::move(res));
}

template <class Body>
void http_session::send(http::response<Body>&& msg) {
    auto res = std::make_shared<http::response<Body>>(std::move(msg));
    res_ = res;
    stream_.expires_after(kIdleTimeout);  // the read's deadline may have passed during a long-poll
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
