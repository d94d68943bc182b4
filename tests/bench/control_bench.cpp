// posemeet_control_bench: server-side time per control operation under a burst from many
// bots, next to a sequential baseline. Run it through tools/bench_control.sh, which starts
// two real servers (one for the burst, one idle for the baseline) and passes their URLs.
//
// Burst: N WebSocket clients (default 200) in rooms of R (default 10; the first joiner of
// each room is its host) join, then every client sends its mix of operations as fast as
// its own token bucket allows (--rate/--burst, by default the server's default limit of
// 50/s with a burst of 100, so that with --ops 100 every client fires its whole bucket at
// once). Members: vcOperateSelfMic, vcOperateSelfCamera, vcSendMessage, vcGetUserList,
// vcSharePermissionApply; hosts: vcOperateOtherMic, vcOperateAllMic, vcOperateSelfMic,
// vcOperateSelfCamera, vcSendMessage, vcGetUserList, and a vcSharePermissionPermit
// (permit 0) for every vcOnSharePermissionApply they receive.
// Baseline: one room of R on an idle server, the same mix, one request in flight on the
// whole server at a time (the members take turns), so every operation has the same
// fan-out as in the burst but no concurrency.
//
// Measures the client-side round trip per operation (request queued -> reply read),
// throughput, and reads GET /api/v1/stats from both servers for the server-side time per
// operation (median, p99 over the server's window). Prints tables; --json FILE writes the
// figures too. Exit code 0, 1 when something went wrong (timeouts, lost connections),
// 2 for bad usage.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

namespace {

// [SECTION] options

struct Options {
    std::string url;           // burst server, ws://host:port/ws
    std::string baseline_url;  // idle server for the baseline; empty = no baseline
    int clients = 200;
    int room_size = 10;
    int ops = 100;       // operations per client (host permits come on top)
    double rate = 50;    // per-client pacing: operations per second
    double burst = 100;  // per-client pacing: bucket size
    double timeout_s = 120;
    double settle_ms = 500;  // pause after the joins, before the burst
    std::string json_path;
    int server_pid = 0;           // burst server's pid: its CPU time is read from /proc
    std::string server_limits;    // the flags the server was started with, for the report
};

const char* kUsage =
    "usage: posemeet_control_bench --url ws://HOST:PORT/ws [options]\n"
    "  --url URL            server for the burst (fresh: its /api/v1/stats is read at the end)\n"
    "  --baseline-url URL   a second, idle server for the sequential baseline (default: none)\n"
    "  --clients N          WebSocket clients in the burst (default 200)\n"
    "  --room-size N        clients per room, the first joiner is host (default 10)\n"
    "  --ops N              operations per client (default 100)\n"
    "  --rate R             per-client pacing, operations/s (default 50 = the server's default limit)\n"
    "  --burst B            per-client pacing bucket (default 100 = the server's default burst)\n"
    "  --timeout S          give up after S seconds per phase (default 120)\n"
    "  --server-pid PID     read the burst server's CPU time from /proc/PID/stat\n"
    "  --server-limits TXT  the server's rate-limit flags, printed in the report\n"
    "  --json FILE          also write the figures as JSON\n";

bool parse_num(const std::string& s, double& out) {
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && end && *end == '\0' && std::isfinite(out) && out >= 0;
}

bool parse_args(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i], value;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        } else if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            std::fprintf(stderr, "%s needs a value\n%s", arg.c_str(), kUsage);
            return false;
        }
        double n = 0;
        const bool num = parse_num(value, n);
        auto need_num = [&](double min) {
            if (!num || n < min) {
                std::fprintf(stderr, "%s: bad value '%s'\n", arg.c_str(), value.c_str());
                return false;
            }
            return true;
        };
        if (arg == "--url") o.url = value;
        else if (arg == "--baseline-url") o.baseline_url = value;
        else if (arg == "--clients") { if (!need_num(1)) return false; o.clients = static_cast<int>(n); }
        else if (arg == "--room-size") { if (!need_num(1)) return false; o.room_size = static_cast<int>(n); }
        else if (arg == "--ops") { if (!need_num(1)) return false; o.ops = static_cast<int>(n); }
        else if (arg == "--rate") { if (!need_num(0.1)) return false; o.rate = n; }
        else if (arg == "--burst") { if (!need_num(1)) return false; o.burst = n; }
        else if (arg == "--timeout") { if (!need_num(1)) return false; o.timeout_s = n; }
        else if (arg == "--server-pid") { if (!need_num(1)) return false; o.server_pid = static_cast<int>(n); }
        else if (arg == "--server-limits") o.server_limits = value;
        else if (arg == "--json") o.json_path = value;
        else {
            std::fprintf(stderr, "unknown option %s\n%s", arg.c_str(), kUsage);
            return false;
        }
    }
    if (o.url.empty()) {
        std::fprintf(stderr, "--url is required\n%s", kUsage);
        return false;
    }
    return true;
}

