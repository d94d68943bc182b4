// posemeet-bot: N synthetic participants in one process, on one io_context and one thread.
// Each bot is a MeetingSession (the same client code the browser runs) with its own
// WebSocket; it joins a room, sends its synthetic pose at 30 Hz through the server relay
// and receives everyone else's. With --audio-in it also speaks a WAV file (Opus, through
// the same relay), and with --audio-out it records what it hears. Used by tests (one bot,
// --print-poses, --audio-probe) and as a load generator (--count 50).
//
// stdout: one JSON line per bot every --stats-interval seconds and once at exit (flushed).
// stderr: human-readable progress.
// Exit code: 0, or 1 if any bot's join failed (status "failed"), 2 for bad usage.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "client/audio_engine.hpp"
#include "client/meeting_session.hpp"
#include "platform/native/beast_signaling_socket.hpp"
#include "platform/native/file_audio_device.hpp"
#include "platform/native/system_clock.hpp"

namespace asio = boost::asio;
using posemeet::protocol::Json;

namespace {

struct Options {
    std::string url = "ws://127.0.0.1:8080/ws";
    std::string room = "demo";
    int room_size = 0;  // bots per room; 0 = all in --room
    std::string name = "Bot";
    int count = 1;
    double duration_s = 0;        // 0 = until SIGINT/SIGTERM
    double stats_interval_s = 1;  // 0 = only the final line
    bool print_poses = false;
    bool quiet = false;
    double pose_rate_hz = 30;
    double tick_ms = 5;
    double join_interval_ms = 0;  // stagger the bots' joins
    std::string audio_in;         // WAV spoken by every bot (looped); implies --mic
    std::string audio_out;        // WAV of what the first bot heard, written at exit
    std::vector<float> audio_probe;  // frequencies measured per remote in the stats lines
    bool mic = false;
    double test_loss = 0;         // test-only impairment of received audio
    double test_jitter_ms = 0;
};

const char* kUsage =
    "usage: posemeet-bot [options]\n"
    "  --url URL               server WebSocket (default ws://127.0.0.1:8080/ws)\n"
    "  --room ID               room to join (default demo)\n"
    "  --room-size N           at most N bots per room: bots beyond the first N go to ID-2, ID-3...\n"
    "                          (default 0 = all bots in one room)\n"
    "  --name NAME             display name; bots after the first get \" 2\", \" 3\"... (default Bot)\n"
    "  --count N               bots in this process (default 1)\n"
    "  --duration S            run S seconds, then leave and exit (default 0 = until SIGINT/SIGTERM)\n"
    "  --stats-interval S      print a JSON line per bot every S seconds (default 1; 0 = only at exit)\n"
    "  --print-poses           include each remote's latest pose in the JSON lines\n"
    "  --pose-rate HZ          pose packets per second per bot (default 30)\n"
    "  --tick-ms MS            session tick period (default 5)\n"
    "  --join-interval-ms MS   delay between consecutive bots' joins (default 0)\n"
    "  --audio-in FILE.wav     speak this file, looped (any rate/channels; PCM16 or float32)\n"
    "  --audio-out FILE.wav    record what the first bot hears (48 kHz mono PCM16), written at exit\n"
    "  --audio-probe HZ,HZ     per remote, report the tone amplitude at these frequencies\n"
    "  --mic                   join with the microphone on (implied by --audio-in)\n"
    "  --test-loss FRACTION    test only: drop this fraction of received audio packets\n"
    "  --test-jitter-ms MS     test only: delay received audio packets by up to MS\n"
    "  --quiet                 no per-event messages on stderr\n";

bool parse_double(const std::string& s, double& out) {
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && end && *end == '\0' && out >= 0 && out == out;
}

// Returns false (after printing why) on bad usage.
bool parse_args(int argc, char** argv, Options& o) {
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
            if (!parse_double(s, out)) {
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
            if (!need_number(o.pose_rate_hz)) return false;
            if (o.pose_rate_hz <= 0) {
                std::fprintf(stderr, "posemeet-bot: --pose-rate must be > 0\n");
                return false;
            }
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
                if (!parse_double(list.substr(start, comma - start), hz) || hz <= 0 || hz >= 24000) {
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
        } else {
            std::fprintf(stderr, "posemeet-bot: unknown argument '%s'\n%s", argv[i], kUsage);
            return false;
        }
    }
    return true;
}

struct Bot {
    std::string name;
    std::string room;
    // Declared before the session: the session's destructor still closes the socket.
    std::unique_ptr<posemeet::BeastSignalingSocket> socket;
    std::unique_ptr<posemeet::MeetingSession> session;
    // After the session, which they hold on to (destroyed first).
    std::unique_ptr<posemeet::AudioEngine> audio;
    std::unique_ptr<posemeet::FileAudioDevice> audio_device;
    bool started = false;
    // For packets_per_s: packets_received per remote at the previous stats line, and the
    // rate printed then (reused when the final line follows a periodic one closely).
    std::map<std::string, std::pair<std::uint64_t, double>> prev_received;
    double prev_stats_ms = 0;
};

class BotRunner {
public:
    BotRunner(asio::io_context& io, Options options, std::vector<float> audio_in)
        : io_(io), options_(std::move(options)), tick_timer_(io), signals_(io, SIGINT, SIGTERM) {
        posemeet::SessionConfig config;
        config.server_url = options_.url;
        config.force_relay = true;  // no WebRTC on native anyway
        config.pose_rate_hz = options_.pose_rate_hz;
        config.join_with_mic = options_.mic;
        posemeet::AudioEngineConfig audio_config;
        audio_config.test_loss = options_.test_loss;
        audio_config.test_jitter_ms = static_cast<int>(options_.test_jitter_ms);
        for (int i = 0; i < options_.count; ++i) {
            auto bot = std::make_unique<Bot>();
            bot->name = i == 0 ? options_.name : options_.name + " " + std::to_string(i + 1);
            const int room_index = options_.room_size > 0 ? i / options_.room_size : 0;
            bot->room = room_index == 0 ? options_.room : options_.room + "-" + std::to_string(room_index + 1);
            bot->socket = std::make_unique<posemeet::BeastSignalingSocket>(io_);
            bot->session = std::make_unique<posemeet::MeetingSession>(config, *bot->socket, nullptr, clock_);
            bot->audio = std::make_unique<posemeet::AudioEngine>(*bot->session, audio_config);
            if (!options_.audio_probe.empty()) bot->audio->start_tap(options_.audio_probe);
            bot->audio_device = std::make_unique<posemeet::FileAudioDevice>(
                clock_, audio_in, /*record=*/i == 0 && !options_.audio_out.empty());
            bot->audio->attach_device(*bot->audio_device);
            bot->audio_device->start_capture({});  // the --audio-in file, when there is one
            Bot* b = bot.get();
            const bool quiet = options_.quiet;
            b->session->set_event_listener([b, quiet](const std::string& event, const Json& data) {
                // --quiet still reports a failed join: it decides the exit code.
                if (!quiet || (event == "status" && data.value("status", std::string()) == "failed"))
                    log_event(*b, event, data);
            });
            bots_.push_back(std::move(bot));
        }
    }

