// pose_codec: the 157-byte wire format of one pose (quantization, clamping, size checks).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose_codec.hpp"
#include "core/synthetic_pose.hpp"

using namespace posemeet;
namespace pc = posemeet::pose_codec;

namespace {

// Float rounding on top of the half-step quantization error.
constexpr float kEps = 1e-6f;

Pose random_in_range_pose(std::mt19937& rng) {
    std::uniform_real_distribution<float> xy(pc::kXYMin, pc::kXYMax);
    std::uniform_real_distribution<float> z(pc::kZMin, pc::kZMax);
    std::uniform_real_distribution<float> vis(0.0f, 1.0f);
    Pose p;
    for (auto& l : p.landmarks) l = {xy(rng), xy(rng), z(rng), vis(rng)};
    return p;
}

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

Pose round_trip(const Pose& p) {
    const auto bytes = pc::encode(p);
    REQUIRE(bytes.size() == pc::kPayloadBytes);
    auto d = pc::decode(bytes.data(), bytes.size());
    REQUIRE_MESSAGE(d.pose.has_value(), d.error);
    return *d.pose;
}

}  // namespace

TEST_SUITE_BEGIN("pose_codec");

TEST_CASE("payload is exactly 157 bytes and a pose media packet exactly 166") {
    CHECK(pc::kPayloadBytes == 157);
    CHECK(kMediaHeaderBytes == 9);
    Pose p;
    const auto payload = pc::encode(p);
    CHECK(payload.size() == 157);

    MediaHeader h;
    h.kind = MediaKind::Pose;
    const auto packet = encode_media_packet(h, payload);
    CHECK(packet.size() == 166);

    // encode(pose, out) appends after what is already there (header first, then payload).
    std::vector<std::uint8_t> out(9, 0xAB);
    pc::encode(p, out);
    CHECK(out.size() == 166);
    CHECK(out[8] == 0xAB);
}

TEST_CASE("random in-range poses round-trip within half a quantization step") {
    std::mt19937 rng(12345);
    MaxErrors err;
    for (int n = 0; n < 2000; ++n) {
        const Pose p = random_in_range_pose(rng);
        err.add(p, round_trip(p));
    }
    INFO("max errors xy=" << err.xy << " z=" << err.z << " vis=" << err.vis);
    CHECK(err.xy <= pc::kMaxErrorXY + kEps);
    CHECK(err.z <= pc::kMaxErrorZ + kEps);
    CHECK(err.vis <= pc::kMaxErrorVisibility + kEps);
    // The bounds themselves are what the header promises: half a step of each width.
    CHECK(pc::kMaxErrorXY == doctest::Approx(1.5 / 4095 / 2));
    CHECK(pc::kMaxErrorZ == doctest::Approx(2.0 / 1023 / 2));
    CHECK(pc::kMaxErrorVisibility == doctest::Approx(1.0 / 15 / 2));
}

TEST_CASE("range end points decode exactly and each landmark keeps its own values") {
    Pose p;
    for (int i = 0; i < kLandmarkCount; ++i) {
        // A different, recognisable value per landmark catches swapped or shifted fields.
        const float f = static_cast<float>(i) / (kLandmarkCount - 1);
        p.landmarks[i] = {pc::kXYMin + f * (pc::kXYMax - pc::kXYMin), 1.0f - f, f * 2 - 1,
                          i % 2 ? 1.0f : 0.0f};
    }
    p.landmarks[0] = {pc::kXYMin, pc::kXYMax, pc::kZMin, 0.0f};
    p.landmarks[32] = {pc::kXYMax, pc::kXYMin, pc::kZMax, 1.0f};
    const Pose d = round_trip(p);
    CHECK(d.landmarks[0].x == doctest::Approx(pc::kXYMin));
    CHECK(d.landmarks[0].y == doctest::Approx(pc::kXYMax));
    CHECK(d.landmarks[0].z == doctest::Approx(pc::kZMin));
    CHECK(d.landmarks[0].visibility == doctest::Approx(0.0));
    CHECK(d.landmarks[32].x == doctest::Approx(pc::kXYMax));
    CHECK(d.landmarks[32].y == doctest::Approx(pc::kXYMin));
    CHECK(d.landmarks[32].z == doctest::Approx(pc::kZMax));
    CHECK(d.landmarks[32].visibility == doctest::Approx(1.0));
    MaxErrors err;
    err.add(p, d);
    CHECK(err.xy <= pc::kMaxErrorXY + kEps);
    CHECK(err.z <= pc::kMaxErrorZ + kEps);
    CHECK(err.vis <= pc::kMaxErrorVisibility + kEps);
}

TEST_CASE("bit layout is LSB-first x12,y12,z10,vis4 per landmark (wire compatibility)") {
    Pose p;
    for (auto& l : p.landmarks) l = {pc::kXYMin, pc::kXYMin, pc::kZMin, 0.0f};  // all zero bits
    p.landmarks[0] = {pc::kXYMax, pc::kXYMin, pc::kZMax, 1.0f};  // x=0xFFF, y=0, z=0x3FF, v=0xF
    const auto b = pc::encode(p);
    REQUIRE(b.size() == 157);
    // x: bits 0-11, y: 12-23, z: 24-33, visibility: 34-37 (then landmark 1 from bit 38).
    const std::vector<std::uint8_t> head = {0xFF, 0x0F, 0x00, 0xFF, 0x3F, 0x00, 0x00, 0x00};
    CHECK(std::vector<std::uint8_t>(b.begin(), b.begin() + 8) == head);
    for (std::size_t i = 8; i < b.size(); ++i) {
        INFO("byte " << i);
        CHECK(b[i] == 0);
    }
}

