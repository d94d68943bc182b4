// pose_interpolator: the per-remote playout buffer (ordering, duplicates, blending, wrap), its
// delay adapting to the sender's rate and jitter, bridging a lost packet, and render()'s
// playout clock following the sender's audio smoothly.
#include <doctest/doctest.h>

#include <cmath>
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

// The buffering mechanics (order, blending, wrap) are checked with a fixed delay and no
// extrapolation, so the expected values are simple; the policies have their own cases.
PosePlayoutConfig fixed(double delay_ms) {
    PosePlayoutConfig c;
    c.min_delay_ms = delay_ms;
    c.adapt_delay = false;
    c.extrapolate = false;
    return c;
}

}  // namespace

TEST_SUITE_BEGIN("pose_interpolator");

TEST_CASE("nothing to show before the first sample") {
    PoseInterpolator ip(fixed(kDelay));
    CHECK_FALSE(ip.sample(0).has_value());
    CHECK_FALSE(ip.sample(123456.0).has_value());
    CHECK(ip.buffered() == 0);
}

TEST_CASE("a single sample is shown at any time") {
    PoseInterpolator ip(fixed(kDelay));
    REQUIRE(ip.push(1000, pose_of(0.3f), 5000));
    check_pose_is(ip.sample(4000), 0.3f);
    check_pose_is(ip.sample(5000), 0.3f);
    check_pose_is(ip.sample(99999), 0.3f);
}

TEST_CASE("duplicates are rejected and do not replace the first copy") {
    PoseInterpolator ip(fixed(kDelay));
    CHECK(ip.push(1000, pose_of(0.1f), 5000));
    CHECK_FALSE(ip.push(1000, pose_of(0.9f), 5010));
    CHECK(ip.buffered() == 1);
    check_pose_is(ip.sample(6000), 0.1f);
}

TEST_CASE("sampling between two samples blends linearly at now - offset - delay") {
    PoseInterpolator ip(fixed(kDelay));
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
    PoseInterpolator ip(fixed(20.0));
    REQUIRE(ip.push(0, pose_of(0.0f), 100));
    REQUIRE(ip.push(100, pose_of(1.0f), 200));
    check_pose_is(ip.sample(100 + 20 + 50), 0.5f);
}

TEST_CASE("the clock offset follows the fastest packet, so late packets do not shift playout") {
    PoseInterpolator ip(fixed(kDelay));
    REQUIRE(ip.push(1000, pose_of(0.2f), 5000));
    REQUIRE(ip.push(1100, pose_of(0.6f), 5160));  // arrived 60 ms late
    CHECK(ip.clock_offset_ms() == doctest::Approx(4000.0));
    check_pose_is(ip.sample(5080 + 50), 0.4f);
}

TEST_CASE("out-of-order samples are inserted in timestamp order") {
    PoseInterpolator ip(fixed(kDelay));
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
    PoseInterpolator ip(fixed(kDelay));
    REQUIRE(ip.push(2000, pose_of(0.0f), 8000));
    REQUIRE(ip.push(2100, pose_of(1.0f), 8100));
    REQUIRE(ip.push(2050, pose_of(0.9f), 8120));  // middle sample differs from the straight blend
    check_pose_is(ip.sample(6080 + 2050), 0.9f);
    check_pose_is(ip.sample(6080 + 2025), 0.45f);
    check_pose_is(ip.sample(6080 + 2075), 0.95f);
}

TEST_CASE("32-bit timestamp wrap-around interpolates across the wrap") {
    SUBCASE("in order") {
        PoseInterpolator ip(fixed(kDelay));
        REQUIRE(ip.push(0xFFFFFFF0u, pose_of(0.2f), 5000));
        REQUIRE(ip.push(0x00000010u, pose_of(0.6f), 5032));  // 32 ms later, after the wrap
        CHECK(ip.buffered() == 2);
        check_pose_is(ip.sample(5000 + kDelay + 16), 0.4f);
        check_pose_is(ip.sample(5000 + kDelay + 8), 0.3f);
        check_pose_is(ip.sample(5000 + kDelay + 1000), 0.6f);  // newest is the post-wrap one
    }
    SUBCASE("the post-wrap packet arrives first") {
        PoseInterpolator ip(fixed(kDelay));
        REQUIRE(ip.push(0x00000010u, pose_of(0.6f), 5032));
        REQUIRE(ip.push(0xFFFFFFF0u, pose_of(0.2f), 5040));
        CHECK(ip.buffered() == 2);
        check_pose_is(ip.sample(5000 + kDelay + 16), 0.4f);
        check_pose_is(ip.sample(5000 + kDelay + 1000), 0.6f);
    }
}