    void start() {
        const int rooms = options_.room_size > 0 ? (options_.count + options_.room_size - 1) / options_.room_size : 1;
        std::fprintf(stderr, "posemeet-bot: %d bot%s -> %s room '%s'%s%s\n", options_.count,
                     options_.count == 1 ? "" : "s", options_.url.c_str(), options_.room.c_str(),
                     rooms > 1 ? (" (+" + std::to_string(rooms - 1) + " more)").c_str() : "",
                     options_.duration_s > 0 ? "" : " (until SIGINT/SIGTERM)");
        start_ms_ = clock_.now_ms();
        next_stats_ms_ = start_ms_ + options_.stats_interval_s * 1000.0;
        signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            std::fprintf(stderr, "posemeet-bot: %s, leaving\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
            shutdown();
        });
        next_tick_ = std::chrono::steady_clock::now();
        on_tick();
    }

    int exit_code() const { return any_failed_ ? 1 : 0; }

private:
    static void log_event(const Bot& b, const std::string& event, const Json& data) {
        std::string text;
        if (event == "status") {
            text = "status " + data.value("status", std::string());
            const std::string err = data.value("error", std::string());
            if (!err.empty()) text += ": " + err;
        } else if (event == "joined") {
            const Json user = data.value("user", Json::object());
            text = "joined room '" + data.value("room", Json::object()).value("room_id", std::string()) +
                   "' as " + user.value("user_id", std::string()) + " (media id " +
                   std::to_string(user.value("media_id", 0)) + ")";
        } else if (event == "left") {
            text = "left the room";
        } else if (event == "disconnected") {
            text = "disconnected: " + data.value("reason", std::string());
        } else if (event == "participantJoined" || event == "participantLeft") {
            text = event + " " + data.value("user_name", std::string()) + " (" +
                   data.value("user_id", std::string()) + ")";
        } else {
            text = event + " " + data.dump();
        }
        std::fprintf(stderr, "[%s] %s\n", b.name.c_str(), text.c_str());
    }

