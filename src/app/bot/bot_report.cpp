// See bot_report.hpp. The keys and their meaning are what tests/e2e read: change them only
// together with those tests.
#include "app/bot/bot_report.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>

#include "core/audio/tone_analysis.hpp"

namespace posemeet::bot {

using protocol::Json;

namespace {

// Per remote (and "_mix", what the speaker got), over the frames played since the last
// stats line: the median amplitude at each probe frequency, frames that were concealed, and
// the longest run of silent frames after the first audible one (a gap in the speech).
Json audio_probe_json(AudioEngine& audio, std::size_t probe_count) {
    Json out = Json::object();
    const Json tap = audio.take_tap();
    for (auto it = tap.begin(); it != tap.end(); ++it) {
        std::vector<audio::ProbedFrame> frames;
        for (const Json& f : it.value()) {
            frames.push_back(audio::ProbedFrame{f["rms"].get<float>(), f["kind"] == "conceal",
                                                f["mag"].get<std::vector<float>>()});
        }
        const audio::ToneProbeSummary s = audio::summarize_probed_frames(frames, probe_count);
        Json mags = Json::array();
        for (double median : s.median_magnitudes) mags.push_back(std::round(median * 1e4) / 1e4);
        out[it.key()] = Json{{"frames", s.frames},
                             {"audible_frames", s.audible_frames},
                             {"concealed", s.concealed_frames},
                             {"longest_gap_frames", s.longest_gap_frames},
                             {"magnitudes", mags}};
    }
    return out;
}

}  // namespace

Json stats_line(Bot& b, const BotOptions& options, double now, double start_ms, bool final_line) {
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
              {"t", std::round((now - start_ms) / 10.0) / 100.0}};
    const auto& ws = b.socket->stats();
    line["socket"] = Json{{"messages_received", ws.messages_received},
                          {"bytes_received", ws.bytes_received},
                          {"messages_sent", ws.messages_sent},
                          {"binary_dropped", ws.binary_dropped},
                          {"queued_bytes", b.socket->queued_bytes()}};
    line["audio"] = b.audio->state_json();
    if (!options.audio_probe.empty()) line["audio_probe"] = audio_probe_json(*b.audio, options.audio_probe.size());
    if (final_line) line["final"] = true;
    const double dt_s = (now - b.rates.since_ms) / 1000.0;
    const bool fresh_window = dt_s >= 0.5;  // else too short to measure a rate
    std::map<std::string, std::pair<std::uint64_t, double>> received;
    Json participants = Json::array();
    for (const Json& p : state["participants"]) {
        if (p.value("is_self", false)) continue;
        const std::string id = p.value("user_id", std::string());
        const std::uint64_t count = p.value("packets_received", std::uint64_t{0});
        const auto prev = b.rates.previous.find(id);
        const bool known = prev != b.rates.previous.end();
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
        if (options.print_poses) q["latest_pose"] = pose;
        participants.push_back(std::move(q));
        received[id] = {fresh_window ? count : before, rate};
    }
    line["participants"] = std::move(participants);
    if (fresh_window) b.rates.since_ms = now;
    b.rates.previous = std::move(received);
    return line;
}

void print_stats_lines(const std::vector<std::unique_ptr<Bot>>& bots, const BotOptions& options,
                       double now_ms, double start_ms, bool final_line) {
    std::string out;
    for (const auto& b : bots) {
        out += stats_line(*b, options, now_ms, start_ms, final_line).dump();
        out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
}

void log_event(const std::string& bot_name, const std::string& event, const Json& data) {
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
    std::fprintf(stderr, "[%s] %s\n", bot_name.c_str(), text.c_str());
}

}  // namespace posemeet::bot
