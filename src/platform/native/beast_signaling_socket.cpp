// See beast_signaling_socket.hpp.
#include "platform/native/beast_signaling_socket.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <deque>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket.hpp>

namespace posemeet {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = beast::error_code;

namespace {

std::chrono::steady_clock::duration seconds(double s) {
    return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(std::max(0.0, s)));
}

std::string lower_first(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

// A short, human-readable reason for the session's status line ("cannot reach the server
// (<reason>); retrying in 1.0 s").
std::string describe(const error_code& ec) {
    if (ec == asio::error::connection_refused) return "connection refused";
    if (ec == asio::error::connection_reset) return "connection reset by the server";
    if (ec == asio::error::connection_aborted) return "connection aborted";
    if (ec == asio::error::host_unreachable) return "host unreachable";
    if (ec == asio::error::network_unreachable) return "network unreachable";
    if (ec == asio::error::timed_out || ec == beast::error::timeout) return "timed out";
    if (ec == asio::error::eof || ec == http::error::end_of_stream || ec == asio::error::broken_pipe)
        return "connection closed by the server";
    if (ec == asio::error::host_not_found || ec == asio::error::host_not_found_try_again)
        return "cannot resolve host";
    if (ec == websocket::error::closed) return "server closed the connection";
    if (ec == websocket::error::message_too_big) return "incoming message too large";
    return lower_first(ec.message());
}

}  // namespace

std::optional<WsUrl> parse_ws_url(const std::string& url, std::string& error) {
    constexpr std::string_view kScheme = "ws://";
    std::string_view u = url;
    if (u.size() < kScheme.size() ||
        !std::equal(kScheme.begin(), kScheme.end(), u.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        error = u.rfind("wss://", 0) == 0 ? "wss:// is not supported by the native client (use ws://)"
                                          : "not a ws:// URL: '" + url + "'";
        return std::nullopt;
    }
    u.remove_prefix(kScheme.size());
    const auto slash = u.find_first_of("/?#");
    std::string_view authority = u.substr(0, slash);
    std::string_view rest = slash == std::string_view::npos ? std::string_view{} : u.substr(slash);
    if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    if (authority.find('@') != std::string_view::npos) {
        error = "credentials in the URL are not supported: '" + url + "'";
        return std::nullopt;
    }
    WsUrl out;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "bad IPv6 host in '" + url + "'";
            return std::nullopt;
        }
        out.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                error = "bad host in '" + url + "'";
                return std::nullopt;
            }
            port = after.substr(1);
        }
    } else {
        const auto colon = authority.rfind(':');
        out.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (out.host.empty()) {
        error = "no host in '" + url + "'";
        return std::nullopt;
    }
    if (port.empty()) {
        out.port = "80";
    } else {
        unsigned long value = 0;
        for (char c : port) {
            if (c < '0' || c > '9' || value > 65535) {
                error = "bad port in '" + url + "'";
                return std::nullopt;
            }
            value = value * 10 + static_cast<unsigned long>(c - '0');
        }
        if (value == 0 || value > 65535) {
            error = "bad port in '" + url + "'";
            return std::nullopt;
        }
        out.port = std::to_string(value);
    }
    out.target = rest.empty() ? "/" : std::string(rest);
    if (out.target.front() == '?') out.target.insert(out.target.begin(), '/');
    return out;
}

// One connection attempt and its lifetime. Owned by the socket while current, and by its
// own pending operations (shared_from_this), so after close() or a reconnect it finishes
// its closing handshake in the background and then disappears.
class BeastSignalingSocket::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(asio::io_context& io, const Options& options, std::shared_ptr<Stats> stats,
               Handlers handlers)
        : options_(options),
          stats_(std::move(stats)),
          handlers_(std::move(handlers)),
          resolver_(io),
          ws_(io),
          close_timer_(io) {}

    void start(const std::string& url) {
        std::string error;
        auto parsed = parse_ws_url(url, error);
        if (!parsed) {
            // Never call back from inside connect(): report on the next turn of the loop.
            asio::post(ws_.get_executor(), [self = shared_from_this(), error] { self->fail(error); });
            return;
        }
        url_ = *parsed;
        state_ = State::Resolving;
        beast::get_lowest_layer(ws_).expires_after(seconds(options_.connect_timeout_s));
        resolver_.async_resolve(url_.host, url_.port,
                                [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
                                    self->on_resolve(ec, std::move(r));
                                });
    }

    void send(bool binary, const std::uint8_t* data, std::size_t size) {
        if (done_ || detached_) return;  // like a browser socket that is closed: dropped
        if (binary && queued_bytes_ + size > options_.max_queued_bytes && !queue_.empty()) {
            stats_->binary_dropped++;
            return;
        }
        queue_.push_back(Message{binary, std::string(reinterpret_cast<const char*>(data), size)});
        queued_bytes_ += size;
        if (state_ == State::Open && !writing_) do_write();
    }

    // Explicit close: no more callbacks; flush the queue and say goodbye if we are open.
    void close() {
        if (detached_) return;
        detached_ = true;
        if (done_) return;
        if (state_ == State::Open) {
            state_ = State::Closing;
            close_timer_.expires_after(seconds(options_.close_timeout_s));
            close_timer_.async_wait([self = shared_from_this()](error_code ec) {
                if (!ec) self->shutdown();  // peer too slow: just drop the TCP connection
            });
            if (!writing_) start_close_handshake();  // else on_write continues the drain
        } else {
            shutdown();  // still connecting: abort
        }
    }

    bool is_open() const { return state_ == State::Open && !done_ && !detached_; }
    std::size_t queued_bytes() const { return queued_bytes_; }

