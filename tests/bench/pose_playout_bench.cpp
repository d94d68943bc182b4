// Pose playout under a bad network: drives the synthetic figure (core/synthetic_pose.hpp)
// at each pose tier's rate through a simulated channel (loss, jitter and so reordering)
// into the real PoseInterpolator, renders it at 60 Hz and prints how far the figure moves
// from one frame to the next: the largest jump and the 99th percentile, beside the same
// figures for a perfect network (no loss, no jitter). A snap (a held pose catching up, a
// guess corrected) shows as a largest jump well above the perfect network's.
//
// Each tier is played three ways: "fixed 80" (the playout before issue 9: 80 ms behind,
// holding the newest pose when it runs out), "own delay" (today's playout without audio)
// and "with voice" (the sender's 20 ms audio frames cross the same channel into the real
// audio jitter buffer and a speaker queue; the pose plays at the sender time being heard,
// as the client does). For the last, the skew between pose and voice is printed too.
// "starved%" is the share of frames shown past the newest pose received (bridged along the
// last motion or held): what a playout delay too short for the tier and jitter costs.
// Poses skip the codec (its quantization is the same with or without loss).
//
//   posemeet_pose_playout_bench [--seconds=60] [--loss=0.10] [--jitter-ms=40]
//                               [--speaker-ms=60] [--seed=1]
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <queue>
#include <random>
#include <string>
#include <vector>

#include "core/audio/heard_timeline.hpp"
#include "core/audio/jitter_buffer.hpp"
#include "core/percentile.hpp"
#include "core/pose_interpolator.hpp"
#include "core/pose_tier.hpp"
#include "core/synthetic_pose.hpp"

using namespace posemeet;