struct Url {
    std::string host, port, target;
};

std::optional<Url> parse_url(const std::string& url) {
    const std::string scheme = "ws://";
    if (url.rfind(scheme, 0) != 0) return std::nullopt;
    std::string rest = url.substr(scheme.size());
    Url u;
    const auto slash = rest.find('/');
    u.target = slash == std::string::npos ? "/" : rest.substr(slash);
    rest = rest.substr(0, slash);
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos) return std::nullopt;
    u.host = rest.substr(0, colon);
    u.port = rest.substr(colon + 1);
    if (u.host.empty() || u.port.empty()) return std::nullopt;
    return u;
}

// [SECTION] a minimal WebSocket client on one io_context (single thread)

class WsClient : public std::enable_shared_from_this<WsClient> {
public:
    std::function<void()> on_open;
    std::function<void(std::string_view)> on_text;
    std::function<void(const std::string&)> on_fail;  // once; not after close()

    explicit WsClient(asio::io_context& io) : ws_(io) {}

    void start(const tcp::endpoint& ep, const std::string& host_header, const std::string& target) {
        host_ = host_header;
        target_ = target;
        beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
        beast::get_lowest_layer(ws_).async_connect(
            ep, [self = shared_from_this()](beast::error_code ec) { self->on_connect(ec); });
    }

    void send(std::string text) {
        if (failed_ || closing_) return;
        queue_.push_back(std::move(text));
        if (open_ && !writing_) do_write();
    }

    // Sends what is queued, then the closing handshake.
    void close() {
        if (closing_ || failed_) return;
        closing_ = true;
        if (open_ && !writing_) do_close();
    }

    bool done() const { return failed_ || closed_; }

private:
    void on_connect(beast::error_code ec) {
        if (ec) return fail("connect: " + ec.message());
        beast::get_lowest_layer(ws_).socket().set_option(tcp::no_delay(true));
        beast::get_lowest_layer(ws_).expires_never();
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws_.read_message_max(64 << 20);
        ws_.async_handshake(host_, target_, [self = shared_from_this()](beast::error_code ec2) {
            if (ec2) return self->fail("handshake: " + ec2.message());
            self->open_ = true;
            if (self->on_open) self->on_open();
            self->do_read();
            if (!self->queue_.empty() && !self->writing_) self->do_write();
            else if (self->closing_ && !self->writing_) self->do_close();
        });
    }

    void do_read() {
        ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                if (self->closing_) {
                    self->closed_ = true;
                    return;
                }
                return self->fail("read: " + ec.message());
            }
            const auto data = self->buffer_.data();
            if (self->on_text)
                self->on_text(std::string_view(static_cast<const char*>(data.data()), data.size()));
            self->buffer_.consume(self->buffer_.size());
            self->do_read();
        });
    }

    void do_write() {
        writing_ = true;
        ws_.text(true);
        ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->writing_ = false;
            if (ec) return self->fail("write: " + ec.message());
            self->queue_.pop_front();
            if (!self->queue_.empty()) self->do_write();
            else if (self->closing_) self->do_close();
        });
    }

    void do_close() {
        ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
            self->closed_ = true;
        });
    }

    void fail(const std::string& why) {
        if (failed_) return;
        failed_ = true;
        beast::error_code ignored;
        beast::get_lowest_layer(ws_).socket().close(ignored);
        if (!closing_ && on_fail) on_fail(why);
    }

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
    std::deque<std::string> queue_;
    std::string host_, target_;
    bool open_ = false, writing_ = false, closing_ = false, closed_ = false, failed_ = false;
};

// [SECTION] figures

// Nearest rank, the same definition as the server's (src/server/operation_stats.cpp).
double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()) - 1e-9));
    rank = std::clamp<std::size_t>(rank, 1, v.size());
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(rank - 1), v.end());
    return v[rank - 1];
}

struct PhaseResult {
    std::map<std::string, std::vector<double>> rtt_us;       // per operation, replies only
    std::map<std::string, std::map<int, std::uint64_t>> codes;  // per operation
    std::uint64_t sent = 0, replies = 0, informs = 0, permits_sent = 0;
    double seconds = 0;  // first request sent -> last reply read
    int disconnects = 0;
    bool timed_out = false;
    double server_cpu_s = -1;  // burst server's CPU time during the phase (-1 = unknown)
    double client_cpu_s = 0;   // this process's CPU time during the phase
    // From /proc/<pid>/schedstat: time on a CPU and time runnable but waiting for one
    // (other processes had it), during the phase; -1 = unknown.
    double server_run_s = -1, server_wait_s = -1, client_run_s = -1, client_wait_s = -1;
    // The requests sent in the first round (every client's full bucket at once) and how
    // long until the last of their replies.
    std::uint64_t initial_requests = 0;
    double initial_drain_s = 0;
    Json server_stats;         // GET /api/v1/stats afterwards
};

