// See bot_options.hpp. The usage text is also the reference for tests/e2e, which start the
// bot with these flags.
#include "app/bot/bot_options.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "core/forwarding_policy.hpp"
#include "core/parse_number.hpp"

namespace posemeet::bot {
namespace {

const char* kUsage =
    "usage: posemeet-bot [options]\n"
    "  --url URL               server WebSocket (default ws://127.0.0.1:8080/ws)\n"
    "  --room ID               room to join (default demo)\n"
    "  --room-size N           at most N bots per room: bots beyond the first N go to ID-2, ID-3...\n"
    "                          (default 0 = all bots in one room)\n"
    "  --visible N             name the first N other members as on screen (vcSetMediaReceive):\n"
    "                          in a room beyond 16 the others' pose comes at 2/s (default: none named)\n"
    "  --name NAME             display name; bots after the first get \" 2\", \" 3\"... (default Bot)\n"
    "  --count N               bots in this process (default 1)\n"
    "  --duration S            run S seconds, then leave and exit (default 0 = until SIGINT/SIGTERM)\n"
    "  --stats-interval S      print a JSON line per bot every S seconds (default 1; 0 = only at exit)\n"
    "  --print-poses           include each remote's latest pose in the JSON lines\n"
    "  --pose-rate HZ          pose packets per second per bot (default 0 = by room size: up to 4\n"
    "                          people 30, up to 9 20, more 10, following joins and leaves)\n"
    "  --tick-ms MS            session tick period (default 5)\n"
    "  --join-interval-ms MS   delay between consecutive bots' joins (default 0)\n"
    "  --audio-in FILE.wav     speak this file, looped (any rate/channels; PCM16 or float32)\n"
    "  --audio-out FILE.wav    record what the first bot hears (48 kHz mono PCM16), written at exit\n"
    "  --audio-probe HZ,HZ     per remote, report the tone amplitude at these frequencies\n"
    "  --mic                   join with the microphone on (implied by --audio-in)\n"
    "  --test-loss FRACTION    test only: drop this fraction of received audio packets\n"
    "  --test-jitter-ms MS     test only: delay received audio packets by up to MS\n"
    "  --quiet                 no per-event messages on stderr\n"
    "  --token JWT             the access token to join with (one bot only)\n"
    "  --api-key KEY           sign an access token per bot with this API key and\n"
    "  --api-secret SECRET     secret (also from POSEMEET_API_KEY/SECRET or LIVEKIT_API_KEY/SECRET);\n"
    "                          without either the bots join without one (a --dev server)\n";

}  // namespace

bool parse_bot_options(int argc, char** argv, BotOptions& o) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i], value;
        bool has_value = false;
        if (const auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_value = true;
        }
        auto need = [&](std::string& out) {
            if (has_value) { out = value; return true; }
            if (i + 1 >= argc) {
                std::fprintf(stderr, "posemeet-bot: %s needs a value\n", arg.c_str());
                return false;
            }
            out = argv[++i];
            return true;
        };
        auto need_number = [&](double& out) {
            std::string s;
            if (!need(s)) return false;
            if (!parse_non_negative(s, out)) {
                std::fprintf(stderr, "posemeet-bot: bad number for %s: '%s'\n", arg.c_str(), s.c_str());
                return false;
            }
            return true;
        };
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (arg == "--url") {
            if (!need(o.url)) return false;
        } else if (arg == "--room") {
            if (!need(o.room)) return false;
        } else if (arg == "--room-size") {
            double n = 0;
            if (!need_number(n)) return false;
            if (n > 10000 || n != static_cast<int>(n)) {
                std::fprintf(stderr, "posemeet-bot: --room-size must be an integer in 0..10000\n");
                return false;
            }
            o.room_size = static_cast<int>(n);
        } else if (arg == "--visible") {
            double n = 0;
            if (!need_number(n)) return false;
            if (n < 0 || n > static_cast<double>(kMaxVisibleMembers) || n != static_cast<int>(n)) {
                std::fprintf(stderr, "posemeet-bot: --visible must be an integer in 0..%zu\n", kMaxVisibleMembers);
                return false;
            }
            o.visible = static_cast<int>(n);
        } else if (arg == "--name") {
            if (!need(o.name)) return false;
        } else if (arg == "--count") {
            double n = 0;
            if (!need_number(n)) return false;
            if (n < 1 || n > 10000 || n != static_cast<int>(n)) {
                std::fprintf(stderr, "posemeet-bot: --count must be an integer in 1..10000\n");
                return false;
            }
            o.count = static_cast<int>(n);
        } else if (arg == "--duration") {
            if (!need_number(o.duration_s)) return false;
        } else if (arg == "--stats-interval") {
            if (!need_number(o.stats_interval_s)) return false;
        } else if (arg == "--pose-rate") {
            if (!need_number(o.pose_rate_hz)) return false;  // 0: by room size
        } else if (arg == "--tick-ms") {
            if (!need_number(o.tick_ms)) return false;
            o.tick_ms = std::max(o.tick_ms, 0.5);
        } else if (arg == "--join-interval-ms") {
            if (!need_number(o.join_interval_ms)) return false;
        } else if (arg == "--audio-in") {
            if (!need(o.audio_in)) return false;
            o.mic = true;
        } else if (arg == "--audio-out") {
            if (!need(o.audio_out)) return false;
        } else if (arg == "--audio-probe") {
            std::string list;
            if (!need(list)) return false;
            std::size_t start = 0;
            while (start <= list.size()) {
                const std::size_t comma = std::min(list.find(',', start), list.size());
                double hz = 0;
                if (!parse_non_negative(list.substr(start, comma - start), hz) || hz <= 0 || hz >= 24000) {
                    std::fprintf(stderr, "posemeet-bot: --audio-probe wants frequencies in Hz like 440,660\n");
                    return false;
                }
                o.audio_probe.push_back(static_cast<float>(hz));
                start = comma + 1;
            }
        } else if (arg == "--mic" && !has_value) {
            o.mic = true;
        } else if (arg == "--test-loss") {
            if (!need_number(o.test_loss)) return false;
            if (o.test_loss > 1) {
                std::fprintf(stderr, "posemeet-bot: --test-loss is a fraction in 0..1\n");
                return false;
            }
        } else if (arg == "--test-jitter-ms") {
            if (!need_number(o.test_jitter_ms)) return false;
        } else if (arg == "--print-poses" && !has_value) {
            o.print_poses = true;
        } else if (arg == "--quiet" && !has_value) {
            o.quiet = true;
        } else if (arg == "--token") {
            if (!need(o.token)) return false;
        } else if (arg == "--api-key") {
            if (!need(o.api_key)) return false;
        } else if (arg == "--api-secret") {
            if (!need(o.api_secret)) return false;
        } else {
            std::fprintf(stderr, "posemeet-bot: unknown argument '%s'\n%s", argv[i], kUsage);
            return false;
        }
    }
    for (auto [field, names] : {std::pair{&o.api_key, std::pair{"POSEMEET_API_KEY", "LIVEKIT_API_KEY"}},
                                std::pair{&o.api_secret, std::pair{"POSEMEET_API_SECRET", "LIVEKIT_API_SECRET"}}}) {
        if (!field->empty()) continue;
        if (const char* v = std::getenv(names.first)) *field = v;
        else if (const char* w = std::getenv(names.second)) *field = w;
    }
    if (o.api_key.empty() != o.api_secret.empty()) {
        std::fprintf(stderr, "posemeet-bot: --api-key and --api-secret go together\n");
        return false;
    }
    if (!o.token.empty() && o.count > 1) {
        std::fprintf(stderr, "posemeet-bot: --token is one identity: use it with --count 1, or give --api-key/--api-secret\n");
        return false;
    }
    return true;
}

}  // namespace posemeet::bot
