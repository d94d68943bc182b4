// Pose stream codec (core/pose_stream_codec.hpp) on a simulated network: packet sizes,
// keyframes and why they were sent, bytes per second per receiver at 30, 20 and 10 poses/s,
// and how much of the stream receivers could decode at 0, 10 and 30 % loss - for the
// synthetic figure, for camera-like motion (tests/support/camera_like_motion.hpp), and for a
// recorded landmark trace when given. The first format sent every pose as one 166-byte
// packet (9-byte header + 157); the last column compares with it.
//
//   posemeet_pose_codec_bench [--seconds=60] [--receivers=3] [--trace=FILE [--trace-hz=30]]
//                             [--check]
//
// A trace is a JSON array of frames, each 33 x [x, y, z, visibility] (MediaPipe order), at
// --trace-hz; lower rates take the frame nearest each send time. --check exits 1 when a
// bound of the issue fails (keyframe packets <= 160 bytes, deltas <= 64, nothing decoded
// outside the quantization error), so CTest can run a short version.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <string>
#include <vector>

#include "../support/camera_like_motion.hpp"
#include "../support/pose_stream_sim.hpp"
#include "core/percentile.hpp"
#include "core/pose_quantizer.hpp"
#include "core/synthetic_pose.hpp"

using namespace posemeet;
using namespace posemeet::test;

