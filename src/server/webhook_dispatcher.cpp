// See webhook_dispatcher.hpp.
#include "server/webhook_dispatcher.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/access_token.hpp"
#include "core/sha256.hpp"
#include "server/http_url.hpp"
#include "server/log.hpp"
#include "server/openssl_hmac.hpp"

namespace posemeet::server {
namespace {

constexpr auto kTimeout = std::chrono::seconds(5);

std::string base64_padded(const std::array<std::uint8_t, 32>& bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::uint32_t n = (bytes[i] << 16) | (i + 1 < bytes.size() ? bytes[i + 1] << 8 : 0) |
                                (i + 2 < bytes.size() ? bytes[i + 2] : 0);
        out += kAlphabet[(n >> 18) & 63];
        out += kAlphabet[(n >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
    }
    return out;
}

// One POST: resolve, connect, write, read, each within the timeout; `done(ok)` once.
class HttpPost : public std::enable_shared_from_this<HttpPost> {
public:
    HttpPost(net::io_context& io, std::function<void(bool ok, unsigned status)> done)
        : resolver_(io), stream_(io), done_(std::move(done)) {}

    void start(const std::string& host, const std::string& port, http::request<http::string_body> req) {
        req_ = std::move(req);
        resolver_.async_resolve(host, port, [self = shared_from_this()](error_code ec, tcp::resolver::results_type r) {
            if (ec) return self->finish(false, 0);
            self->stream_.expires_after(kTimeout);
            self->stream_.async_connect(r, [self](error_code ec, const tcp::endpoint&) {
                if (ec) return self->finish(false, 0);
                http::async_write(self->stream_, self->req_, [self](error_code ec, std::size_t) {
                    if (ec) return self->finish(false, 0);
                    http::async_read(self->stream_, self->buffer_, self->res_, [self](error_code ec, std::size_t) {
                        if (ec) return self->finish(false, 0);
                        const unsigned status = self->res_.result_int();
                        self->finish(status >= 200 && status < 300, status);
                    });
                });
            });
        });
    }

private:
    void finish(bool ok, unsigned status) {
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        if (done_) std::exchange(done_, nullptr)(ok, status);
    }
    tcp::resolver resolver_;
    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> req_;
    http::response<http::string_body> res_;
    std::function<void(bool, unsigned)> done_;
};

}  // namespace

std::string webhook_authorization(const std::string& body, const std::string& key, const std::string& secret,
                                  std::int64_t now_s) {
    const protocol::Json claims{{"iss", key}, {"nbf", now_s}, {"exp", now_s + 300}, {"sha256", base64_padded(sha256(body))}};
    return sign_access_token(claims, secret, openssl_hmac_sha256);
}

WebhookDispatcher::WebhookDispatcher(net::io_context& io, WebhookOutbox& outbox, std::string key,
                                     std::string secret, std::int64_t retry_max_ms, Clock now_ms)
    : io_(io), outbox_(outbox), key_(std::move(key)), secret_(std::move(secret)), retry_max_ms_(retry_max_ms),
      now_ms_(std::move(now_ms)) {}

void WebhookDispatcher::pump() {
    if (in_flight_.size() >= kMaxInFlight) return;
    const std::int64_t now = now_ms_();
    for (auto& row : outbox_.due(now, in_flight_, kMaxInFlight - in_flight_.size())) {
        std::string host, port, target;
        if (!parse_http_url(row.url, host, port, target)) {  // checked at start; cannot happen
            outbox_.delivered(row.id);
            continue;
        }
        http::request<http::string_body> req{http::verb::post, target, 11};
        req.set(http::field::host, host);
        req.set(http::field::user_agent, "PoseMeet");
        req.set(http::field::content_type, "application/webhook+json");
        req.set(http::field::authorization, webhook_authorization(row.body, key_, secret_, now / 1000));
        req.body() = row.body;
        req.prepare_payload();
        in_flight_.insert(row.id);
        auto post = std::make_shared<HttpPost>(io_, [this, row](bool ok, unsigned) { finished(row, ok); });
        post->start(host, port, std::move(req));
    }
}

void WebhookDispatcher::finished(const WebhookOutbox::Row& row, bool ok) {
    in_flight_.erase(row.id);
    if (ok) {
        outbox_.delivered(row.id);
        ++delivered_;
    } else {
        ++failures_;
        const int attempts = row.attempts + 1;
        const std::int64_t backoff =
            std::min(retry_max_ms_, kFirstRetryMs << std::min(attempts - 1, 20));  // 0.5 s, 1 s, 2 s, ...
        outbox_.retry_at(row.id, attempts, now_ms_() + backoff);
    }
    pump();  // the next of that room's queue (or one waiting for a free slot)
}

}  // namespace posemeet::server
