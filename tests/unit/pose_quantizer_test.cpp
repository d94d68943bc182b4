// pose_quantizer: the integer grid of pose components (ranges, rounding, clamping, NaN).
#include "core/pose_quantizer.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>

using namespace posemeet;
namespace pq = posemeet::pose_quantizer;

TEST_SUITE_BEGIN("pose_quantizer");

TEST_CASE("in-range values come back within half a step, and levels survive a round trip exactly") {
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> xy(pq::kXYMin, pq::kXYMax), z(pq::kZMin, pq::kZMax),
        vis(0.0f, 1.0f);
    for (int n = 0; n < 1000; ++n) {
        Pose p;
        for (auto& l : p.landmarks) l = {xy(rng), xy(rng), z(rng), vis(rng)};
        const auto q = pq::quantize(p);
        const Pose back = pq::dequantize(q);
        for (int i = 0; i < kLandmarkCount; ++i) {
            CHECK(std::fabs(back.landmarks[i].x - p.landmarks[i].x) <= pq::kMaxErrorXY + 1e-6f);
            CHECK(std::fabs(back.landmarks[i].y - p.landmarks[i].y) <= pq::kMaxErrorXY + 1e-6f);
            CHECK(std::fabs(back.landmarks[i].z - p.landmarks[i].z) <= pq::kMaxErrorZ + 1e-6f);
            CHECK(std::fabs(back.landmarks[i].visibility - p.landmarks[i].visibility) <=
                  pq::kMaxErrorVisibility + 1e-6f);
        }
        CHECK(pq::quantize(back) == q);  // what a receiver decodes re-encodes to the same levels
    }
}

TEST_CASE(
    "out-of-range, infinite and NaN values clamp to the range; bad levels clamp on the way back") {
    const float inf = std::numeric_limits<float>::infinity(),
                nan = std::numeric_limits<float>::quiet_NaN();
    Pose p;
    p.landmarks[0] = {5.0f, -3.0f, 7.0f, 1.7f};
    p.landmarks[1] = {-inf, inf, -inf, -0.5f};
    p.landmarks[2] = {nan, nan, nan, nan};
    const auto q = pq::quantize(p);
    CHECK(q[0] == pq::QuantizedLandmark{4095, 0, 255, 15});
    CHECK(q[1] == pq::QuantizedLandmark{0, 4095, 0, 0});
    CHECK(q[2] == pq::QuantizedLandmark{0, 0, 0, 0});
    pq::QuantizedPose bad{};
    bad[0] = {-5, 99999, 300, 16};
    const Pose d = pq::dequantize(bad);
    CHECK(d.landmarks[0].x == doctest::Approx(pq::kXYMin));
    CHECK(d.landmarks[0].y == doctest::Approx(pq::kXYMax));
    CHECK(d.landmarks[0].z == doctest::Approx(pq::kZMax));
    CHECK(d.landmarks[0].visibility == doctest::Approx(1.0));
}

TEST_CASE("hidden visibility levels are the ones the renderer draws transparent (below 0.3)") {
    CHECK(static_cast<float>(pq::kHiddenVisibilityLevel) / pq::max_level(pq::kVisibility) < 0.3f);
    CHECK(static_cast<float>(pq::kHiddenVisibilityLevel + 1) / pq::max_level(pq::kVisibility) >
          0.3f);
}

TEST_SUITE_END();
