// pose_interpolator: the per-remote playout buffer (ordering, duplicates, blending, wrap).
#include <doctest/doctest.h>

#include <cstdint>

#include "core/pose_interpolator.hpp"

using namespace posemeet;

namespace {

// A pose whose every coordinate is a known function of `v`, so blends are easy to check.
Pose pose_of(float v) {
    Pose p;
    for (int i = 0; i < kLandmarkCount; ++i)
        p.landmarks[i] = {v, 2 * v, -v, 0.5f * v + 0.01f * static_cast<float>(i)};
    return p;
}

void check_pose_is(const std::optional<Pose>& got, float v, double eps = 1e-5) {
    REQUIRE(got.has_value());
    const Pose want = pose_of(v);
    for (int i = 0; i < kLandmarkCount; ++i) {
        INFO("landmark " << i << " want v=" << v);
        CHECK(got->landmarks[i].x == doctest::Approx(want.landmarks[i].x).epsilon(eps));
        CHECK(got->landmarks[i].y == doctest::Approx(want.landmarks[i].y).epsilon(eps));
        CHECK(got->landmarks[i].z == doctest::Approx(want.landmarks[i].z).epsilon(eps));
        CHECK(got->landmarks[i].visibility == doctest::Approx(want.landmarks[i].visibility).epsilon(eps));
    }
}

constexpr double kDelay = 80.0;

}  // namespace

TEST_SUITE_BEGIN("pose_interpolator");

TEST_CASE("nothing to show before the first sample") {
    PoseInterpolator ip(kDelay);
    CHECK_FALSE(ip.sample(0).has_value());
    CHECK_FALSE(ip.sample(123456.0).has_value());
    CHECK(ip.buffered() == 0);
}

TEST_CASE("a single sample is shown at any time") {
    PoseInterpolator ip(kDelay);
    REQUIRE(ip.push(1000, pose_of(0.3f), 5000));
    check_pose_is(ip.sample(4000), 0.3f);
    check_pose_is(ip.sample(5000), 0.3f);
    check_pose_is(ip.sample(99999), 0.3f);
}

TEST_CASE("duplicates are rejected and do not replace the first copy") {
    PoseInterpolator ip(kDelay);
    CHECK(ip.push(1000, pose_of(0.1f), 5000));
    CHECK_FALSE(ip.push(1000, pose_of(0.9f), 5010));
    CHECK(ip.buffered() == 1);
    check_pose_is(ip.sample(6000), 0.1f);
}

TEST_CASE("sampling between two samples blends linearly at now - offset - delay") {
    PoseInterpolator ip(kDelay);
    REQUIRE(ip.push(1000, pose_of(0.2f), 5000));
    REQUIRE(ip.push(1100, pose_of(0.6f), 5100));
    CHECK(ip.clock_offset_ms() == doctest::Approx(4000.0));
    // playout = now - 4000 - 80
    check_pose_is(ip.sample(5080 + 25), 0.3f);   // 25% of the way
    check_pose_is(ip.sample(5080 + 50), 0.4f);   // halfway
    check_pose_is(ip.sample(5080 + 90), 0.56f);  // 90%
    // Exactly on a sample.
    check_pose_is(ip.sample(5080), 0.2f);
    check_pose_is(ip.sample(5180), 0.6f);
    // Before the oldest sample: hold the oldest; past the newest: hold the newest.
    check_pose_is(ip.sample(5000), 0.2f);
    check_pose_is(ip.sample(5180 + 500), 0.6f);
    check_pose_is(ip.sample(1e9), 0.6f);
}

TEST_CASE("the playout delay is configurable") {
    PoseInterpolator ip(20.0);
    REQUIRE(ip.push(0, pose_of(0.0f), 100));
    REQUIRE(ip.push(100, pose_of(1.0f), 200));
    check_pose_is(ip.sample(100 + 20 + 50), 0.5f);
}

TEST_CASE("the clock offset follows the fastest packet, so late packets do not shift playout") {
    PoseInterpolator ip(kDelay);
    REQUIRE(ip.push(1000, pose_of(0.2f), 5000));
    REQUIRE(ip.push(1100, pose_of(0.6f), 5160));  // arrived 60 ms late
    CHECK(ip.clock_offset_ms() == doctest::Approx(4000.0));
    check_pose_is(ip.sample(5080 + 50), 0.4f);
}

