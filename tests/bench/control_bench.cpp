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
// With --arrivals independent there is no burst: each client sends at random moments, --rate
// a second on average (tools/load_test.sh's control clients, as people in many meetings act);
// the figures are reported under the same names.
// Baseline: one room of R on an idle server, the same mix, one request in flight on the
// whole server at a time (the members take turns), so every operation has the same
// fan-out as in the burst but no concurrency.
//
// Measures the client-side round trip per operation (request queued -> reply read),
// throughput, and reads GET /api/v1/stats from both servers for the server-side time per
// operation (median, p99 over the server's window). Prints tables; --json FILE writes the
// figures too. Exit code 0, 1 when something went wrong (timeouts, lost connections),
// 2 for bad usage. The clients are the native platform's BeastSignalingSocket (the bot's
// and the native client's WebSocket), all on one io_context driven by this thread.
//
// Here: the clients and the two phases; control_bench_options.hpp: the command line;
// control_bench_report.hpp: the figures and the tables.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "control_bench_options.hpp"
#include "control_bench_report.hpp"
#include "client/room_url.hpp"
#include "platform/native/beast_signaling_socket.hpp"
#include "server/access_keys.hpp"

namespace posemeet::control_bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;  // hides posemeet::Clock (the client's interface)

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// [SECTION] figures read from outside: CPU time from /proc, the server's /api/v1/stats

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

// {on CPU, waiting for a CPU} in seconds for a process ("self" or a pid), summed over its
// threads (the process's own schedstat is its main thread's alone), or {-1, -1}.
std::pair<double, double> schedstat(const std::string& who) {
    std::error_code ec;
    double run = 0, wait = 0;
    bool any = false;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + who + "/task", ec)) {
        std::ifstream f(task.path() / "schedstat");
        double r = 0, w = 0;
        if (!(f >> r >> w)) continue;
        run += r, wait += w, any = true;
    }
    if (!any) return {-1, -1};
    return {run / 1e9, wait / 1e9};
}

double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return s(u.ru_utime) + s(u.ru_stime);
}

Json fetch_stats(const WsUrl& u) {
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
    std::unique_ptr<BeastSignalingSocket> ws;
    bool open = false, joined = false, dead = false;
    std::vector<Op> ops;
    std::size_t next = 0;
    std::deque<std::string> permits;  // applicants to answer (host)
    double tokens = 0;
    Clock::time_point refilled;
    Clock::time_point next_at;  // --arrivals independent: when this client acts next
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
    // `address` is `url` parsed (main checked it): where GET /api/v1/stats goes.
    Bench(const Options& o, const std::string& url, const WsUrl& address, int clients, bool sequential,
          const std::string& room_prefix)
        : o_(o), url_(url), address_(address), clients_(clients), sequential_(sequential), room_prefix_(room_prefix),
          gap_s_(o.rate) {}

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
        b.ws->send_text(msg.dump());
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
    void pump_independent();  // each client at its own random moments
    void pump_sequential();   // baseline: one request in flight in total
    bool all_done() const;

    const Options& o_;
    std::string url_;
    WsUrl address_;
    int clients_;
    bool sequential_;
    std::string room_prefix_;
    asio::io_context io_;
    std::mt19937 random_{20261201};  // --arrivals independent: the same moments every run
    std::exponential_distribution<double> gap_s_;
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

void Bench::pump_independent() {
    const auto now = Clock::now();
    for (auto& b : bots_) {
        // Late moments (this loop was busy) are caught up, as a person's clicks would queue.
        while (b.has_work() && now >= b.next_at && send_next(b))
            b.next_at += std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap_s_(random_)));
    }
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
    // As the old hand-rolled client had it: no keep-alive pings (a benchmark adds no traffic
    // of its own) and generous timeouts for 200 clients connecting to a busy server at once.
    BeastSignalingSocket::Options socket_options;
    socket_options.connect_timeout_s = 10;
    socket_options.handshake_timeout_s = 30;
    socket_options.idle_timeout_s = 0;
    socket_options.max_message_bytes = 64 << 20;
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
        b.ws = std::make_unique<BeastSignalingSocket>(io_, socket_options);
        SignalingSocket::Handlers handlers;
        handlers.on_open = [&b] { b.open = true; };
        handlers.on_text = [this, &b](std::string_view t) { on_text(b, t); };
        handlers.on_close = [this, &b](int, const std::string& why) {
            if (!b.dead) std::fprintf(stderr, "bot %d (%s): connection lost: %s\n", b.index, b.room_id.c_str(), why.c_str());
            b.dead = true;
            ++result_->disconnects;
            b.pending.clear();
        };
        // The room named as the page names it: the server puts the room's clients on one thread.
        b.ws->connect(websocket_url_for_room(url_, b.room_id), std::move(handlers));
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
        Json content{{"room_id", b.room_id}, {"user_name", b.name}, {"camera", 1}, {"mic", 1}};
        if (o_.tokens) content["token"] = server::mint_dev_token(b.room_id, "bench-" + std::to_string(b.index), b.name, now_s());
        send(b, "vcJoinRoom", content);
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
        // The first moment too is random: a Poisson process has no start in common.
        b.next_at = b.refilled + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(gap_s_(random_)));
    }

    const double cpu0 = server_cpu_seconds(o_.server_pid);
    const double own0 = own_cpu_seconds();
    const auto srv0 = schedstat(std::to_string(o_.server_pid));
    const auto self0 = schedstat("self");
    measuring_ = true;
    if (sequential_) ok = run_until([&] { return all_done(); }, o_.timeout_s, [&] { pump_sequential(); });
    else if (o_.independent) ok = run_until([&] { return all_done(); }, o_.timeout_s, [&] { pump_independent(); });
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
        out.server_stats = fetch_stats(address_);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "could not read /api/v1/stats: %s\n", e.what());
        ok = false;
    }
    // Leave with a close frame (a clean leave), then let the closes finish.
    for (auto& b : bots_) b.ws->close();
    // Nothing but the closing connections is left on io_: run() returns when they are done.
    io_.restart();
    io_.run_for(std::chrono::seconds(10));
    return ok && out.disconnects == 0;
}

}  // namespace
}  // namespace posemeet::control_bench