TEST_CASE("out-of-range values are clamped to the range ends") {
    Pose p;
    for (auto& l : p.landmarks) l = {0.5f, 0.5f, 0.0f, 0.5f};
    p.landmarks[1] = {5.0f, -3.0f, 7.0f, 1.7f};
    p.landmarks[2] = {-100.0f, 100.0f, -7.0f, -0.5f};
    p.landmarks[3] = {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                      std::numeric_limits<float>::infinity(), std::numeric_limits<float>::infinity()};
    const Pose d = round_trip(p);
    CHECK(d.landmarks[1].x == doctest::Approx(pc::kXYMax));
    CHECK(d.landmarks[1].y == doctest::Approx(pc::kXYMin));
    CHECK(d.landmarks[1].z == doctest::Approx(pc::kZMax));
    CHECK(d.landmarks[1].visibility == doctest::Approx(1.0));
    CHECK(d.landmarks[2].x == doctest::Approx(pc::kXYMin));
    CHECK(d.landmarks[2].y == doctest::Approx(pc::kXYMax));
    CHECK(d.landmarks[2].z == doctest::Approx(pc::kZMin));
    CHECK(d.landmarks[2].visibility == doctest::Approx(0.0));
    CHECK(d.landmarks[3].x == doctest::Approx(pc::kXYMax));
    CHECK(d.landmarks[3].y == doctest::Approx(pc::kXYMin));
    CHECK(d.landmarks[3].z == doctest::Approx(pc::kZMax));
    CHECK(d.landmarks[3].visibility == doctest::Approx(1.0));
    // Neighbours are untouched by the clamped landmarks.
    CHECK(d.landmarks[0].x == doctest::Approx(0.5).epsilon(pc::kMaxErrorXY * 2));
    CHECK(d.landmarks[4].y == doctest::Approx(0.5).epsilon(pc::kMaxErrorXY * 2));
}

TEST_CASE("NaN coordinates decode to finite in-range values and do not poison the packet") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    Pose p;
    for (auto& l : p.landmarks) l = {0.25f, 0.75f, -0.5f, 0.8f};
    p.landmarks[5] = {nan, nan, nan, nan};
    const Pose d = round_trip(p);
    const auto& l = d.landmarks[5];
    CHECK(std::isfinite(l.x));
    CHECK(std::isfinite(l.y));
    CHECK(std::isfinite(l.z));
    CHECK(std::isfinite(l.visibility));
    CHECK((l.x >= pc::kXYMin && l.x <= pc::kXYMax));
    CHECK((l.y >= pc::kXYMin && l.y <= pc::kXYMax));
    CHECK((l.z >= pc::kZMin && l.z <= pc::kZMax));
    CHECK((l.visibility >= 0.0f && l.visibility <= 1.0f));
    for (int i = 0; i < kLandmarkCount; ++i) {
        if (i == 5) continue;
        INFO("landmark " << i);
        CHECK(std::fabs(d.landmarks[i].x - 0.25f) <= pc::kMaxErrorXY + kEps);
        CHECK(std::fabs(d.landmarks[i].y - 0.75f) <= pc::kMaxErrorXY + kEps);
        CHECK(std::fabs(d.landmarks[i].z + 0.5f) <= pc::kMaxErrorZ + kEps);
        CHECK(std::fabs(d.landmarks[i].visibility - 0.8f) <= pc::kMaxErrorVisibility + kEps);
    }
}

TEST_CASE("decode rejects payloads of the wrong size with an error message") {
    const std::vector<std::uint8_t> big(400, 0x5A);
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{156}, std::size_t{158},
                             std::size_t{166}, std::size_t{400}}) {
        INFO("size " << size);
        auto d = pc::decode(big.data(), size);
        CHECK_FALSE(d.pose.has_value());
        CHECK_FALSE(d.error.empty());
        CHECK(d.error.find("157") != std::string::npos);
    }
    auto ok = pc::decode(big.data(), 157);
    CHECK(ok.pose.has_value());
    CHECK(ok.error.empty());
}

TEST_CASE("every 157-byte payload decodes to in-range values") {
    std::mt19937 rng(7);
    std::vector<std::uint8_t> bytes(157);
    for (int n = 0; n < 500; ++n) {
        for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
        auto d = pc::decode(bytes.data(), bytes.size());
        REQUIRE(d.pose.has_value());
        for (const auto& l : d.pose->landmarks) {
            REQUIRE((l.x >= pc::kXYMin && l.x <= pc::kXYMax));
            REQUIRE((l.y >= pc::kXYMin && l.y <= pc::kXYMax));
            REQUIRE((l.z >= pc::kZMin && l.z <= pc::kZMax));
            REQUIRE((l.visibility >= 0.0f && l.visibility <= 1.0f));
        }
        // Re-encoding what was decoded gives the same bits (only the 2 padding bits differ).
        auto again = pc::encode(*d.pose);
        again.back() &= 0x3F;
        bytes.back() &= 0x3F;
        REQUIRE(again == bytes);
    }
}

TEST_CASE("synthetic poses survive the round trip") {
    MaxErrors err;
    for (std::uint32_t seed : {1u, 42u, pose_seed_for_user("alice"), pose_seed_for_user("bob")}) {
        SyntheticPoseSource src(seed);
        for (std::uint32_t t = 0; t < 20000; t += 33) {
            const Pose p = src.pose_at(t + 1'700'000'000u);
            err.add(p, round_trip(p));
        }
    }
    CHECK(err.xy <= pc::kMaxErrorXY + kEps);
    CHECK(err.z <= pc::kMaxErrorZ + kEps);
    CHECK(err.vis <= pc::kMaxErrorVisibility + kEps);
}

TEST_SUITE_END();