double server_cpu_seconds(int pid) {
    if (pid <= 0) return -1;
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(f, line)) return -1;
    // Fields after the command (which may contain spaces) start after the last ')'.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream in(line.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) utime = std::stod(field);
        if (i == 15) stime = std::stod(field);
    }
    return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// {on CPU, waiting for a CPU} in seconds for a task ("self" or a pid), or {-1, -1}.
std::pair<double, double> schedstat(const std::string& who) {
    std::ifstream f("/proc/" + who + "/schedstat");
    double run = -1, wait = -1;
    if (!(f >> run >> wait)) return {-1, -1};
    return {run / 1e9, wait / 1e9};
}

double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

Json fetch_stats(const Url& u) {
    asio::io_context io;
    tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.connect(resolver.resolve(u.host, u.port));
    http::request<http::empty_body> req{http::verb::get, "/api/v1/stats", 11};
    req.set(http::field::host, u.host);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (res.result() != http::status::ok) throw std::runtime_error("GET /api/v1/stats: HTTP " + std::to_string(res.result_int()));
    return Json::parse(res.body());
}

// [SECTION] the bots

struct Op {
    std::string event;
    Json content;
};

struct Bot {
    int index = 0;
    int room = 0;
    bool host = false;
    std::string room_id, name, user_id;
    std::shared_ptr<WsClient> ws;
    bool open = false, joined = false, dead = false;
    std::vector<Op> ops;
    std::size_t next = 0;
    std::deque<std::string> permits;  // applicants to answer (host)
    double tokens = 0;
    Clock::time_point refilled;
    std::uint64_t seq = 0;
    struct Pending {
        std::string event;
        Clock::time_point sent;
        bool initial = false;  // sent in the first round, every client's full bucket at once
    };
    std::unordered_map<std::string, Pending> pending;
    std::uint64_t permit_informs = 0;  // host: vcOnSharePermissionApply received
    bool applying = false;             // member: asked to share, no answer yet

    bool has_work() const { return !dead && (next < ops.size() || !permits.empty()); }
    // The next operation to send, or null to wait: like a real client, a member does not
    // ask to share again while the host has not answered (it sends its other operations
    // first; the request waits).
    const Op* next_op() {
        if (next >= ops.size()) return nullptr;
        if (ops[next].event == "vcSharePermissionApply" && applying) {
            std::size_t j = next + 1;
            while (j < ops.size() && ops[j].event == "vcSharePermissionApply") ++j;
            if (j == ops.size()) return nullptr;
            std::swap(ops[next], ops[j]);
        }
        if (ops[next].event == "vcSharePermissionApply") applying = true;
        return &ops[next++];
    }
};

class Bench {
public:
    Bench(const Options& o, const Url& url, int clients, bool sequential, const std::string& room_prefix)
        : o_(o), url_(url), clients_(clients), sequential_(sequential), room_prefix_(room_prefix) {}

    bool run(PhaseResult& out);

private:
    bool run_until(const std::function<bool()>& done, double timeout_s, const std::function<void()>& tick = {}) {
        const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
        while (!done()) {
            if (Clock::now() > deadline) return false;
            if (io_.stopped()) io_.restart();
            io_.run_one_for(std::chrono::milliseconds(2));
            if (tick) tick();
        }
        return true;
    }

    void send(Bot& b, const std::string& event, Json content) {
        const std::string rid = std::to_string(b.index) + "-" + std::to_string(++b.seq);
        Json msg{{"v", 1}, {"event_name", event}, {"request_id", rid}, {"content", std::move(content)}};
        const auto now = Clock::now();
        bool initial = false;
        if (measuring_) {
            ++result_->sent;
            if (first_send_ == Clock::time_point{}) first_send_ = now;
            initial = first_round_;
            if (initial) ++result_->initial_requests;
        }
        b.pending.emplace(rid, Bot::Pending{event, now, initial});
        b.ws->send(msg.dump());
    }