TEST_CASE("a steady 30 Hz stream across the wrap plays back as a continuous ramp") {
    PoseInterpolator ip(fixed(kDelay));
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
    PoseInterpolator ip(fixed(kDelay));
    for (int k = 0; k < 40; ++k) ip.push(static_cast<std::uint32_t>(10000 + k * 33), pose_of(0.1f), 20000 + k * 33);
    CHECK(ip.buffered() == 32);
    CHECK_FALSE(ip.push(9000, pose_of(0.9f), 21400));
    CHECK(ip.buffered() == 32);
}

// A ramp: the pose's value is the sender time / 10000, so the right answer at any playout
// time is known (and linear motion extrapolates exactly).
Pose ramp_at(std::int64_t ts) { return pose_of(static_cast<float>(ts) / 10000.0f); }

TEST_CASE("the delay adapts: one sender interval plus the jitter, never under the minimum") {
    SUBCASE("30 poses/s, no jitter: the minimum") {
        PoseInterpolator ip;
        for (int k = 0; k < 60; ++k) ip.push(1000 + k * 33, ramp_at(1000 + k * 33), 5000 + k * 33);
        CHECK(ip.sender_interval_ms() == doctest::Approx(33));
        CHECK(ip.sender_rate_hz() == doctest::Approx(30.3).epsilon(0.01));
        CHECK(ip.jitter_ms() == doctest::Approx(0));
        CHECK(ip.target_delay_ms() == doctest::Approx(80));
    }
    SUBCASE("10 poses/s with 0-40 ms of jitter and a lost packet now and then") {
        PoseInterpolator ip;
        for (int k = 0; k < 90; ++k) {
            if (k % 10 == 3) continue;  // lost
            ip.push(1000 + k * 100, ramp_at(1000 + k * 100), 5000 + k * 100 + (k * 7) % 41);
        }
        CHECK(ip.sender_interval_ms() == doctest::Approx(100));
        CHECK(ip.sender_rate_hz() == doctest::Approx(10));
        CHECK(ip.jitter_ms() >= 35);
        CHECK(ip.jitter_ms() <= 40);
        CHECK(ip.target_delay_ms() == doctest::Approx(100 + ip.jitter_ms() + PoseInterpolator::kJitterMarginMs));
        // The sample after the playout time has arrived: sample() lands between two samples.
        const double now = 5000 + 88 * 100 + 20;
        const double playout = now - ip.clock_offset_ms() - ip.target_delay_ms();
        check_pose_is(ip.sample(now), static_cast<float>(playout / 10000.0), 1e-4);
    }
    SUBCASE("a fixed delay when asked") {
        PoseInterpolator ip(fixed(50));
        for (int k = 0; k < 30; ++k) ip.push(1000 + k * 100, ramp_at(1000 + k * 100), 5000 + k * 100 + (k % 2) * 30);
        CHECK(ip.target_delay_ms() == doctest::Approx(50));
    }
}

TEST_CASE("past the newest sample the motion goes on for two intervals, then holds") {
    PoseInterpolator ip(PosePlayoutConfig{kDelay, /*adapt_delay=*/false, /*extrapolate=*/true});
    for (int k = 0; k < 5; ++k) ip.push(1000 + k * 100, ramp_at(1000 + k * 100), 5000 + k * 100);
    // Newest is 1400; the offset is 4000, so playout = now - 4080.
    check_pose_is(ip.sample(4080 + 1400), 0.14f);
    check_pose_is(ip.sample(4080 + 1450), 0.145f, 1e-4);  // bridged along the ramp
    check_pose_is(ip.sample(4080 + 1500), 0.15f, 1e-4);
    check_pose_is(ip.sample(4080 + 1600), 0.16f, 1e-4);
    check_pose_is(ip.sample(4080 + 1900), 0.16f, 1e-4);  // two intervals at most, then hold
    // The two newest far apart (a long gap): no guessing, hold.
    ip.push(2400, ramp_at(2400), 6400);
    check_pose_is(ip.sample(4080 + 2450), 0.24f);
}