int main(int argc, char** argv) {
    using namespace posemeet::control_bench;
    Options o;
    if (!parse_args(argc, argv, o)) return 2;
    std::string error;
    const auto url = posemeet::parse_ws_url(o.url, error);
    std::optional<posemeet::WsUrl> base_url;
    if (url && !o.baseline_url.empty()) base_url = posemeet::parse_ws_url(o.baseline_url, error);
    if (!url || (!o.baseline_url.empty() && !base_url)) {
        std::fprintf(stderr, "--url / --baseline-url: %s\n", error.c_str());
        return 2;
    }
    if (o.room_size > 16)
        std::fprintf(stderr, "note: rooms of %d need --max-participants %d on the server\n", o.room_size, o.room_size);

    bool ok = true;
    PhaseResult base;
    if (base_url) {
        std::fprintf(stderr, "baseline: %d clients in one room, sequential...\n", std::min(o.room_size, o.clients));
        Bench b(o, o.baseline_url, *base_url, std::min(o.room_size, o.clients), /*sequential=*/true, "baseline");
        ok = b.run(base) && ok;
    }
    std::fprintf(stderr, "burst: %d clients...\n", o.clients);
    PhaseResult burst;
    {
        Bench b(o, o.url, *url, o.clients, /*sequential=*/false, "burst");
        ok = b.run(burst) && ok;
    }
    report(o, burst, base_url ? &base : nullptr);
    if (!o.json_path.empty()) {
        Json j{{"options",
                {{"clients", o.clients}, {"room_size", o.room_size}, {"ops", o.ops}, {"rate", o.rate},
                 {"burst", o.burst}, {"arrivals", o.independent ? "independent" : "together"}, {"server_limits", o.server_limits}}},
               {"burst", phase_json(burst)}};
        if (base_url) j["baseline"] = phase_json(base);
        std::ofstream(o.json_path) << j.dump(2) << "\n";
    }
    if (!ok) std::fprintf(stderr, "\nSOMETHING WENT WRONG (see above): figures may be incomplete\n");
    return ok ? 0 : 1;
}