    void on_text(Bot& b, std::string_view text) {
        const auto now = Clock::now();
        // Replies are the only messages with a top-level "code" (keys are dumped sorted:
        // code, message, message_type, request_id, response, timestamp).
        constexpr std::string_view kCode = "{\"code\":";
        if (text.rfind(kCode, 0) != 0) {
            if (measuring_) ++result_->informs;
            if (!b.host && text.find("\"event\":\"vcOnSharePermissionPermit\"") != std::string_view::npos)
                b.applying = false;
            if (b.host && text.find("\"event\":\"vcOnSharePermissionApply\"") != std::string_view::npos) {
                const Json j = Json::parse(text, nullptr, false);
                if (j.is_object() && j.contains("data")) {
                    // One answer per waiting applicant (a member may ask again before the
                    // host answered; answering each request would get 404s).
                    const std::string who = j["data"].value("user_id", "");
                    if (std::find(b.permits.begin(), b.permits.end(), who) == b.permits.end())
                        b.permits.push_back(who);
                    ++b.permit_informs;
                }
            }
            return;
        }
        // The code and request_id are read straight from the text (a quote cannot occur
        // unescaped inside the message string before them); only join replies are parsed.
        int code = 0;
        for (std::size_t i = kCode.size(); i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i)
            code = code * 10 + (text[i] - '0');
        constexpr std::string_view kRid = "\"request_id\":\"";
        const auto at = text.find(kRid);
        if (at == std::string_view::npos) return;
        const auto start = at + kRid.size();
        const auto end = text.find('"', start);
        if (end == std::string_view::npos) return;
        auto it = b.pending.find(std::string(text.substr(start, end - start)));
        if (it == b.pending.end()) return;
        const std::string event = it->second.event;
        const double us = std::chrono::duration<double, std::micro>(now - it->second.sent).count();
        if (it->second.initial && measuring_)
            result_->initial_drain_s = std::chrono::duration<double>(now - first_send_).count();
        b.pending.erase(it);
        if (event == "vcSharePermissionApply" && code != 200) b.applying = false;
        if (event == "vcJoinRoom") {
            const Json j = Json::parse(text, nullptr, false);
            if (code == 200 && j.is_object()) {
                b.joined = true;
                b.user_id = j["response"]["user"].value("user_id", "");
            } else {
                std::fprintf(stderr, "bot %d: join failed: %d %s\n", b.index, code, j.value("message", "").c_str());
                b.dead = true;
            }
        }
        if (event == "vcSharePermissionApply" && code == 200) ++applies_ok_[b.room];
        if (measuring_) {
            ++result_->replies;
            result_->rtt_us[event].push_back(us);
            ++result_->codes[event][code];
            last_reply_ = now;
        }
    }

    void build_ops(Bot& b);
    void refill(Bot& b, Clock::time_point now) const {
        const double dt = std::chrono::duration<double>(now - b.refilled).count();
        b.tokens = std::min(o_.burst, b.tokens + dt * o_.rate);
        b.refilled = now;
    }
    // Sends the bot's next request if it has one (a host's answers first); false if not.
    bool send_next(Bot& b) {
        if (!b.permits.empty()) {
            const std::string who = b.permits.front();
            b.permits.pop_front();
            ++result_->permits_sent;
            send(b, "vcSharePermissionPermit", Json{{"apply_user_id", who}, {"permit", 0}});
            return true;
        }
        const Op* op = b.next_op();
        if (!op) return false;
        send(b, op->event, op->content);
        return true;
    }
    void pump();              // burst: everyone sends as its bucket allows
    void pump_sequential();   // baseline: one request in flight in total
    bool all_done() const;

    const Options& o_;
    Url url_;
    int clients_;
    bool sequential_;
    std::string room_prefix_;
    asio::io_context io_;
    std::vector<Bot> bots_;
    std::vector<std::vector<int>> rooms_;  // bot indices per room, join order
    std::map<int, std::uint64_t> applies_ok_;
    PhaseResult* result_ = nullptr;
    bool measuring_ = false;
    Clock::time_point first_send_{}, last_reply_{}, last_pump_{};
    bool first_round_ = false;  // inside the burst's first pump()
    std::size_t turn_ = 0;
};