    void on_tick() {
        const double now = clock_.now_ms();
        const double elapsed_ms = now - start_ms_;
        bool any_alive = false;
        for (std::size_t i = 0; i < bots_.size(); ++i) {
            Bot& b = *bots_[i];
            if (!b.started && elapsed_ms >= static_cast<double>(i) * options_.join_interval_ms) {
                b.started = true;
                b.prev_stats_ms = now;
                b.session->join(b.room, b.name);
            }
            b.session->tick();
            if (b.started) b.audio_device->pump();
            if (!b.started || b.session->status() != posemeet::ConnectionStatus::Failed) any_alive = true;
        }
        if (options_.stats_interval_s > 0 && now >= next_stats_ms_) {
            print_stats(false);
            next_stats_ms_ += options_.stats_interval_s * 1000.0;
            if (next_stats_ms_ <= now) next_stats_ms_ = now + options_.stats_interval_s * 1000.0;
        }
        if (!any_alive) {
            std::fprintf(stderr, "posemeet-bot: every bot failed to join\n");
            return shutdown();
        }
        if (options_.duration_s > 0 && elapsed_ms >= options_.duration_s * 1000.0) {
            std::fprintf(stderr, "posemeet-bot: %.1f s elapsed, leaving\n", options_.duration_s);
            return shutdown();
        }
        // Fixed cadence; after a stall, resume from now instead of bursting to catch up.
        const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::duration<double, std::milli>(options_.tick_ms));
        next_tick_ += period;
        const auto steady_now = std::chrono::steady_clock::now();
        if (next_tick_ <= steady_now) next_tick_ = steady_now + period;
        tick_timer_.expires_at(next_tick_);
        tick_timer_.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && !stopping_) on_tick();
        });
    }

    // Final stats, then every bot leaves (vcLeaveRoom + WebSocket close). io.run() returns
    // once the last closing handshake is done (each is bounded by the socket's close timeout).
    void shutdown() {
        if (stopping_) return;
        stopping_ = true;
        tick_timer_.cancel();
        boost::system::error_code ignored;
        signals_.cancel(ignored);
        signals_.clear(ignored);  // a second Ctrl-C kills the process the default way
        print_stats(true);
        write_recording();
        for (auto& b : bots_) {
            if (b->session->status() == posemeet::ConnectionStatus::Failed) any_failed_ = true;
            b->session->leave();
        }
    }

    void write_recording() {
        if (options_.audio_out.empty() || bots_.empty()) return;
        std::string error;
        const auto& samples = bots_.front()->audio_device->recording();
        if (posemeet::write_wav_file_48k_mono(options_.audio_out, samples, error))
            std::fprintf(stderr, "posemeet-bot: wrote %.1f s of what %s heard to %s\n",
                         static_cast<double>(samples.size()) / 48000.0, bots_.front()->name.c_str(),
                         options_.audio_out.c_str());
        else
            std::fprintf(stderr, "posemeet-bot: %s\n", error.c_str());
    }

    // Per remote, over the frames played since the last stats line: the median amplitude
    // at each probe frequency, frames that were concealed, and the longest run of silent
    // frames after the first audible one (a gap in the speech).
    Json audio_probe_json(Bot& b) {
        Json out = Json::object();
        const Json tap = b.audio->take_tap();
        for (auto it = tap.begin(); it != tap.end(); ++it) {
            const Json& frames = it.value();
            std::vector<std::vector<double>> mags_at(options_.audio_probe.size());
            int audible = 0, gap = 0, longest_gap = 0, concealed = 0;
            bool started = false;
            for (const Json& f : frames) {
                for (std::size_t k = 0; k < mags_at.size(); ++k) mags_at[k].push_back(f["mag"][k].get<double>());
                const bool loud = f["rms"].get<double>() > -40.0;
                if (f["kind"] == "conceal") ++concealed;
                if (loud) {
                    ++audible;
                    started = true;
                    gap = 0;
                } else if (started) {
                    longest_gap = std::max(longest_gap, ++gap);
                }
            }
            Json mags = Json::array();
            for (auto& m : mags_at) {
                double median = 0;
                if (!m.empty()) {
                    std::nth_element(m.begin(), m.begin() + static_cast<std::ptrdiff_t>(m.size() / 2), m.end());
                    median = m[m.size() / 2];
                }
                mags.push_back(std::round(median * 1e4) / 1e4);
            }
            out[it.key()] = Json{{"frames", frames.size()}, {"audible_frames", audible}, {"concealed", concealed},
                                 {"longest_gap_frames", longest_gap}, {"magnitudes", mags}};
        }
        return out;
    }

    void print_stats(bool final_line) {
        const double now = clock_.now_ms();
        std::string out;
        for (auto& b : bots_) {
            out += stats_line(*b, now, final_line).dump();
            out += '\n';
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
    }

    Json stats_line(Bot& b, double now, bool final_line) {
        const Json state = b.session->state_json();
        const Json& self = state["self"];
        Json line{{"bot", b.name},
                  {"status", state["status"]},
                  {"error", state["error"]},
                  {"room", b.room},
                  {"user_id", self.is_object() ? self["user_id"] : Json(nullptr)},
                  {"media_id", self.is_object() ? self["media_id"] : Json(nullptr)},
                  {"sent", state["pose_packets_sent"]},
                  {"bytes_sent", state["pose_bytes_sent"]},
                  {"t", std::round((now - start_ms_) / 10.0) / 100.0}};
        const auto& ws = b.socket->stats();
        line["socket"] = Json{{"messages_received", ws.messages_received},
                              {"bytes_received", ws.bytes_received},
                              {"messages_sent", ws.messages_sent},
                              {"binary_dropped", ws.binary_dropped},
                              {"queued_bytes", b.socket->queued_bytes()}};
        line["audio"] = b.audio->state_json();
        if (!options_.audio_probe.empty()) line["audio_probe"] = audio_probe_json(b);
        if (final_line) line["final"] = true;
        const double dt_s = (now - b.prev_stats_ms) / 1000.0;
        const bool fresh_window = dt_s >= 0.5;  // else too short to measure a rate
        std::map<std::string, std::pair<std::uint64_t, double>> received;
        Json participants = Json::array();
        for (const Json& p : state["participants"]) {
            if (p.value("is_self", false)) continue;
            const std::string id = p.value("user_id", std::string());
            const std::uint64_t count = p.value("packets_received", std::uint64_t{0});
            const auto prev = b.prev_received.find(id);
            const bool known = prev != b.prev_received.end();
            const std::uint64_t before = known ? prev->second.first : 0;
            double rate = 0;
            if (fresh_window || !known) {
                if (dt_s > 0.05 && count >= before) rate = static_cast<double>(count - before) / dt_s;
            } else {
                rate = prev->second.second;
            }
            rate = std::round(rate * 10) / 10;
            const Json& pose = p["latest_pose"];
            Json q{{"user_id", id},
                   {"user_name", p["user_name"]},
                   {"media_id", p["media_id"]},
                   {"transport", p["transport"]},
                   {"packets_received", count},
                   {"packets_per_s", rate},
                   {"latest_timestamp", pose.is_object() ? pose["timestamp"] : Json(nullptr)},
                   {"latency_ms", p["latency_ms"]}};
            if (options_.print_poses) q["latest_pose"] = pose;
            participants.push_back(std::move(q));
            received[id] = {fresh_window ? count : before, rate};
        }
        line["participants"] = std::move(participants);
        if (fresh_window) b.prev_stats_ms = now;
        b.prev_received = std::move(received);
        return line;
    }

    asio::io_context& io_;
    Options options_;
    posemeet::SystemClock clock_;
    std::vector<std::unique_ptr<Bot>> bots_;
    asio::steady_timer tick_timer_;
    asio::signal_set signals_;
    std::chrono::steady_clock::time_point next_tick_;
    double start_ms_ = 0, next_stats_ms_ = 0;
    bool stopping_ = false;
    bool any_failed_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    Options options;
    if (!parse_args(argc, argv, options)) return 2;
    if (std::string error; !posemeet::parse_ws_url(options.url, error)) {
        std::fprintf(stderr, "posemeet-bot: --url: %s\n", error.c_str());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);  // a dropped connection must be an error code, not a signal

    std::vector<float> audio_in;
    if (!options.audio_in.empty()) {
        std::string error;
        if (!posemeet::read_wav_file_48k_mono(options.audio_in, audio_in, error)) {
            std::fprintf(stderr, "posemeet-bot: --audio-in: %s\n", error.c_str());
            return 2;
        }
    }

    asio::io_context io(1);  // one thread runs everything
    int code = 0;
    {
        BotRunner runner(io, options, std::move(audio_in));
        runner.start();
        io.run();  // until shutdown() has closed every connection
        code = runner.exit_code();
    }
    std::fprintf(stderr, "posemeet-bot: done (exit %d)\n", code);
    return code;
}