TEST_CASE("out-of-order samples are inserted in timestamp order") {
    PoseInterpolator ip(kDelay);
    REQUIRE(ip.push(1000, pose_of(0.0f), 5000));
    REQUIRE(ip.push(1066, pose_of(0.66f), 5066));
    REQUIRE(ip.push(1033, pose_of(0.33f), 5100));  // the late one
    CHECK(ip.buffered() == 3);
    // At 1033 the late sample itself is shown, not the 1000..1066 blend (0.33 either way),
    // so probe points where the two differ.
    check_pose_is(ip.sample(5080 + 33), 0.33f);
    check_pose_is(ip.sample(5080 + 16.5), 0.165f);
    check_pose_is(ip.sample(5080 + 49.5), 0.495f);
    CHECK_FALSE(ip.push(1033, pose_of(0.9f), 5101));  // and it is a duplicate now
}

TEST_CASE("out-of-order with a distinct middle value") {
    PoseInterpolator ip(kDelay);
    REQUIRE(ip.push(2000, pose_of(0.0f), 8000));
    REQUIRE(ip.push(2100, pose_of(1.0f), 8100));
    REQUIRE(ip.push(2050, pose_of(0.9f), 8120));  // middle sample differs from the straight blend
    check_pose_is(ip.sample(6080 + 2050), 0.9f);
    check_pose_is(ip.sample(6080 + 2025), 0.45f);
    check_pose_is(ip.sample(6080 + 2075), 0.95f);
}

TEST_CASE("32-bit timestamp wrap-around interpolates across the wrap") {
    SUBCASE("in order") {
        PoseInterpolator ip(kDelay);
        REQUIRE(ip.push(0xFFFFFFF0u, pose_of(0.2f), 5000));
        REQUIRE(ip.push(0x00000010u, pose_of(0.6f), 5032));  // 32 ms later, after the wrap
        CHECK(ip.buffered() == 2);
        check_pose_is(ip.sample(5000 + kDelay + 16), 0.4f);
        check_pose_is(ip.sample(5000 + kDelay + 8), 0.3f);
        check_pose_is(ip.sample(5000 + kDelay + 1000), 0.6f);  // newest is the post-wrap one
    }
    SUBCASE("the post-wrap packet arrives first") {
        PoseInterpolator ip(kDelay);
        REQUIRE(ip.push(0x00000010u, pose_of(0.6f), 5032));
        REQUIRE(ip.push(0xFFFFFFF0u, pose_of(0.2f), 5040));
        CHECK(ip.buffered() == 2);
        check_pose_is(ip.sample(5000 + kDelay + 16), 0.4f);
        check_pose_is(ip.sample(5000 + kDelay + 1000), 0.6f);
    }
}

TEST_CASE("a steady 30 Hz stream across the wrap plays back as a continuous ramp") {
    PoseInterpolator ip(kDelay);
    const std::uint32_t base = 0xFFFFF000u;  // wraps after 4096 ms
    const double local0 = 100000.0;
    // Value = elapsed sender ms / 10000, so the right answer at any playout time is known.
    for (int k = 0; k < 300; ++k) {
        const std::uint32_t elapsed = static_cast<std::uint32_t>(k * 33);
        REQUIRE(ip.push(base + elapsed, pose_of(static_cast<float>(elapsed) / 10000.0f),
                        local0 + elapsed + (k % 3) * 7.0));  // jitter of 0-14 ms
        const double now = local0 + elapsed + 5;
        const double playout_elapsed = now - local0 - kDelay;
        if (playout_elapsed > 0 && k > 3) {
            INFO("k=" << k);
            check_pose_is(ip.sample(now), static_cast<float>(playout_elapsed / 10000.0), 1e-4);
        }
    }
    CHECK(ip.buffered() <= 32);  // bounded memory
}

TEST_CASE("samples older than the whole buffer are rejected") {
    PoseInterpolator ip(kDelay);
    for (int k = 0; k < 40; ++k) ip.push(static_cast<std::uint32_t>(10000 + k * 33), pose_of(0.1f), 20000 + k * 33);
    CHECK(ip.buffered() == 32);
    CHECK_FALSE(ip.push(9000, pose_of(0.9f), 21400));
    CHECK(ip.buffered() == 32);
}

TEST_SUITE_END();