void Bench::build_ops(Bot& b) {
    const auto& room = rooms_[static_cast<std::size_t>(b.room)];
    std::vector<std::string> others;
    for (int i : room)
        if (i != b.index) others.push_back(bots_[static_cast<std::size_t>(i)].user_id);
    const std::string text = "burst message from " + b.name;
    for (int k = 0; k < o_.ops; ++k) {
        const int cycle = b.host ? 6 : 5;
        const int round = k / cycle;
        const int toggle = round % 2 == 0 ? 0 : 1;  // off, then on again, ...
        Op op;
        switch (b.host ? k % cycle : k % cycle + 2) {
        case 0:
            op = {"vcOperateOtherMic",
                  others.empty() ? Json{{"operate_user_id", b.user_id}, {"operate", 0}}
                                 : Json{{"operate_user_id", others[static_cast<std::size_t>(round) % others.size()]},
                                        {"operate", 0}}};
            break;
        case 1: op = {"vcOperateAllMic", Json{{"operate", toggle}, {"operate_self_mic_permission", 1}}}; break;
        case 2: op = {"vcOperateSelfMic", Json{{"operate", toggle}}}; break;
        case 3: op = {"vcOperateSelfCamera", Json{{"operate", toggle}}}; break;
        case 4: op = {"vcSendMessage", Json{{"message", text}}}; break;
        case 5: op = {"vcGetUserList", Json::object()}; break;
        case 6: op = {"vcSharePermissionApply", Json::object()}; break;
        }
        b.ops.push_back(std::move(op));
    }
    // Members' cycle is 5 long: cases 2..6; hosts': 0..5.
}

void Bench::pump() {
    const auto now = Clock::now();
    if (now - last_pump_ < std::chrono::microseconds(500)) return;
    last_pump_ = now;
    first_round_ = first_send_ == Clock::time_point{};
    for (auto& b : bots_) {
        if (!b.has_work()) continue;
        refill(b, now);
        while (b.tokens >= 1.0 && send_next(b)) b.tokens -= 1.0;
    }
    first_round_ = false;
}

void Bench::pump_sequential() {
    for (const auto& b : bots_)
        if (!b.pending.empty()) return;
    // The members in turn, each within its pacing (the server's limit applies here too).
    const auto now = Clock::now();
    for (std::size_t n = 0; n < bots_.size(); ++n) {
        Bot& b = bots_[(turn_ + n) % bots_.size()];
        if (!b.has_work()) continue;
        refill(b, now);
        if (b.tokens < 1.0 || !send_next(b)) continue;
        b.tokens -= 1.0;
        turn_ = (turn_ + n + 1) % bots_.size();
        return;
    }
}

bool Bench::all_done() const {
    for (const auto& b : bots_)
        if (!b.dead && (b.has_work() || !b.pending.empty())) return false;
    // Every successful share request has reached its host and been answered.
    for (std::size_t r = 0; r < rooms_.size(); ++r) {
        const Bot& host = bots_[static_cast<std::size_t>(rooms_[r].front())];
        if (host.dead) continue;
        auto it = applies_ok_.find(static_cast<int>(r));
        const std::uint64_t expected = it == applies_ok_.end() ? 0 : it->second;
        if (host.permit_informs < expected) return false;
    }
    return true;
}

