// See control_bench_options.hpp.
#include "control_bench_options.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/parse_number.hpp"

namespace posemeet::control_bench {
namespace {

const char* kUsage =
    "usage: posemeet_control_bench --url ws://HOST:PORT/ws [options]\n"
    "  --url URL            server for the burst (fresh: its /api/v1/stats is read at the end)\n"
    "  --baseline-url URL   a second, idle server for the sequential baseline (default: none)\n"
    "  --clients N          WebSocket clients in the burst (default 200)\n"
    "  --room-size N        clients per room, the first joiner is host (default 10)\n"
    "  --ops N              operations per client (default 100)\n"
    "  --rate R             per-client pacing, operations/s (default 50 = the server's default limit)\n"
    "  --burst B            per-client pacing bucket (default 100 = the server's default burst)\n"
    "  --arrivals together|independent\n"
    "                       together (default): every client's bucket starts full at the same\n"
    "                       moment and refills in step, a burst; independent: each client sends\n"
    "                       at random moments, --rate a second on average (a Poisson process)\n"
    "  --timeout S          give up after S seconds per phase (default 120)\n"
    "  --server-pid PID     read the burst server's CPU time from /proc/PID/stat\n"
    "  --server-limits TXT  the server's rate-limit flags, printed in the report\n"
    "  --json FILE          also write the figures as JSON\n"
    "  --tokens dev|none    joins carry an access token signed with the development key (the\n"
    "                       servers run --dev), to measure what checking it costs (default none)\n";

bool parse_num(const std::string& s, double& out) { return parse_non_negative(s, out) && std::isfinite(out); }

}  // namespace

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
        else if (arg == "--arrivals" && (value == "together" || value == "independent"))
            o.independent = value == "independent";
        else if (arg == "--tokens" && (value == "dev" || value == "none")) o.tokens = value == "dev";
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

}  // namespace posemeet::control_bench