namespace {

constexpr double kOldPacketBytes = 166;  // 9-byte header + the 157-byte fixed-width pose
constexpr double kMaxKeyframePacketBytes = 160;

struct Options {
    double seconds = 60;
    int receivers = 3;
    std::string trace;
    double trace_hz = 30;
    bool check = false;
};

// A source of poses by send time, fresh for each run.
using SourceFactory = std::function<std::function<Pose(std::uint32_t)>()>;

struct Summary {
    double mean = 0, p99 = 0, max = 0;
};
Summary summarize(const std::vector<std::size_t>& sizes) {
    if (sizes.empty()) return {};
    std::vector<double> v(sizes.begin(), sizes.end());
    return {std::accumulate(v.begin(), v.end(), 0.0) / v.size(), percentile(v, 0.99),
            *std::max_element(v.begin(), v.end())};
}

bool g_failed = false;
void require(bool ok, const std::string& what) {
    if (ok) return;
    g_failed = true;
    std::printf("  CHECK FAILED: %s\n", what.c_str());
}

void run_source(const char* name, const SourceFactory& make, const Options& o) {
    std::printf(
        "\n== %s, %.0f s, %d receivers, one-way 20-30 ms, acks every 100 ms, keyframe interval 500 "
        "ms\n",
        name, o.seconds, o.receivers);
    std::printf("%-6s %-22s %-32s %-32s %-18s %s\n", "poses", "keyframe B mean/p99/max",
                "delta B mean/p99/max", "keyframes first/new/period/big", "B/s per receiver",
                "vs 166 B/pose");
    for (double rate : {30.0, 20.0, 10.0}) {
        PoseStreamSimConfig cfg;
        cfg.rate_hz = rate;
        cfg.seconds = o.seconds;
        cfg.receivers = o.receivers;
        const auto r = simulate_pose_stream(make(), cfg);
        const Summary k = summarize(r.keyframe_packet_bytes), d = summarize(r.delta_packet_bytes);
        const double bytes =
            std::accumulate(r.keyframe_packet_bytes.begin(), r.keyframe_packet_bytes.end(), 0.0) +
            std::accumulate(r.delta_packet_bytes.begin(), r.delta_packet_bytes.end(), 0.0);
        const double per_s = bytes / r.seconds;
        const double acks_per_s =
            r.receivers[0].acks_sent * (kMediaHeaderBytes + kPoseAckBytes) / r.seconds;
        char kf[64], ds[64], reasons[64], rates[64];
        std::snprintf(kf, sizeof kf, "%.0f/%.0f/%.0f (%zu)", k.mean, k.p99, k.max,
                      r.keyframe_packet_bytes.size());
        std::snprintf(ds, sizeof ds, "%.1f/%.0f/%.0f (%zu, %llu coarse)", d.mean, d.p99, d.max,
                      r.delta_packet_bytes.size(), (unsigned long long)r.encoder.coarse_deltas);
        std::snprintf(reasons, sizeof reasons, "%llu/%llu/%llu/%llu",
                      (unsigned long long)r.encoder.first_keyframes,
                      (unsigned long long)r.encoder.on_demand_keyframes,
                      (unsigned long long)r.encoder.periodic_keyframes,
                      (unsigned long long)r.encoder.oversized_delta_keyframes);
        std::snprintf(rates, sizeof rates, "%.0f + %.0f acks", per_s, acks_per_s);
        std::printf("%-6.0f %-22s %-32s %-32s %-18s %.2fx (%.0f B/s)\n", rate, kf, ds, reasons,
                    rates, per_s / (kOldPacketBytes * rate), kOldPacketBytes * rate);
        require(k.max <= kMaxKeyframePacketBytes, "keyframe packets <= 160 bytes");
        require(d.max <= kMaxDeltaPacketBytes, "delta packets <= 64 bytes");
    }
    std::printf("%-6s %-6s %-28s %-28s %s\n", "poses", "loss", "decoded/sent (of arrived)",
                "undecodable run max", "max error x,y / z / vis");
    for (double rate : {30.0, 10.0}) {
        for (double loss : {0.0, 0.1, 0.3}) {
            PoseStreamSimConfig cfg;
            cfg.rate_hz = rate;
            cfg.seconds = o.seconds;
            cfg.receivers = o.receivers;
            cfg.loss = loss;
            const auto r = simulate_pose_stream(make(), cfg);
            std::uint64_t arrived = 0, decoded = 0;
            int run = 0;
            double run_ms = 0;
            float exy = 0, ez = 0, ev = 0;
            for (const auto& x : r.receivers) {
                arrived += x.arrived;
                decoded += x.decoded;
                run = std::max(run, x.longest_undecodable_run);
                run_ms = std::max(run_ms, x.longest_undecodable_ms);
                exy = std::max(exy, x.max_error_xy);
                ez = std::max(ez, x.max_error_z);
                ev = std::max(ev, x.max_error_visibility);
                require(x.malformed == 0, "no frame the encoder made is refused as malformed");
            }
            const double sent = static_cast<double>(r.frames) * r.receivers.size();
            char dec[64], runs[64];
            std::snprintf(dec, sizeof dec, "%.1f %% (%.1f %%)", 100.0 * decoded / sent,
                          100.0 * decoded / std::max<std::uint64_t>(1, arrived));
            std::snprintf(runs, sizeof runs, "%d frames, %.0f ms", run, run_ms);
            std::printf("%-6.0f %-6.0f %-28s %-28s %.5f / %.4f / %.3f\n", rate, loss * 100, dec,
                        runs, exy, ez, ev);
            require(exy <= max_delta_error_xy(cfg.encoder.max_shift_xy) + 1e-6f &&
                        ez <= max_delta_error_z(cfg.encoder.max_shift_z) + 1e-6f &&
                        ev <= max_delta_error_visibility(cfg.encoder.visibility_deadband) + 1e-6f,
                    "decoded poses within the codec's error bounds");
        }
    }
}

std::vector<Pose> load_trace(const std::string& path) {
    std::ifstream f(path);
    if (!f) {
        std::fprintf(stderr, "cannot read %s\n", path.c_str());
        std::exit(2);
    }
    const auto j = nlohmann::json::parse(f, nullptr, false);
    std::vector<Pose> frames;
    if (!j.is_array()) {
        std::fprintf(stderr, "%s: want a JSON array of frames\n", path.c_str());
        std::exit(2);
    }
    for (const auto& frame : j) {
        if (!frame.is_array() || frame.size() != kLandmarkCount) {
            std::fprintf(stderr, "%s: frame %zu is not 33 landmarks\n", path.c_str(),
                         frames.size());
            std::exit(2);
        }
        Pose p;
        for (int i = 0; i < kLandmarkCount; ++i) {
            const auto& l = frame[i];
            if (!l.is_array() || l.size() != 4 || !l[0].is_number() || !l[1].is_number() ||
                !l[2].is_number() || !l[3].is_number()) {
                std::fprintf(stderr, "%s: frame %zu landmark %d is not [x, y, z, visibility]\n",
                             path.c_str(), frames.size(), i);
                std::exit(2);
            }
            p.landmarks[i] = {l[0].get<float>(), l[1].get<float>(), l[2].get<float>(),
                              l[3].get<float>()};
        }
        frames.push_back(p);
    }
    if (frames.empty()) {
        std::fprintf(stderr, "%s: no frames\n", path.c_str());
        std::exit(2);
    }
    return frames;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&](const char* name) -> const char* {
            const std::size_t n = std::strlen(name);
            return a.compare(0, n, name) == 0 ? argv[i] + n : nullptr;
        };
        if (const char* v = value("--seconds="))
            o.seconds = std::max(1.0, std::atof(v));
        else if (const char* v = value("--receivers="))
            o.receivers = std::max(1, std::atoi(v));
        else if (const char* v = value("--trace="))
            o.trace = v;
        else if (const char* v = value("--trace-hz="))
            o.trace_hz = std::max(1.0, std::atof(v));
        else if (a == "--check")
            o.check = true;
        else {
            std::fprintf(stderr,
                         "usage: %s [--seconds=60] [--receivers=3] [--trace=FILE [--trace-hz=30]] "
                         "[--check]\n",
                         argv[0]);
            return 2;
        }
    }
    std::printf(
        "pose stream codec: keyframe packet %zu B (payload %zu), delta packets <= %zu B; old "
        "format 166 B/pose\n",
        kMediaHeaderBytes + kKeyframePayloadBytes, kKeyframePayloadBytes, kMaxDeltaPacketBytes);
    std::printf("quantization error bounds: x,y %.5f  z %.4f  visibility %.3f\n",
                pose_quantizer::kMaxErrorXY, pose_quantizer::kMaxErrorZ,
                pose_quantizer::kMaxErrorVisibility);

    run_source(
        "synthetic figure (seed of user \"alice\")",
        [] {
            auto src = std::make_shared<SyntheticPoseSource>(pose_seed_for_user("alice"));
            return std::function<Pose(std::uint32_t)>(
                [src](std::uint32_t t) { return src->pose_at(t + 1'700'000'000u); });
        },
        o);
    run_source(
        "camera-like motion (simulated webcam landmarks, seed 7)",
        [] {
            auto src = std::make_shared<CameraLikeMotion>(7);
            return std::function<Pose(std::uint32_t)>(
                [src](std::uint32_t t) { return src->next(t); });
        },
        o);
    if (!o.trace.empty()) {
        const auto frames = std::make_shared<std::vector<Pose>>(load_trace(o.trace));
        const double hz = o.trace_hz;
        const std::string name = "trace " + o.trace + " (" + std::to_string(frames->size()) +
                                 " frames at " + std::to_string(static_cast<int>(hz)) +
                                 " Hz, looped)";
        run_source(
            name.c_str(),
            [frames, hz] {
                return std::function<Pose(std::uint32_t)>([frames, hz](std::uint32_t t) {
                    const auto k = static_cast<std::size_t>(std::llround(t * hz / 1000.0));
                    return (*frames)[k % frames->size()];
                });
            },
            o);
    }
    if (o.check) std::printf("\ncheck: %s\n", g_failed ? "FAILED" : "all bounds hold");
    return o.check && g_failed ? 1 : 0;
}