bool Bench::run(PhaseResult& out) {
    result_ = &out;
    tcp::resolver resolver(io_);
    const auto endpoints = resolver.resolve(url_.host, url_.port);
    const tcp::endpoint ep = *endpoints.begin();
    const std::string host_header = url_.host + ":" + url_.port;

    bots_.resize(static_cast<std::size_t>(clients_));
    const int rooms = (clients_ + o_.room_size - 1) / o_.room_size;
    rooms_.assign(static_cast<std::size_t>(rooms), {});
    for (int i = 0; i < clients_; ++i) {
        Bot& b = bots_[static_cast<std::size_t>(i)];
        b.index = i;
        b.room = i / o_.room_size;
        b.host = i % o_.room_size == 0;
        b.room_id = room_prefix_ + "-" + std::to_string(b.room + 1);
        b.name = "bench " + std::to_string(i + 1);
        rooms_[static_cast<std::size_t>(b.room)].push_back(i);
        b.ws = std::make_shared<WsClient>(io_);
        b.ws->on_open = [&b] { b.open = true; };
        b.ws->on_text = [this, &b](std::string_view t) { on_text(b, t); };
        b.ws->on_fail = [this, &b](const std::string& why) {
            if (!b.dead) std::fprintf(stderr, "bot %d (%s): connection lost: %s\n", b.index, b.room_id.c_str(), why.c_str());
            b.dead = true;
            ++result_->disconnects;
            b.pending.clear();
        };
        b.ws->start(ep, host_header, url_.target);
    }
    auto count = [&](auto pred) {
        return std::count_if(bots_.begin(), bots_.end(), pred);
    };
    if (!run_until([&] { return count([](const Bot& b) { return b.open || b.dead; }) == clients_; }, o_.timeout_s)) {
        std::fprintf(stderr, "timed out connecting\n");
        out.timed_out = true;
        return false;
    }
    // Hosts first (the first joiner of a room is its host), then everyone else.
    auto join = [&](Bot& b) {
        send(b, "vcJoinRoom", Json{{"room_id", b.room_id}, {"user_name", b.name}, {"camera", 1}, {"mic", 1}});
    };
    for (auto& b : bots_)
        if (b.host && !b.dead) join(b);
    auto hosts_joined = [&] { return count([](const Bot& b) { return !b.host || b.joined || b.dead; }) == clients_; };
    auto all_joined = [&] { return count([](const Bot& b) { return b.joined || b.dead; }) == clients_; };
    bool ok = run_until(hosts_joined, o_.timeout_s);
    if (ok) {
        for (auto& b : bots_)
            if (!b.host && !b.dead) join(b);
        ok = run_until(all_joined, o_.timeout_s);
    }
    if (!ok) {
        std::fprintf(stderr, "timed out joining\n");
        out.timed_out = true;
        return false;
    }
    // Let the join informs drain, then build the operation lists (they need user ids).
    const auto settle_end = Clock::now() + std::chrono::duration<double, std::milli>(o_.settle_ms);
    run_until([&] { return Clock::now() >= settle_end; }, o_.timeout_s);
    for (auto& b : bots_) {
        build_ops(b);
        b.tokens = o_.burst;
        b.refilled = Clock::now();
    }

    const double cpu0 = server_cpu_seconds(o_.server_pid);
    const double own0 = own_cpu_seconds();
    const auto srv0 = schedstat(std::to_string(o_.server_pid));
    const auto self0 = schedstat("self");
    measuring_ = true;
    if (sequential_) ok = run_until([&] { return all_done(); }, o_.timeout_s, [&] { pump_sequential(); });
    else ok = run_until([&] { return all_done(); }, o_.timeout_s, [&] { pump(); });
    measuring_ = false;
    out.client_cpu_s = own_cpu_seconds() - own0;
    const auto srv1 = schedstat(std::to_string(o_.server_pid));
    const auto self1 = schedstat("self");
    if (o_.server_pid > 0 && srv0.first >= 0 && srv1.first >= 0 && !sequential_) {
        out.server_run_s = srv1.first - srv0.first;
        out.server_wait_s = srv1.second - srv0.second;
    }
    if (self0.first >= 0 && self1.first >= 0) {
        out.client_run_s = self1.first - self0.first;
        out.client_wait_s = self1.second - self0.second;
    }
    const double cpu1 = server_cpu_seconds(o_.server_pid);
    if (cpu0 >= 0 && cpu1 >= 0 && !sequential_) out.server_cpu_s = cpu1 - cpu0;
    out.timed_out = !ok;
    if (!ok) std::fprintf(stderr, "timed out waiting for replies\n");
    out.seconds = std::chrono::duration<double>(last_reply_ - first_send_).count();

    try {
        out.server_stats = fetch_stats(url_);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "could not read /api/v1/stats: %s\n", e.what());
        ok = false;
    }
    // Leave with a close frame (a clean leave), then let the closes finish.
    for (auto& b : bots_) b.ws->close();
    run_until([&] { return count([](const Bot& b) { return b.ws->done(); }) == clients_; }, 10);
    return ok && out.disconnects == 0;
}

// [SECTION] report

