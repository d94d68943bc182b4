// A simulated pose stream for tests and the codec bench: one PoseStreamEncoder, several
// receivers behind a lossy, jittery (so sometimes reordering) network, acks flowing back the
// same way. Reports what was sent (sizes, keyframe reasons) and what each receiver could show.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <random>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose_ack.hpp"
#include "core/pose_quantizer.hpp"
#include "core/pose_stream_codec.hpp"

namespace posemeet::test {

struct PoseStreamSimConfig {
    double rate_hz = 30;
    double seconds = 30;
    int receivers = 3;
    double loss = 0;         // each packet, either way, independently
    double one_way_ms = 20;  // plus up to jitter_ms, uniformly: packets overtake each other
    double jitter_ms = 10;
    double ack_interval_ms = 100;
    std::uint32_t seed = 1;
    PoseStreamEncoder::Config encoder;
};

struct PoseStreamSimReceiver {
    std::uint64_t arrived = 0, decoded = 0, missing_reference = 0, malformed = 0;
    std::uint64_t acks_sent = 0;
    // Longest run of consecutive frames (by frame id) that arrived but could not be decoded,
    // in frames and in milliseconds of stream time.
    int longest_undecodable_run = 0;
    double longest_undecodable_ms = 0;
    // Largest error of a decoded visible landmark against the pose that was sent.
    float max_error_xy = 0, max_error_z = 0, max_error_visibility = 0;
};

struct PoseStreamSimResult {
    std::vector<std::size_t> keyframe_packet_bytes, delta_packet_bytes;  // media header included
    PoseStreamEncoder::Stats encoder;
    std::vector<PoseStreamSimReceiver> receivers;
    std::uint64_t frames = 0;
    double seconds = 0;
};

inline PoseStreamSimResult simulate_pose_stream(const std::function<Pose(std::uint32_t)>& next_pose,
                                                const PoseStreamSimConfig& cfg) {
    namespace pq = pose_quantizer;
    struct Event {
        double at;
        std::uint64_t order;  // ties keep sending order
        int receiver;
        bool is_ack;
        std::uint16_t frame_id;
        std::uint32_t timestamp_ms;
        std::vector<std::uint8_t> payload;
        bool operator>(const Event& o) const { return at != o.at ? at > o.at : order > o.order; }
    };
    std::priority_queue<Event, std::vector<Event>, std::greater<Event>> network;
    std::mt19937 rng(cfg.seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::uint64_t order = 0;
    auto transit = [&] { return cfg.one_way_ms + cfg.jitter_ms * unit(rng); };

    PoseStreamEncoder encoder(cfg.encoder);
    const std::uint16_t sender_id = 1;
    std::vector<std::uint16_t> receiver_ids;
    for (int r = 0; r < cfg.receivers; ++r)
        receiver_ids.push_back(static_cast<std::uint16_t>(10 + r));
    std::vector<PoseStreamDecoder> decoders(cfg.receivers);
    std::vector<double> last_ack_at(cfg.receivers, -1e9);
    std::vector<std::map<std::uint16_t, bool>> decoded_ids(cfg.receivers);  // frame id -> decoded?
    std::map<std::uint16_t, Pose> sent_poses;
    std::map<std::uint16_t, std::uint32_t> sent_times;

    PoseStreamSimResult result;
    result.receivers.resize(cfg.receivers);

    auto deliver = [&](const Event& e) {
        if (e.is_ack) {
            if (auto ack = parse_pose_ack(e.payload.data(), e.payload.size()))
                encoder.on_ack(receiver_ids[e.receiver], *ack);
            return;
        }
        PoseStreamSimReceiver& out = result.receivers[e.receiver];
        ++out.arrived;
        auto d = decoders[e.receiver].decode(e.frame_id, e.timestamp_ms, e.payload.data(),
                                             e.payload.size());
        const bool ok = d.status == PoseStreamDecoder::Status::Decoded;
        decoded_ids[e.receiver][e.frame_id] = decoded_ids[e.receiver][e.frame_id] || ok;
        // Acks as the client sends them: at once for a keyframe, else at most every interval
        // for any pose packet (so a receiver that cannot decode still asks for a keyframe).
        const bool keyframe = ok && d.type == PoseFrameType::Keyframe;
        if (keyframe || e.at - last_ack_at[e.receiver] >= cfg.ack_interval_ms) {
            if (const auto ack = decoders[e.receiver].ack(sender_id)) {
                last_ack_at[e.receiver] = e.at;
                ++out.acks_sent;
                if (unit(rng) >= cfg.loss)
                    network.push(
                        {e.at + transit(), order++, e.receiver, true, 0, 0, encode_pose_ack(*ack)});
            }
        }
        if (!ok) {
            (d.status == PoseStreamDecoder::Status::MissingReference ? out.missing_reference
                                                                     : out.malformed)++;
            return;
        }
        ++out.decoded;
        const Pose& want = sent_poses.at(e.frame_id);
        const auto q = pq::quantize(want);
        const auto got = pq::quantize(d.pose);
        for (int i = 0; i < kLandmarkCount; ++i) {
            const LandmarkPoint& a = want.landmarks[i];
            const LandmarkPoint& b = d.pose.landmarks[i];
            out.max_error_visibility =
                std::max(out.max_error_visibility, std::fabs(a.visibility - b.visibility));
            const bool hidden = std::min(q[i][pq::kVisibility], got[i][pq::kVisibility]) <=
                                pq::kHiddenVisibilityLevel;
            if (hidden && cfg.encoder.skip_hidden_positions) continue;  // not drawn, not kept
            out.max_error_xy =
                std::max({out.max_error_xy, std::fabs(a.x - b.x), std::fabs(a.y - b.y)});
            out.max_error_z = std::max(out.max_error_z, std::fabs(a.z - b.z));
        }
    };

    const double interval = 1000.0 / cfg.rate_hz;
    const auto frames = static_cast<std::uint64_t>(cfg.seconds * cfg.rate_hz);
    for (std::uint64_t k = 0; k < frames; ++k) {
        const double now = k * interval;
        while (!network.empty() && network.top().at <= now) {
            Event e = network.top();
            network.pop();
            deliver(e);
        }
        const auto frame_id = static_cast<std::uint16_t>(k);
        const auto ts = static_cast<std::uint32_t>(std::lround(now));
        const Pose pose = next_pose(ts);
        sent_poses[frame_id] = pose;
        sent_times[frame_id] = ts;
        auto frame = encoder.encode(pose, frame_id, ts, receiver_ids);
        const std::size_t packet = kMediaHeaderBytes + frame.payload.size();
        (frame.type == PoseFrameType::Keyframe ? result.keyframe_packet_bytes
                                               : result.delta_packet_bytes)
            .push_back(packet);
        for (int r = 0; r < cfg.receivers; ++r)
            if (unit(rng) >= cfg.loss)
                network.push({now + transit(), order++, r, false, frame_id, ts, frame.payload});
    }
    while (!network.empty()) {
        Event e = network.top();
        network.pop();
        deliver(e);
    }
    for (int r = 0; r < cfg.receivers; ++r) {
        PoseStreamSimReceiver& out = result.receivers[r];
        int run = 0;
        std::uint32_t run_start = 0;
        for (std::uint64_t k = 0; k < frames; ++k) {
            const auto id = static_cast<std::uint16_t>(k);
            auto it = decoded_ids[r].find(id);
            if (it == decoded_ids[r].end()) continue;  // lost: neither ends nor extends a run
            if (it->second) {
                run = 0;
                continue;
            }
            if (run++ == 0) run_start = sent_times[id];
            out.longest_undecodable_run = std::max(out.longest_undecodable_run, run);
            out.longest_undecodable_ms =
                std::max(out.longest_undecodable_ms, double(sent_times[id] - run_start) + interval);
        }
    }
    result.encoder = encoder.stats();
    result.frames = frames;
    result.seconds = cfg.seconds;
    return result;
}

}  // namespace posemeet::test
