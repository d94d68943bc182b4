// See control_bench_report.hpp. Percentiles are the project's nearest-rank definition
// (core/percentile.hpp), the same as the server's /api/v1/stats.
#include "control_bench_report.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/percentile.hpp"

namespace posemeet::control_bench {
namespace {

std::string fmt(double v, int decimals = 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
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

}  // namespace

Json phase_json(const PhaseResult& r) {
    Json ops = Json::object();
    std::vector<double> every;  // every request's round trip, whatever its operation
    for (const auto& [event, samples] : r.rtt_us) {
        every.insert(every.end(), samples.begin(), samples.end());
        Json codes = Json::object();
        for (const auto& [code, n] : r.codes.at(event)) codes[std::to_string(code)] = n;
        ops[event] = Json{{"replies", samples.size()},
                          {"rtt_median_ms", percentile(samples, 0.5) / 1000.0},
                          {"rtt_p99_ms", percentile(samples, 0.99) / 1000.0},
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
                {"client_all", Json{{"replies", every.size()},
                                    {"rtt_median_ms", percentile(every, 0.5) / 1000.0},
                                    {"rtt_p99_ms", percentile(every, 0.99) / 1000.0}}},
                {"server", r.server_stats}};
}

void report(const Options& o, const PhaseResult& burst, const PhaseResult* base) {
    const int rooms = (o.clients + o.room_size - 1) / o.room_size;
    std::printf("\n== PoseMeet control operations: burst from %d bots vs. sequential baseline ==\n", o.clients);
    std::printf("server limits: %s\n", o.server_limits.empty() ? "(not given)" : o.server_limits.c_str());
    std::printf("burst:    %s, %d clients in %d rooms of %d (host = first joiner), %d ops each,\n",
                o.url.c_str(), o.clients, rooms, o.room_size, o.ops);
    if (o.independent)
        std::printf("          each client at random moments, %g/s on average (independent arrivals, no burst)\n", o.rate);
    else
        std::printf("          paced per client at %.0f/s with a burst of %.0f (ops beyond the burst wait for tokens)\n",
                    o.rate, o.burst);
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
                bm = fmt(percentile(b->second, 0.5) / 1000.0, 3);
                bp = fmt(percentile(b->second, 0.99) / 1000.0, 3);
            }
        }
        std::printf("%-26s %8zu %10s %10s %10s %10s\n", e.c_str(), it->second.size(),
                    fmt(percentile(it->second, 0.5) / 1000.0, 1).c_str(),
                    fmt(percentile(it->second, 0.99) / 1000.0, 1).c_str(), bm.c_str(), bp.c_str());
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

}  // namespace posemeet::control_bench