std::string fmt(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

Json phase_json(const PhaseResult& r) {
    Json ops = Json::object();
    for (const auto& [event, samples] : r.rtt_us) {
        Json codes = Json::object();
        for (const auto& [code, n] : r.codes.at(event)) codes[std::to_string(code)] = n;
        ops[event] = Json{{"replies", samples.size()},
                          {"rtt_median_ms", percentile(samples, 50) / 1000.0},
                          {"rtt_p99_ms", percentile(samples, 99) / 1000.0},
                          {"codes", codes}};
    }
    return Json{{"sent", r.sent},
                {"replies", r.replies},
                {"informs_received", r.informs},
                {"permits_sent", r.permits_sent},
                {"seconds", r.seconds},
                {"ops_per_s", r.seconds > 0 ? static_cast<double>(r.replies) / r.seconds : 0.0},
                {"disconnects", r.disconnects},
                {"timed_out", r.timed_out},
                {"server_cpu_s", r.server_cpu_s},
                {"client_cpu_s", r.client_cpu_s},
                {"server_on_cpu_s", r.server_run_s},
                {"server_waiting_for_cpu_s", r.server_wait_s},
                {"client_on_cpu_s", r.client_run_s},
                {"client_waiting_for_cpu_s", r.client_wait_s},
                {"initial_requests", r.initial_requests},
                {"initial_drain_s", r.initial_drain_s},
                {"client", ops},
                {"server", r.server_stats}};
}

void print_codes(const PhaseResult& r) {
    std::vector<std::string> odd;
    for (const auto& [event, codes] : r.codes)
        for (const auto& [code, n] : codes)
            if (code != 200) odd.push_back(event + " " + std::to_string(code) + " x" + std::to_string(n));
    if (odd.empty()) {
        std::printf("  every reply was 200\n");
        return;
    }
    std::printf("  replies other than 200:");
    for (const auto& s : odd) std::printf(" [%s]", s.c_str());
    std::printf("\n");
}

const Json* server_op(const PhaseResult& r, const std::string& event) {
    if (!r.server_stats.is_object() || !r.server_stats.contains("websocket")) return nullptr;
    const Json& ws = r.server_stats["websocket"];
    return ws.contains(event) ? &ws[event] : nullptr;
}

void report(const Options& o, const PhaseResult& burst, const PhaseResult* base) {
    const int rooms = (o.clients + o.room_size - 1) / o.room_size;
    std::printf("\n== PoseMeet control operations: burst from %d bots vs. sequential baseline ==\n", o.clients);
    std::printf("server limits: %s\n", o.server_limits.empty() ? "(not given)" : o.server_limits.c_str());
    std::printf("burst:    %s, %d clients in %d rooms of %d (host = first joiner), %d ops each,\n"
                "          paced per client at %.0f/s with a burst of %.0f (ops beyond the burst wait for tokens)\n",
                o.url.c_str(), o.clients, rooms, o.room_size, o.ops, o.rate, o.burst);
    std::printf("          %llu requests (%llu host permits) -> %llu replies in %.3f s = %.0f ops/s; %llu informs read; "
                "%d connection(s) lost%s\n",
                static_cast<unsigned long long>(burst.sent), static_cast<unsigned long long>(burst.permits_sent),
                static_cast<unsigned long long>(burst.replies), burst.seconds,
                burst.seconds > 0 ? static_cast<double>(burst.replies) / burst.seconds : 0.0,
                static_cast<unsigned long long>(burst.informs), burst.disconnects, burst.timed_out ? "; TIMED OUT" : "");
    if (burst.initial_requests > 0 && burst.initial_drain_s > 0)
        std::printf("          the %llu requests sent at once (each client's full bucket) were all answered after %.3f s\n"
                    "          = %.0f ops/s;"
                    " the rest is paced (hosts answering share requests at their rate)\n",
                    static_cast<unsigned long long>(burst.initial_requests), burst.initial_drain_s,
                    static_cast<double>(burst.initial_requests) / burst.initial_drain_s);
    if (burst.seconds > 0) {
        std::printf("          CPU during the burst: ");
        if (burst.server_cpu_s >= 0)
            std::printf("server %.2f s (%.0f %% of one core), ", burst.server_cpu_s,
                        100.0 * burst.server_cpu_s / burst.seconds);
        std::printf("this bench %.2f s (%.0f %%)\n", burst.client_cpu_s, 100.0 * burst.client_cpu_s / burst.seconds);
        if (burst.server_wait_s >= 0)
            std::printf("          runnable but waiting for a CPU (other processes had it): server %.2f s, bench %.2f s\n",
                        burst.server_wait_s, burst.client_wait_s);
    }
    print_codes(burst);
    if (base) {
        std::printf("baseline: %s (idle server), one room of %d, the same mix (%d ops per member), one request in\n"
                    "          flight on the whole server at a time: %llu replies in %.3f s = %.0f ops/s\n",
                    o.baseline_url.c_str(), std::min(o.room_size, o.clients), o.ops,
                    static_cast<unsigned long long>(base->replies), base->seconds,
                    base->seconds > 0 ? static_cast<double>(base->replies) / base->seconds : 0.0);
        print_codes(*base);
    }

    std::set<std::string> events;
    for (const auto& [e, s] : burst.rtt_us) events.insert(e);
    if (burst.server_stats.contains("websocket"))
        for (const auto& [e, s] : burst.server_stats["websocket"].items()) events.insert(e);

    std::printf("\nClient-side round trip (request queued by the client -> its reply read), milliseconds\n");
    std::printf("%-26s %8s %10s %10s %10s %10s\n", "operation", "replies", "burst med", "burst p99", "base med",
                "base p99");
    for (const auto& e : events) {
        auto it = burst.rtt_us.find(e);
        if (it == burst.rtt_us.end()) continue;
        std::string bm = "-", bp = "-";
        if (base) {
            auto b = base->rtt_us.find(e);
            if (b != base->rtt_us.end()) {
                bm = fmt(percentile(b->second, 50) / 1000.0, 3);
                bp = fmt(percentile(b->second, 99) / 1000.0, 3);
            }
        }
        std::printf("%-26s %8zu %10s %10s %10s %10s\n", e.c_str(), it->second.size(),
                    fmt(percentile(it->second, 50) / 1000.0, 1).c_str(),
                    fmt(percentile(it->second, 99) / 1000.0, 1).c_str(), bm.c_str(), bp.c_str());
    }

    std::printf("\nServer-side time per operation (GET /api/v1/stats, last %s samples per operation), microseconds\n",
                burst.server_stats.contains("window") ? burst.server_stats["window"].dump().c_str() : "?");
    std::printf("  handle = ControlService::handle alone; total = the whole message in the hub (parse, rate limit,\n"
                "  handle, audit store, reply + informs serialized and handed to the sockets)\n");
    std::printf("%-26s %7s | %8s %8s %8s %8s %6s | %8s %8s %8s %8s %6s\n", "operation", "count", "handle", "p99",
                "base", "p99", "ratio", "total", "p99", "base", "p99", "ratio");
    std::printf("%-26s %7s | %8s %8s %8s %8s %6s | %8s %8s %8s %8s %6s\n", "", "burst", "med", "", "med", "", "med",
                "med", "", "med", "", "med");
    for (const auto& e : events) {
        const Json* s = server_op(burst, e);
        if (!s) continue;
        const Json* b = base ? server_op(*base, e) : nullptr;
        auto num = [](const Json* j, const char* key, const char* sub = nullptr) -> double {
            if (!j || (sub && !j->contains(sub))) return -1;
            const Json& src = sub ? (*j)[sub] : *j;
            return src.value(key, -1.0);
        };
        const double hm = num(s, "median_us"), hp = num(s, "p99_us"), tm = num(s, "median_us", "total"),
                     tp = num(s, "p99_us", "total");
        const double bhm = num(b, "median_us"), bhp = num(b, "p99_us"), btm = num(b, "median_us", "total"),
                     btp = num(b, "p99_us", "total");
        auto cell = [](double v) { return v < 0 ? std::string("-") : fmt(v, 1); };
        auto ratio = [](double a, double c) { return a < 0 || c <= 0 ? std::string("-") : fmt(a / c, 2); };
        std::string count = s->contains("count") ? (*s)["count"].dump() : "?";
        if (s->value("samples", 0) < s->value("count", 0)) count += "*";
        std::printf("%-26s %7s | %8s %8s %8s %8s %6s | %8s %8s %8s %8s %6s\n", e.c_str(), count.c_str(),
                    cell(hm).c_str(), cell(hp).c_str(), cell(bhm).c_str(), cell(bhp).c_str(), ratio(hm, bhm).c_str(),
                    cell(tm).c_str(), cell(tp).c_str(), cell(btm).c_str(), cell(btp).c_str(), ratio(tm, btm).c_str());
    }
    std::printf("  ratio = burst median / baseline median; * = more operations than the window holds (figures are\n"
                "  over the most recent ones). vcJoinRoom happened before the burst (all clients joining at once).\n");
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_args(argc, argv, o)) return 2;
    const auto url = parse_url(o.url);
    std::optional<Url> base_url;
    if (!o.baseline_url.empty()) base_url = parse_url(o.baseline_url);
    if (!url || (!o.baseline_url.empty() && !base_url)) {
        std::fprintf(stderr, "URLs must look like ws://HOST:PORT/PATH\n");
        return 2;
    }
    if (o.room_size > 16)
        std::fprintf(stderr, "note: rooms of %d need --max-participants %d on the server\n", o.room_size, o.room_size);

    bool ok = true;
    PhaseResult base;
    if (base_url) {
        std::fprintf(stderr, "baseline: %d clients in one room, sequential...\n", std::min(o.room_size, o.clients));
        Bench b(o, *base_url, std::min(o.room_size, o.clients), /*sequential=*/true, "baseline");
        ok = b.run(base) && ok;
    }
    std::fprintf(stderr, "burst: %d clients...\n", o.clients);
    PhaseResult burst;
    {
        Bench b(o, *url, o.clients, /*sequential=*/false, "burst");
        ok = b.run(burst) && ok;
    }
    report(o, burst, base_url ? &base : nullptr);
    if (!o.json_path.empty()) {
        Json j{{"options",
                {{"clients", o.clients}, {"room_size", o.room_size}, {"ops", o.ops}, {"rate", o.rate},
                 {"burst", o.burst}, {"server_limits", o.server_limits}}},
               {"burst", phase_json(burst)}};
        if (base_url) j["baseline"] = phase_json(base);
        std::ofstream(o.json_path) << j.dump(2) << "\n";
    }
    if (!ok) std::fprintf(stderr, "\nSOMETHING WENT WRONG (see above): figures may be incomplete\n");
    return ok ? 0 : 1;
}
