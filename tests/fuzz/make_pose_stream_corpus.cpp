// Writes the seed corpus of fuzz_pose_stream (and the pose seeds of fuzz_media_packet) from
// real encoder output, so the seeds follow the wire format as it is, not as someone typed it:
//   make_pose_stream_corpus tests/fuzz/corpus
// (cmake --build build/native --target make_pose_stream_corpus builds it.) Deterministic:
// running it again rewrites identical files.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "../support/camera_like_motion.hpp"
#include "core/media_packet.hpp"
#include "core/pose_ack.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/synthetic_pose.hpp"

using namespace posemeet;
using Bytes = std::vector<std::uint8_t>;

namespace {

std::string g_dir;

void write(const std::string& name, const Bytes& b) {
    const std::string path = g_dir + "/" + name;
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    if (!f) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(1);
    }
}

// One fuzz_pose_stream packet: u16 frame id, u8 length, payload.
void add_packet(Bytes& script, std::uint16_t id, const Bytes& payload) {
    script.push_back(static_cast<std::uint8_t>(id));
    script.push_back(static_cast<std::uint8_t>(id >> 8));
    script.push_back(static_cast<std::uint8_t>(payload.size()));
    script.insert(script.end(), payload.begin(), payload.end());
}

struct Stream {
    std::vector<std::uint16_t> ids;
    std::vector<PoseStreamEncoder::Frame> frames;
};

// `count` frames from `next`, ids from `first_id`, acknowledged by one receiver when `acks`.
Stream encode_stream(const std::function<Pose(std::uint32_t)>& next, int count,
                     std::uint16_t first_id, bool acks, PoseStreamEncoder::Config config = {}) {
    Stream s;
    PoseStreamEncoder enc(config);
    PoseStreamDecoder dec;
    for (int k = 0; k < count; ++k) {
        const auto id = static_cast<std::uint16_t>(first_id + k);
        const auto ts = static_cast<std::uint32_t>(k * 100 / 3);
        auto f = enc.encode(next(ts), id, ts, {1});
        dec.decode(id, ts, f.payload.data(), f.payload.size());
        if (acks) enc.on_ack(1, *dec.ack(0));
        s.ids.push_back(id);
        s.frames.push_back(std::move(f));
    }
    return s;
}

Bytes script_of(const Stream& s, std::size_t skip_first = 0) {
    Bytes script{0};
    for (std::size_t i = skip_first; i < s.frames.size(); ++i)
        add_packet(script, s.ids[i], s.frames[i].payload);
    return script;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_ROOT (e.g. tests/fuzz/corpus)\n", argv[0]);
        return 2;
    }
    const std::string root = argv[1];
    const SyntheticPoseSource figure(pose_seed_for_user("alice"));
    auto synthetic = [&](std::uint32_t t) { return figure.pose_at(1'700'000'000u + t); };
    test::CameraLikeMotion camera(7);
    auto camera_like = [&](std::uint32_t t) { return camera.next(t); };

    g_dir = root + "/fuzz_pose_stream";
    const Stream acked = encode_stream(synthetic, 12, 100, true);
    write("synthetic_acked.bin", script_of(acked));
    write("synthetic_no_acks.bin", script_of(encode_stream(synthetic, 12, 0, false)));
    write("camera_like_coarse.bin", script_of(encode_stream(camera_like, 12, 500, true)));
    write("ids_wrapping.bin", script_of(encode_stream(synthetic, 12, 65530, true)));
    write("deltas_without_keyframe.bin", script_of(acked, 1));
    PoseStreamEncoder::Config keep_hidden;
    keep_hidden.skip_hidden_positions = false;
    write("hidden_positions_kept.bin",
          script_of(encode_stream(camera_like, 8, 7, true, keep_hidden)));
    {
        // Two preloaded keyframes (levels as a keyframe carries them), then a delta built on one.
        Bytes script{2};
        for (std::size_t i : {std::size_t{0}, std::size_t{3}}) {
            const Bytes key = PoseStreamEncoder()
                                  .encode(synthetic(static_cast<std::uint32_t>(i * 33)), 0, 0, {})
                                  .payload;
            script.push_back(static_cast<std::uint8_t>(acked.ids[0] + i));
            script.push_back(static_cast<std::uint8_t>((acked.ids[0] + i) >> 8));
            script.insert(script.end(), key.begin() + 1, key.end());
        }
        add_packet(script, acked.ids[4], acked.frames[4].payload);
        write("preloaded_keyframes.bin", script);
    }
    {
        Bytes script{0};
        add_packet(script, 1, encode_pose_ack({1, 2, 0xF0F0F0F0u, false, false, 0}));
        add_packet(script, 2, encode_pose_ack({1, 0, 0, true, true, 9}));
        write("ack_payloads.bin", script);
    }

    g_dir = root + "/fuzz_media_packet";
    MediaHeader h;
    h.sender = 3;
    h.sequence = acked.ids[0];
    h.timestamp_ms = 1000;
    write("pose_keyframe.bin", encode_media_packet(h, acked.frames[0].payload));
    h.sequence = acked.ids[5];
    write("pose_delta.bin", encode_media_packet(h, acked.frames[5].payload));
    h.kind = MediaKind::PoseAck;
    write("pose_ack.bin",
          encode_media_packet(h, encode_pose_ack({3, 105, 0x1Fu, false, false, 0})));
    std::printf("wrote the pose stream seeds under %s\n", root.c_str());
    return 0;
}