TEST_CASE("render() plays at the sender time the listener hears, and reaches a new target smoothly") {
    PoseInterpolator ip;
    // 30 poses/s arriving 20 ms after they were stamped: offset 20 - 1000.
    int k = 0;
    auto push_until = [&](double local_ms) {
        for (; k * 33 + 20 <= local_ms; ++k) ip.push(1000 + k * 33, ramp_at(1000 + k * 33), k * 33 + 20);
    };
    push_until(2000);
    // The audio engine says: at local 1990 the listener hears sender time 2850 (140 ms behind).
    const MediaTimeAnchor heard{1990, 2850};
    auto r = ip.render(2000, heard);
    CHECK(ip.following_audio());
    REQUIRE(ip.rendered_sender_ms());
    CHECK(*ip.rendered_sender_ms() == 2860);
    check_pose_is(r, 0.286f, 1e-4);
    const double frame_ms = 1000.0 / 60;
    int i = 0;
    for (; i < 60; ++i) {  // one second in step with the voice
        const double t = 2000 + i * frame_ms;
        push_until(t);
        r = ip.render(t, MediaTimeAnchor{t - 5, static_cast<std::uint32_t>(t - 5 + 1000 - 140)});
        CHECK(std::abs(static_cast<double>(*ip.rendered_sender_ms()) - (t + 1000 - 140)) <= 1.0);  // ms rounding
    }
    // The voice stops: the pose moves to its own delay (80 ms, 60 ms later than the voice)
    // by running faster for a while, never jumping and never going back.
    double last = *ip.rendered_sender_ms();
    for (; i < 150; ++i) {
        const double t = 2000 + i * frame_ms;
        push_until(t);
        ip.render(t);
        const double now_ts = *ip.rendered_sender_ms();
        const double step = now_ts - last;
        CHECK(step >= frame_ms - 1.01);
        CHECK(step <= frame_ms * (1 + PoseInterpolator::kSlew) + 1.01);
        last = now_ts;
    }
    CHECK_FALSE(ip.following_audio());
    // Caught up (60 ms at 10 % takes 0.6 s): the pose's own target, 980 - 80 ms ahead of now.
    CHECK(last == doctest::Approx(2000 + 149 * frame_ms + 980 - 80).epsilon(0.0003));
}

TEST_CASE("a late packet that proves the guess wrong is faded in, not jumped to") {
    PoseInterpolator ip(PosePlayoutConfig{kDelay, /*adapt_delay=*/false, /*extrapolate=*/true});
    for (int k = 0; k < 5; ++k) ip.push(1000 + k * 100, ramp_at(1000 + k * 100), 5000 + k * 100);
    // playout = now - 4080; the newest sample is 1400, so from 5480 on render() guesses.
    const double frame = 1000.0 / 60;
    double t = 5480;
    float shown = 0;
    for (; t < 5530; t += frame) shown = ip.render(t)->landmarks[0].x;
    CHECK(ip.starved());
    CHECK(shown == doctest::Approx(0.145).epsilon(0.01));  // the ramp, continued
    // The figure had stopped at 1400: the packet for 1500 says so.
    ip.push(1500, ramp_at(1400), 5500 + 35);
    const float next = ip.render(t)->landmarks[0].x;
    CHECK(std::abs(next - shown) < 0.002f);  // no jump back by the 0.005 the guess was off
    for (int k = 6; k < 20; ++k) ip.push(1000 + k * 100, ramp_at(1400), 5000 + k * 100);
    for (t += frame; t < 6500; t += frame) ip.render(t);
    check_pose_is(ip.render(t), 0.14f, 1e-4);  // faded out: the buffer's pose exactly
}

TEST_CASE("render() jumps a gap over kSnapMs instead of racing through it") {
    PoseInterpolator ip;
    for (int k = 0; k < 40; ++k) ip.push(1000 + k * 33, ramp_at(1000 + k * 33), k * 33);
    ip.render(1300);
    ip.render(1316, MediaTimeAnchor{1316, 1500});  // 736 ms behind where it was
    CHECK(*ip.rendered_sender_ms() == 1500);
}

TEST_SUITE_END();
