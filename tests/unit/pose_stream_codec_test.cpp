// pose_stream_codec: keyframes and deltas of one sender's poses - round trip, sizes, loss,
// reordering, duplicates, keyframe recovery, acknowledged references, late joiners.
#include "core/pose_stream_codec.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "../support/camera_like_motion.hpp"
#include "../support/pose_stream_sim.hpp"
#include "core/bit_io.hpp"
#include "core/media_packet.hpp"
#include "core/pose_ack.hpp"
#include "core/pose_quantizer.hpp"
#include "core/synthetic_pose.hpp"

using namespace posemeet;
using namespace posemeet::test;
namespace pq = posemeet::pose_quantizer;

namespace {

constexpr float kEps = 1e-6f;
using Decoded = PoseStreamDecoder::Status;

struct MaxErrors {
    float xy = 0, z = 0, vis = 0;
    void add(const Pose& a, const Pose& b) {
        for (int i = 0; i < kLandmarkCount; ++i) {
            const auto& p = a.landmarks[i];
            const auto& q = b.landmarks[i];
            xy = std::max({xy, std::fabs(p.x - q.x), std::fabs(p.y - q.y)});
            z = std::max(z, std::fabs(p.z - q.z));
            vis = std::max(vis, std::fabs(p.visibility - q.visibility));
        }
    }
};

Pose synthetic(std::uint32_t t) {
    return SyntheticPoseSource(pose_seed_for_user("alice")).pose_at(1'700'000'000u + t);
}
std::uint32_t frame_time(int k) { return static_cast<std::uint32_t>(k * 100 / 3); }  // 30 Hz

// The delta's reference frame id, read back from the wire (byte 1 = distance).
std::uint16_t reference_on_wire(std::uint16_t frame_id, const std::vector<std::uint8_t>& payload) {
    REQUIRE(payload.size() >= 2);
    REQUIRE((payload[0] & 3) == 1);
    return static_cast<std::uint16_t>(frame_id - payload[1]);
}

}  // namespace

TEST_SUITE_BEGIN("pose_stream_codec");

TEST_CASE("Exp-Golomb codes round-trip and cost what exp_golomb_bits says") {
    std::vector<std::uint8_t> out;
    BitWriter w(out);
    std::vector<std::pair<std::uint32_t, int>> values;
    std::size_t bits = 0;
    for (int k = 0; k <= 15; ++k)
        for (std::uint32_t v : {0u, 1u, 2u, 3u, 7u, 8u, 100u, 4095u, 16381u, 1u << 20}) {
            values.push_back({v, k});
            w.write_exp_golomb(v, k);
            bits += static_cast<std::size_t>(BitWriter::exp_golomb_bits(v, k));
        }
    CHECK(out.size() == (bits + 7) / 8);
    CHECK(BitWriter::exp_golomb_bits(0, 0) == 1);
    CHECK(BitWriter::exp_golomb_bits(0, 3) == 4);
    CHECK(BitWriter::exp_golomb_bits(1, 0) == 3);
    BitReader r(out.data(), out.size());
    for (auto [v, k] : values) {
        std::uint32_t got = 0;
        REQUIRE(r.read_exp_golomb(got, k, 24));
        CHECK(got == v);
    }
    // A zero prefix longer than allowed is refused rather than read as a huge number.
    const std::vector<std::uint8_t> zeros(8, 0);
    BitReader z(zeros.data(), zeros.size());
    std::uint32_t v = 0;
    CHECK_FALSE(z.read_exp_golomb(v, 0, 16));
}

TEST_CASE("pose acks round-trip and refuse other sizes and unknown flags") {
    PoseAck a{0x1234, 0xFFFE, 0x80000001u, false, true, 0xFFFF};
    const auto bytes = encode_pose_ack(a);
    REQUIRE(bytes.size() == kPoseAckBytes);
    auto back = parse_pose_ack(bytes.data(), bytes.size());
    REQUIRE(back.has_value());
    CHECK(*back == a);
    CHECK(a.holds(0xFFFE));
    CHECK(a.holds(0xFFFD));        // bit 0
    CHECK(a.holds(0xFFDE));        // bit 31 = newest - 32
    CHECK_FALSE(a.holds(0xFFDD));  // beyond the mask
    CHECK_FALSE(a.holds(0xFFFF));  // newer than newest
    PoseAck empty;
    empty.holds_nothing = true;
    CHECK_FALSE(empty.holds(0));
    CHECK(parse_pose_ack(encode_pose_ack(empty).data(), kPoseAckBytes)->holds_nothing);
    for (std::size_t n : {std::size_t{0}, std::size_t{8}, std::size_t{10}, std::size_t{12}}) {
        std::vector<std::uint8_t> b(n, 0);
        CHECK_FALSE(parse_pose_ack(b.data(), b.size()).has_value());
    }
    auto bad = bytes;
    bad[8] |= 4;  // unknown flag
    CHECK_FALSE(parse_pose_ack(bad.data(), bad.size()).has_value());
    bad = bytes;
    bad[8] = 0;  // a frame id without the wish it belongs to
    CHECK_FALSE(parse_pose_ack(bad.data(), bad.size()).has_value());
}

TEST_CASE("a keyframe is a 159-byte packet and decodes within half a quantization step") {
    std::mt19937 rng(12345);
    std::uniform_real_distribution<float> xy(pq::kXYMin, pq::kXYMax), z(pq::kZMin, pq::kZMax),
        vis(0.0f, 1.0f);
    MaxErrors err;
    for (int n = 0; n < 500; ++n) {
        Pose p;
        for (auto& l : p.landmarks) l = {xy(rng), xy(rng), z(rng), vis(rng)};
        PoseStreamEncoder enc;
        auto f = enc.encode(p, static_cast<std::uint16_t>(n), 0, {});
        REQUIRE(f.type == PoseFrameType::Keyframe);
        REQUIRE(f.payload.size() == kKeyframePayloadBytes);
        CHECK(kMediaHeaderBytes + f.payload.size() <= 160);
        PoseStreamDecoder dec;
        auto d = dec.decode(static_cast<std::uint16_t>(n), 0, f.payload.data(), f.payload.size());
        REQUIRE(d.status == Decoded::Decoded);
        err.add(p, d.pose);
    }
    CHECK(err.xy <= pq::kMaxErrorXY + kEps);
    CHECK(err.z <= pq::kMaxErrorZ + kEps);
    CHECK(err.vis <= pq::kMaxErrorVisibility + kEps);
    CHECK(pq::kMaxErrorXY == doctest::Approx(1.5 / 4095 / 2));  // the first format's x,y precision
}

TEST_CASE(
    "deltas of the synthetic figure round-trip at full precision; camera-like ones within the "
    "stated error") {
    SUBCASE("synthetic: every delta fits at one level, so the error is the quantizer's") {
        const auto r = simulate_pose_stream(synthetic, PoseStreamSimConfig{});
        CHECK(r.encoder.coarse_deltas == 0);
        for (const auto& x : r.receivers) {
            CHECK(x.decoded == r.frames);
            CHECK(x.max_error_xy <= pq::kMaxErrorXY + kEps);
            CHECK(x.max_error_z <= pq::kMaxErrorZ + kEps);
            CHECK(x.max_error_visibility <= pq::kMaxErrorVisibility + kEps);
        }
    }
    SUBCASE("camera-like: noisier, so coarser units, but within the codec's bounds") {
        CameraLikeMotion cam(3);
        const auto r = simulate_pose_stream([&](std::uint32_t t) { return cam.next(t); },
                                            PoseStreamSimConfig{});
        for (const auto& x : r.receivers) {
            CHECK(x.decoded == r.frames);
            CHECK(x.max_error_xy <= kPoseMaxErrorXY + kEps);
            CHECK(x.max_error_z <= kPoseMaxErrorZ + kEps);
            CHECK(x.max_error_visibility <= kPoseMaxErrorVisibility + kEps);
        }
        CHECK(kPoseMaxErrorXY < 0.001f);  // under a thousandth of the frame
    }
}

TEST_CASE("sizes at 30 Hz: keyframes <= 160 bytes, deltas <= 64, and nearly every frame a delta") {
    struct Source {
        const char* name;
        std::function<Pose(std::uint32_t)> next;
        double max_mean_delta;
    };
    auto cam = std::make_shared<CameraLikeMotion>(11);
    for (const Source& s :
         {Source{"synthetic", synthetic, 50.0},
          Source{"camera-like", [cam](std::uint32_t t) { return cam->next(t); }, 64.0}}) {
        INFO(s.name);
        PoseStreamSimConfig cfg;
        cfg.seconds = 20;
        const auto r = simulate_pose_stream(s.next, cfg);
        REQUIRE(!r.delta_packet_bytes.empty());
        CHECK(*std::max_element(r.keyframe_packet_bytes.begin(), r.keyframe_packet_bytes.end()) <=
              160);
        CHECK(*std::max_element(r.delta_packet_bytes.begin(), r.delta_packet_bytes.end()) <=
              kMaxDeltaPacketBytes);
        double mean = 0;
        for (auto b : r.delta_packet_bytes) mean += static_cast<double>(b);
        mean /= static_cast<double>(r.delta_packet_bytes.size());
        CHECK(mean <= s.max_mean_delta);
        // With acks flowing, only the first keyframe is needed (and none for oversized deltas).
        CHECK(r.encoder.keyframes <= 2);
        CHECK(r.encoder.oversized_delta_keyframes == 0);
        CHECK(r.encoder.acknowledged_reference_deltas >= r.encoder.deltas - 5);
    }
}

TEST_CASE("a delta that cannot fit in 64 bytes becomes a keyframe, counted") {
    // Random landmarks every frame: no delta can carry that.
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    PoseStreamEncoder enc;
    for (int k = 0; k < 20; ++k) {
        Pose p;
        for (auto& l : p.landmarks) l = {u(rng), u(rng), u(rng) * 2 - 1, 0.9f};
        auto f = enc.encode(p, static_cast<std::uint16_t>(k), frame_time(k), {});
        CHECK(f.type == PoseFrameType::Keyframe);
    }
    CHECK(enc.stats().oversized_delta_keyframes == 19);
    CHECK(enc.stats().deltas == 0);
}

TEST_CASE("loss of 10 and 30 %: nearly every frame that arrives decodes") {
    for (double loss : {0.1, 0.3}) {
        for (std::uint32_t seed : {1u, 2u, 3u}) {
            INFO("loss " << loss << " seed " << seed);
            PoseStreamSimConfig cfg;
            cfg.loss = loss;
            cfg.seed = seed;
            const auto r = simulate_pose_stream(synthetic, cfg);
            for (const auto& x : r.receivers) {
                CHECK(x.malformed == 0);
                const double arrived = static_cast<double>(x.arrived);
                CHECK(arrived == doctest::Approx(r.frames * (1 - loss)).epsilon(0.1));
                CHECK(static_cast<double>(x.decoded) / arrived >= (loss < 0.2 ? 0.99 : 0.95));
            }
        }
    }
}

TEST_CASE(
    "without acks, a gap ends at the first keyframe that arrives, and keyframes come every 500 "
    "ms") {
    // The return path is dead: deltas build on the newest keyframe; a lost keyframe leaves
    // its deltas undecodable until the next one.
    PoseStreamEncoder enc;
    PoseStreamDecoder dec;
    std::mt19937 rng(9);
    std::uniform_real_distribution<double> u(0, 1);
    bool lost_reference = false;  // the keyframe the current deltas build on was lost
    std::uint32_t last_keyframe_ms = 0;
    int undecodable = 0, keyframes = 0;
    for (int k = 0; k < 900; ++k) {
        const auto id = static_cast<std::uint16_t>(k);
        auto f = enc.encode(synthetic(frame_time(k)), id, frame_time(k), {42});
        if (f.type == PoseFrameType::Keyframe) {
            if (k > 0) CHECK(frame_time(k) - last_keyframe_ms <= 520);
            last_keyframe_ms = frame_time(k);
            ++keyframes;
        }
        const bool arrives = u(rng) >= 0.3;
        if (f.type == PoseFrameType::Keyframe) lost_reference = !arrives;
        if (!arrives) continue;
        auto d = dec.decode(id, frame_time(k), f.payload.data(), f.payload.size());
        INFO("frame " << k);
        CHECK((d.status == Decoded::Decoded) == !lost_reference);
        if (d.status != Decoded::Decoded) ++undecodable;
    }
    CHECK(keyframes == doctest::Approx(60).epsilon(0.1));
    CHECK(undecodable > 0);  // the test did exercise a lost keyframe
    CHECK(dec.stats().missing_reference == static_cast<std::uint64_t>(undecodable));
}

TEST_CASE("is_pose_keyframe tells a keyframe from a delta by its first byte, whatever its flags") {
    PoseStreamEncoder enc;
    auto key = enc.encode(synthetic(0), 0, 0, {});
    auto delta = enc.encode(synthetic(33), 1, 33, {});
    REQUIRE(key.type == PoseFrameType::Keyframe);
    REQUIRE(delta.type == PoseFrameType::Delta);
    REQUIRE(delta.payload[0] != static_cast<std::uint8_t>(PoseFrameType::Delta));  // flags set
    CHECK(is_pose_keyframe(key.payload.data(), key.payload.size()));
    CHECK_FALSE(is_pose_keyframe(delta.payload.data(), delta.payload.size()));
    CHECK_FALSE(is_pose_keyframe(key.payload.data(), 0));  // empty: nothing to trust
}

TEST_CASE(
    "keyframe recovery: a receiver missing a reference asks, and the next frame is a keyframe") {
    PoseStreamEncoder enc;
    PoseStreamDecoder dec;
    auto f0 = enc.encode(synthetic(0), 0, 0, {7});  // keyframe: lost on the way
    REQUIRE(f0.type == PoseFrameType::Keyframe);
    auto f1 = enc.encode(synthetic(33), 1, 33, {7});
    REQUIRE(f1.type == PoseFrameType::Delta);
    CHECK(f1.reference == 0);
    CHECK(dec.decode(1, 33, f1.payload.data(), f1.payload.size()).status ==
          Decoded::MissingReference);
    auto ack = dec.ack(/*stream=*/3);
    REQUIRE(ack.has_value());
    CHECK(ack->holds_nothing);
    CHECK(ack->wants_keyframe);
    CHECK(ack->undecodable == 1);
    enc.on_ack(7, *ack);
    auto f2 = enc.encode(synthetic(66), 2, 66, {7});
    CHECK(f2.type == PoseFrameType::Keyframe);
    CHECK(enc.stats().on_demand_keyframes == 1);
    CHECK(dec.decode(2, 66, f2.payload.data(), f2.payload.size()).status == Decoded::Decoded);
    // The same (late, repeated) wish does not bring another keyframe: one went out since.
    enc.on_ack(7, *ack);
    CHECK(enc.encode(synthetic(100), 3, 100, {7}).type == PoseFrameType::Delta);
    // Once the keyframe arrived, the ack no longer wishes for one.
    CHECK_FALSE(dec.ack(3)->wants_keyframe);
}

TEST_CASE("an ack moves the reference to the newest frame every receiver holds") {
    PoseStreamEncoder enc;
    PoseStreamDecoder a, b;
    std::vector<PoseStreamEncoder::Frame> sent;
    for (int k = 0; k < 6; ++k) {
        sent.push_back(enc.encode(synthetic(frame_time(k)), static_cast<std::uint16_t>(k),
                                  frame_time(k), {1, 2}));
        for (auto* d : {&a, &b})
            REQUIRE(d->decode(static_cast<std::uint16_t>(k), frame_time(k),
                              sent.back().payload.data(), sent.back().payload.size())
                        .status == Decoded::Decoded);
    }
    // Nobody acknowledged: everything builds on keyframe 0.
    for (int k = 1; k < 6; ++k)
        CHECK(reference_on_wire(static_cast<std::uint16_t>(k), sent[k].payload) == 0);
    enc.on_ack(1, *a.ack(9));  // one receiver holds 0..5
    auto f6 = enc.encode(synthetic(frame_time(6)), 6, frame_time(6), {1, 2});
    CHECK(reference_on_wire(6, f6.payload) == 0);  // the other one has not said
    enc.on_ack(2, *b.ack(9));
    auto f7 = enc.encode(synthetic(frame_time(7)), 7, frame_time(7), {1, 2});
    CHECK(f7.type == PoseFrameType::Delta);
    CHECK(reference_on_wire(7, f7.payload) == 5);
    CHECK(f7.reference == 5);
    CHECK(enc.stats().acknowledged_reference_deltas == 1);
    // A newer frame held by one receiver only is not used.
    REQUIRE(a.decode(7, frame_time(7), f7.payload.data(), f7.payload.size()).status ==
            Decoded::Decoded);
    enc.on_ack(1, *a.ack(9));
    auto f8 = enc.encode(synthetic(frame_time(8)), 8, frame_time(8), {1, 2});
    CHECK(reference_on_wire(8, f8.payload) == 5);
    // An older ack arriving late does not take back what a newer one said.
    PoseAck stale = *b.ack(9);
    stale.newest = 2;
    stale.held_mask = 0;
    enc.on_ack(2, stale);
    CHECK(reference_on_wire(
              9, enc.encode(synthetic(frame_time(9)), 9, frame_time(9), {1, 2}).payload) == 5);
    // When receiver 2 leaves, receiver 1's newest frame (7) is enough.
    CHECK(reference_on_wire(
              10, enc.encode(synthetic(frame_time(10)), 10, frame_time(10), {1}).payload) == 7);
}

TEST_CASE("reordered and duplicated packets decode to the same poses as in-order ones") {
    // Packets go out in windows of 4; the receiver gets each window shuffled, one packet of
    // it twice, and acknowledges after each window. References are frames it acknowledged,
    // so it holds them whatever the order - except for the first window, whose deltas build
    // on the keyframe in the same window.
    PoseStreamEncoder enc;
    PoseStreamDecoder in_order, shuffled;
    std::mt19937 rng(4);
    int decoded = 0, missing = 0;
    for (int w = 0; w < 300; w += 4) {
        struct Packet {
            std::uint16_t id;
            std::vector<std::uint8_t> payload;
            Pose expected;
        };
        std::vector<Packet> window;
        for (int k = w; k < w + 4; ++k) {
            const auto id = static_cast<std::uint16_t>(k);
            auto f = enc.encode(synthetic(frame_time(k)), id, frame_time(k), {5});
            auto d = in_order.decode(id, frame_time(k), f.payload.data(), f.payload.size());
            REQUIRE(d.status == Decoded::Decoded);
            window.push_back({id, f.payload, d.pose});
        }
        std::shuffle(window.begin(), window.end(), rng);
        window.push_back(window[rng() % window.size()]);
        for (const Packet& p : window) {
            auto d = shuffled.decode(p.id, 0, p.payload.data(), p.payload.size());
            if (d.status == Decoded::MissingReference) {
                CHECK(w == 0);
                ++missing;
                continue;
            }
            REQUIRE(d.status == Decoded::Decoded);
            ++decoded;
            MaxErrors e;
            e.add(d.pose, p.expected);
            CHECK(e.xy == 0.0f);
            CHECK(e.z == 0.0f);
            CHECK(e.vis == 0.0f);
        }
        enc.on_ack(5, *shuffled.ack(1));
    }
    CHECK(decoded + missing == 300 + 75);
    CHECK(decoded >= 300 + 75 - 4);
    CHECK(enc.stats().acknowledged_reference_deltas >= 290);
}

TEST_CASE(
    "a receiver that joins late gets a keyframe at once; one that misses it decodes from the "
    "next") {
    PoseStreamEncoder enc;
    PoseStreamDecoder early;
    for (int k = 0; k < 40; ++k) {
        auto f =
            enc.encode(synthetic(frame_time(k)), static_cast<std::uint16_t>(k), frame_time(k), {1});
        REQUIRE(early
                    .decode(static_cast<std::uint16_t>(k), frame_time(k), f.payload.data(),
                            f.payload.size())
                    .status == Decoded::Decoded);
        enc.on_ack(1, *early.ack(0));
    }
    const auto keyframes_before = enc.stats().keyframes;
    auto join = enc.encode(synthetic(frame_time(40)), 40, frame_time(40), {1, 2});
    CHECK(join.type == PoseFrameType::Keyframe);
    CHECK(enc.stats().on_demand_keyframes == 1);
    CHECK(enc.stats().keyframes == keyframes_before + 1);
    // The newcomer missed that keyframe: the deltas after it (built on it, as the newcomer
    // acknowledged nothing) fail until the next periodic keyframe, which it decodes.
    PoseStreamDecoder late;
    bool recovered = false;
    for (int k = 41; k < 41 + 20 && !recovered; ++k) {
        auto f = enc.encode(synthetic(frame_time(k)), static_cast<std::uint16_t>(k), frame_time(k),
                            {1, 2});
        auto d = late.decode(static_cast<std::uint16_t>(k), frame_time(k), f.payload.data(),
                             f.payload.size());
        if (f.type == PoseFrameType::Keyframe) {
            CHECK(d.status == Decoded::Decoded);
            CHECK(frame_time(k) - frame_time(40) <= 520);
            recovered = true;
        } else {
            CHECK(d.status == Decoded::MissingReference);
        }
    }
    CHECK(recovered);
}

TEST_CASE("hidden landmarks carry no position in deltas; visible ones are unaffected") {
    Pose base = synthetic(0);
    for (int i = 25; i < kLandmarkCount; ++i)
        base.landmarks[i].visibility = 0.1f;  // legs out of frame
    PoseStreamEncoder enc;
    PoseStreamDecoder dec;
    auto k0 = enc.encode(base, 0, 0, {});
    REQUIRE(dec.decode(0, 0, k0.payload.data(), k0.payload.size()).status == Decoded::Decoded);
    Pose moved = base;
    for (int i = 25; i < kLandmarkCount; ++i)
        moved.landmarks[i].x += 0.2f;  // wild guesses of the model
    auto d1 = enc.encode(moved, 1, 33, {});
    REQUIRE(d1.type == PoseFrameType::Delta);
    auto d = dec.decode(1, 33, d1.payload.data(), d1.payload.size());
    REQUIRE(d.status == Decoded::Decoded);
    for (int i = 0; i < 25; ++i)
        CHECK(std::fabs(d.pose.landmarks[i].x - moved.landmarks[i].x) <= pq::kMaxErrorXY + kEps);
    for (int i = 25; i < kLandmarkCount; ++i)
        CHECK(std::fabs(d.pose.landmarks[i].x - base.landmarks[i].x) <= 0.01f);
    // The same pose with the option off carries them.
    PoseStreamEncoder::Config keep;
    keep.skip_hidden_positions = false;
    PoseStreamEncoder enc2(keep);
    PoseStreamDecoder dec2;
    auto k = enc2.encode(base, 0, 0, {});
    dec2.decode(0, 0, k.payload.data(), k.payload.size());
    auto f = enc2.encode(moved, 1, 33, {});
    CHECK(f.payload.size() > d1.payload.size());
    auto d2 = dec2.decode(1, 33, f.payload.data(), f.payload.size());
    REQUIRE(d2.status == Decoded::Decoded);
    for (int i = 25; i < kLandmarkCount; ++i)
        CHECK(std::fabs(d2.pose.landmarks[i].x - moved.landmarks[i].x) <= pq::kMaxErrorXY + kEps);
}

TEST_CASE("malformed payloads are refused and counted, never misread") {
    PoseStreamEncoder enc;
    auto key = enc.encode(synthetic(0), 0, 0, {});
    auto delta = enc.encode(synthetic(33), 1, 33, {});
    REQUIRE(delta.type == PoseFrameType::Delta);
    auto refused = [&](std::vector<std::uint8_t> key_bytes, std::vector<std::uint8_t> delta_bytes) {
        PoseStreamDecoder dec;
        REQUIRE(dec.decode(0, 0, key.payload.data(), key.payload.size()).status ==
                Decoded::Decoded);
        auto k = dec.decode(2, 0, key_bytes.data(), key_bytes.size());
        auto d = dec.decode(1, 33, delta_bytes.data(), delta_bytes.size());
        return k.status == Decoded::Malformed && d.status == Decoded::Malformed &&
               !d.error.empty() && dec.stats().malformed == 2;
    };
    auto with = [](std::vector<std::uint8_t> b, std::size_t at, std::uint8_t v) {
        b.at(at) = v;
        return b;
    };
    auto resized = [](std::vector<std::uint8_t> b, std::size_t n) {
        b.resize(n, 0);
        return b;
    };
    CHECK(refused(with(key.payload, 0, 2), with(delta.payload, 0, 3)));  // unknown types
    CHECK(refused(with(key.payload, 0, 4),
                  with(delta.payload, 0, delta.payload[0] | 0x20)));        // unknown flags
    CHECK(refused(resized(key.payload, 149), with(delta.payload, 1, 0)));   // size / distance 0
    CHECK(refused(resized(key.payload, 151), with(delta.payload, 1, 32)));  // size / distance 32
    CHECK(refused(with(key.payload, 149, 0x10),
                  resized(delta.payload, delta.payload.size() + 1)));  // padding / trailing
    CHECK(refused({}, resized(delta.payload, 3)));                     // empty / truncated
    // The intact ones still decode.
    PoseStreamDecoder dec;
    CHECK(dec.decode(0, 0, key.payload.data(), key.payload.size()).status == Decoded::Decoded);
    CHECK(dec.decode(1, 33, delta.payload.data(), delta.payload.size()).status == Decoded::Decoded);
}

TEST_CASE("frame ids wrap at 16 bits without losing the reference") {
    PoseStreamEncoder enc;
    PoseStreamDecoder dec;
    for (int k = 0; k < 100; ++k) {
        const auto id = static_cast<std::uint16_t>(65500 + k);
        auto f = enc.encode(synthetic(frame_time(k)), id, frame_time(k), {3});
        INFO("id " << id);
        REQUIRE(dec.decode(id, frame_time(k), f.payload.data(), f.payload.size()).status ==
                Decoded::Decoded);
        enc.on_ack(3, *dec.ack(0));
    }
    CHECK(enc.stats().keyframes == 1);
    CHECK(dec.stats().deltas == 99);
}

TEST_SUITE_END();