private:
    enum class State { Idle, Resolving, Connecting, Handshaking, Open, Closing, Done };
    struct Message {
        bool binary;
        std::string data;
    };

    void on_resolve(error_code ec, tcp::resolver::results_type results) {
        if (detached_ || done_) return;
        if (ec) return fail(describe(ec) + " '" + url_.host + "'");
        state_ = State::Connecting;
        beast::get_lowest_layer(ws_).async_connect(
            results, [self = shared_from_this()](error_code ec, const tcp::endpoint& ep) {
                self->on_connect(ec, ep);
            });
    }

    void on_connect(error_code ec, const tcp::endpoint& ep) {
        if (detached_ || done_) return;
        if (ec) return fail(describe(ec));
        error_code ignored;
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true), ignored);
        // From here on the websocket's own timeouts apply (handshake, then idle + pings).
        beast::get_lowest_layer(ws_).expires_never();
        websocket::stream_base::timeout t{};
        t.handshake_timeout = seconds(options_.handshake_timeout_s);
        t.idle_timeout = options_.idle_timeout_s > 0 ? seconds(options_.idle_timeout_s)
                                                     : websocket::stream_base::none();
        t.keep_alive_pings = options_.idle_timeout_s > 0;
        ws_.set_option(t);
        ws_.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
            req.set(http::field::user_agent, "posemeet-native (" BOOST_BEAST_VERSION_STRING ")");
        }));
        ws_.read_message_max(options_.max_message_bytes);
        state_ = State::Handshaking;
        // Host header: host[:port] as the URL had it (brackets for IPv6 literals).
        std::string host = url_.host.find(':') != std::string::npos ? "[" + url_.host + "]" : url_.host;
        if (url_.port != "80") host += ":" + url_.port;
        (void)ep;
        ws_.async_handshake(response_, host, url_.target,
                            [self = shared_from_this()](error_code ec) { self->on_handshake(ec); });
    }

    void on_handshake(error_code ec) {
        if (detached_ || done_) return;
        if (ec) {
            if (ec == websocket::error::upgrade_declined && response_.result_int() != 0) {
                return fail("websocket upgrade declined (HTTP " + std::to_string(response_.result_int()) +
                            " for " + url_.target + ")");
            }
            return fail("websocket handshake failed: " + describe(ec));
        }
        state_ = State::Open;
        auto self = shared_from_this();  // keep alive across the callback
        if (handlers_.on_open) handlers_.on_open();
        if (detached_ || done_) return;  // closed from inside on_open
        do_read();
        if (!queue_.empty() && !writing_) do_write();
    }

    void do_read() {
        ws_.async_read(buffer_, [self = shared_from_this()](error_code ec, std::size_t n) {
            self->on_read(ec, n);
        });
    }

    void on_read(error_code ec, std::size_t n) {
        if (detached_ || done_) return;
        if (ec) {
            if (ec == websocket::error::closed) {
                const auto& cr = ws_.reason();
                std::string reason = "server closed the connection";
                if (cr.code != websocket::close_code::none) {
                    reason += " (" + std::to_string(static_cast<int>(cr.code));
                    if (cr.reason.empty()) {
                        switch (static_cast<int>(cr.code)) {
                            case 1000: reason += " normal"; break;
                            case 1001: reason += " going away"; break;
                            case 1008: reason += " policy violation"; break;
                            case 1009: reason += " message too big"; break;
                            case 1011: reason += " server error"; break;
                            case 1012: reason += " service restart"; break;
                            case 1013: reason += " try again later"; break;
                            default: break;
                        }
                    }
                    if (!cr.reason.empty()) reason += ": " + std::string(cr.reason.data(), cr.reason.size());
                    reason += ")";
                }
                return fail(reason, static_cast<int>(cr.code));
            }
            return fail(describe(ec));
        }
        stats_->messages_received++;
        stats_->bytes_received += n;
        const auto data = buffer_.cdata();
        if (ws_.got_text()) {
            if (handlers_.on_text)
                handlers_.on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
        } else if (handlers_.on_binary) {
            handlers_.on_binary(static_cast<const std::uint8_t*>(data.data()), data.size());
        }
        buffer_.consume(buffer_.size());
        if (detached_ || done_) return;  // closed (or destroyed) from inside the callback
        do_read();
    }

    void do_write() {
        writing_ = true;
        const Message& m = queue_.front();
        ws_.text(!m.binary);
        ws_.async_write(asio::buffer(m.data), [self = shared_from_this()](error_code ec, std::size_t n) {
            self->on_write(ec, n);
        });
    }

    void on_write(error_code ec, std::size_t n) {
        writing_ = false;
        if (!queue_.empty()) {
            queued_bytes_ -= queue_.front().data.size();
            queue_.pop_front();
        }
        if (done_) return;
        if (ec) {
            if (detached_) return shutdown();
            return fail(describe(ec));
        }
        stats_->messages_sent++;
        stats_->bytes_sent += n;
        if (!queue_.empty()) return do_write();
        if (state_ == State::Closing) start_close_handshake();
    }

    void start_close_handshake() {
        ws_.async_close(websocket::close_code::normal,
                        [self = shared_from_this()](error_code) { self->shutdown(); });
    }

    // Ends everything without a callback: cancels pending operations, closes the socket.
    void shutdown() {
        if (done_) return;
        done_ = true;
        state_ = State::Done;
        // A pending async_write still reads the front message's bytes: keep it until then.
        queue_.erase(queue_.begin() + (writing_ && !queue_.empty() ? 1 : 0), queue_.end());
        queued_bytes_ = queue_.empty() ? 0 : queue_.front().data.size();
        error_code ignored;
        resolver_.cancel();
        close_timer_.cancel();
        beast::get_lowest_layer(ws_).socket().close(ignored);
        beast::get_lowest_layer(ws_).expires_never();
    }

    // Ends the connection and reports it once (unless the owner closed it explicitly).
    void fail(const std::string& reason, int close_code = 0) {
        if (done_) return;
        const bool report = !detached_;
        shutdown();
        if (report && handlers_.on_close) {
            auto self = shared_from_this();
            handlers_.on_close(close_code, reason);
        }
    }

    Options options_;
    std::shared_ptr<Stats> stats_;
    Handlers handlers_;
    WsUrl url_;
    tcp::resolver resolver_;
    websocket::stream<beast::tcp_stream> ws_;
    websocket::response_type response_;
    beast::flat_buffer buffer_;
    asio::steady_timer close_timer_;
    std::deque<Message> queue_;
    std::size_t queued_bytes_ = 0;
    State state_ = State::Idle;
    bool writing_ = false;
    bool detached_ = false;  // explicit close(): never call back again
    bool done_ = false;      // socket closed, nothing more to do
};

BeastSignalingSocket::BeastSignalingSocket(asio::io_context& io) : BeastSignalingSocket(io, Options{}) {}

BeastSignalingSocket::BeastSignalingSocket(asio::io_context& io, Options options)
    : io_(io), options_(options), stats_(std::make_shared<Stats>()) {}

BeastSignalingSocket::~BeastSignalingSocket() { close(); }

void BeastSignalingSocket::connect(const std::string& url, Handlers handlers) {
    close();
    conn_ = std::make_shared<Connection>(io_, options_, stats_, std::move(handlers));
    conn_->start(url);
}

void BeastSignalingSocket::send_text(const std::string& text) {
    if (conn_) conn_->send(false, reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

void BeastSignalingSocket::send_binary(const std::uint8_t* data, std::size_t size) {
    if (conn_) conn_->send(true, data, size);
}

void BeastSignalingSocket::close() {
    if (!conn_) return;
    auto c = std::move(conn_);
    c->close();
}

bool BeastSignalingSocket::is_open() const { return conn_ && conn_->is_open(); }

std::size_t BeastSignalingSocket::queued_bytes() const { return conn_ ? conn_->queued_bytes() : 0; }

}  // namespace posemeet