namespace {

struct Options {
    double seconds = 60;
    double loss = 0.10;
    double jitter_ms = 40;
    double speaker_ms = 60;  // the browser's speaker queue (~60 ms) plus output latency
    std::uint32_t seed = 1;
};

enum class Mode { Fixed80, OwnDelay, WithVoice };
const char* mode_name(Mode m) {
    switch (m) {
        case Mode::Fixed80: return "fixed 80";
        case Mode::OwnDelay: return "own delay";
        case Mode::WithVoice: return "with voice";
    }
    return "?";
}

// One direction of a network path: each packet is lost, or arrives after a base transit
// plus a uniform jitter (so packets closer than the jitter overtake each other).
class Channel {
public:
    Channel(double loss, double jitter_ms, std::uint32_t seed) : loss_(loss), jitter_(jitter_ms), rng_(seed) {}
    // Arrival time for a packet sent at `sent_ms`, or none.
    std::optional<double> arrival(double sent_ms) {
        const bool lost = unit_(rng_) < loss_;
        const double extra = jitter_ * unit_(rng_);
        if (lost) return std::nullopt;
        return sent_ms + kBaseTransitMs + extra;
    }

private:
    static constexpr double kBaseTransitMs = 20;
    double loss_, jitter_;
    std::mt19937 rng_;
    std::uniform_real_distribution<double> unit_{0.0, 1.0};
};

template <typename T>
struct Arrival {
    double at;
    std::uint32_t ts;
    T item;
    bool operator>(const Arrival& o) const { return at > o.at; }
};
template <typename T>
using ArrivalQueue = std::priority_queue<Arrival<T>, std::vector<Arrival<T>>, std::greater<Arrival<T>>>;

double landmark_move(const Pose& a, const Pose& b) {
    double worst = 0;
    for (int i = 0; i < kLandmarkCount; ++i) {
        const double dx = a.landmarks[i].x - b.landmarks[i].x, dy = a.landmarks[i].y - b.landmarks[i].y;
        worst = std::max(worst, std::sqrt(dx * dx + dy * dy));
    }
    return worst;
}

struct RunResult {
    std::vector<double> jumps;   // per display frame: largest landmark move since the last
    std::vector<double> skews;   // with voice: |pose sender time - voice sender time|, ms
    std::vector<double> delays;  // local now - sender time shown, ms
    int frames = 0, following = 0, starved = 0;
};

RunResult run(const Options& o, int rate_hz, Mode mode, double loss, double jitter_ms) {
    // Far from the 32-bit wrap: the synthetic figure itself jumps there (its motion is a
    // function of the wrapped clock); the interpolator's unwrapping has unit tests.
    constexpr std::uint32_t kMediaBase = 1'000'000'000u;
    const SyntheticPoseSource source(pose_seed_for_user("u-bench"));
    PosePlayoutConfig config;
    if (mode == Mode::Fixed80)
        config = PosePlayoutConfig{80.0, /*adapt_delay=*/false, /*extrapolate=*/false, /*fade_corrections=*/false};
    PoseInterpolator playout(config);
    Channel pose_net(loss, jitter_ms, o.seed), audio_net(loss, jitter_ms, o.seed * 7919u + 1);
    ArrivalQueue<Pose> poses;
    ArrivalQueue<std::uint16_t> audio;
    audio::JitterBuffer jitter_buffer;
    audio::HeardTimeline heard;
    std::uint16_t audio_seq = 0;

    const double interval = 1000.0 / rate_hz;
    const double end = o.seconds * 1000.0;
    double next_pose = 0, next_audio = 0, next_frame = 0;
    std::optional<Pose> last_shown;
    RunResult r;
    for (double t = 0; t < end; t += 0.5) {
        const auto media = [&](double ms) { return kMediaBase + static_cast<std::uint32_t>(std::llround(ms)); };
        if (t >= next_pose) {
            const std::uint32_t ts = media(next_pose);
            if (auto at = pose_net.arrival(t)) poses.push({*at, ts, source.pose_at(ts)});
            next_pose += interval;
        }
        while (!poses.empty() && poses.top().at <= t) {
            playout.push(poses.top().ts, poses.top().item, t);
            poses.pop();
        }
        if (mode == Mode::WithVoice && t >= next_audio) {
            // A 20 ms frame captured now goes out; the speaker plays one frame every 20 ms.
            if (auto at = audio_net.arrival(t)) audio.push({*at, media(t), audio_seq});
            ++audio_seq;
            next_audio += audio::kFrameMs;
            while (!audio.empty() && audio.top().at <= t) {
                jitter_buffer.push(audio.top().item, audio.top().ts, {0x1}, media(audio.top().at));
                audio.pop();
            }
            const audio::Playout p = jitter_buffer.pop(media(t));
            if (p.kind == audio::Playout::Kind::Silence) heard.silence(t + o.speaker_ms);
            else heard.frame(t + o.speaker_ms, p.timestamp_ms);
        }
        if (t >= next_frame) {
            next_frame += 1000.0 / 60;
            const std::optional<MediaTimeAnchor> voice = mode == Mode::WithVoice ? heard.at(t) : std::nullopt;
            const std::optional<Pose> shown = playout.render(t, voice);
            if (!shown) continue;
            if (t > 2000) {  // past the start-up (buffers filling, estimates settling)
                ++r.frames;
                if (playout.starved()) ++r.starved;
                if (last_shown) r.jumps.push_back(landmark_move(*last_shown, *shown));
                const double shown_ts = static_cast<double>(*playout.rendered_sender_ms() - kMediaBase);
                r.delays.push_back(t - shown_ts);
                if (voice) {
                    ++r.following;
                    const double voice_ts = static_cast<double>(voice->sender_ms - kMediaBase) + (t - voice->local_ms);
                    r.skews.push_back(std::abs(shown_ts - voice_ts));
                }
            }
            last_shown = shown;
        }
    }
    return r;
}

bool parse(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        const char* a = argv[i];
        auto value = [&](const char* name) -> const char* {
            const std::size_t n = std::strlen(name);
            return std::strncmp(a, name, n) == 0 ? a + n : nullptr;
        };
        if (const char* v = value("--seconds=")) o.seconds = std::max(5.0, std::atof(v));
        else if (const char* v = value("--loss=")) o.loss = std::clamp(std::atof(v), 0.0, 0.9);
        else if (const char* v = value("--jitter-ms=")) o.jitter_ms = std::max(0.0, std::atof(v));
        else if (const char* v = value("--speaker-ms=")) o.speaker_ms = std::max(0.0, std::atof(v));
        else if (const char* v = value("--seed=")) o.seed = static_cast<std::uint32_t>(std::strtoul(v, nullptr, 10));
        else {
            std::fprintf(stderr,
                         "usage: %s [--seconds=60] [--loss=0.10] [--jitter-ms=40] [--speaker-ms=60] [--seed=1]\n",
                         argv[0]);
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse(argc, argv, o)) return 2;
    std::printf("pose playout: %.0f s per run, %.0f %% loss, %.0f ms jitter (uniform, on 20 ms transit), "
                "speaker %.0f ms; 60 Hz display\n",
                o.seconds, o.loss * 100, o.jitter_ms, o.speaker_ms);
    std::printf("jump = largest landmark move between two display frames (image widths); ratio = lossy / perfect\n\n");
    std::printf("%-5s %-11s %10s %10s %10s %10s %7s %7s %8s %9s %9s %7s %9s\n", "tier", "playout", "max jump",
                "p99 jump", "max perf.", "p99 perf.", "max x", "p99 x", "delay ms", "skew p99", "skew max",
                "voice%", "starved%");
    for (int rate : kPoseTiers) {
        for (Mode mode : {Mode::Fixed80, Mode::OwnDelay, Mode::WithVoice}) {
            RunResult bad = run(o, rate, mode, o.loss, o.jitter_ms);
            RunResult good = run(o, rate, mode, 0.0, 0.0);
            const double max_bad = percentile(bad.jumps, 1.0), p99_bad = percentile(bad.jumps, 0.99);
            const double max_good = percentile(good.jumps, 1.0), p99_good = percentile(good.jumps, 0.99);
            char skew_p99[16] = "-", skew_max[16] = "-", voice[16] = "-";
            if (mode == Mode::WithVoice) {
                std::snprintf(skew_p99, sizeof skew_p99, "%.1f", percentile(bad.skews, 0.99));
                std::snprintf(skew_max, sizeof skew_max, "%.1f", percentile(bad.skews, 1.0));
                std::snprintf(voice, sizeof voice, "%.0f", 100.0 * bad.following / std::max(1, bad.frames));
            }
            std::printf("%-5d %-11s %10.5f %10.5f %10.5f %10.5f %7.2f %7.2f %8.0f %9s %9s %7s %9.1f\n", rate,
                        mode_name(mode), max_bad, p99_bad, max_good, p99_good, max_bad / max_good, p99_bad / p99_good,
                        percentile(bad.delays, 0.5), skew_p99, skew_max, voice,
                        100.0 * bad.starved / std::max(1, bad.frames));
            std::printf("RESULT tier=%d playout=%s max_jump_ratio=%.3f p99_jump_ratio=%.3f skew_p99_ms=%s "
                        "skew_max_ms=%s\n",
                        rate, mode == Mode::Fixed80 ? "fixed80" : mode == Mode::OwnDelay ? "own" : "voice",
                        max_bad / max_good, p99_bad / p99_good, skew_p99, skew_max);
        }
    }
    return 0;
}
