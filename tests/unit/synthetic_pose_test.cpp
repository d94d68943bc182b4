// synthetic_pose: the deterministic stand-in camera every client and bot animates.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/synthetic_pose.hpp"

using namespace posemeet;

namespace {

bool same_pose(const Pose& a, const Pose& b) {
    for (int i = 0; i < kLandmarkCount; ++i) {
        const auto& p = a.landmarks[i];
        const auto& q = b.landmarks[i];
        if (p.x != q.x || p.y != q.y || p.z != q.z || p.visibility != q.visibility) return false;
    }
    return true;
}

float max_move(const Pose& a, const Pose& b) {
    float m = 0;
    for (int i = 0; i < kLandmarkCount; ++i) {
        m = std::max({m, std::fabs(a.landmarks[i].x - b.landmarks[i].x),
                      std::fabs(a.landmarks[i].y - b.landmarks[i].y),
                      std::fabs(a.landmarks[i].z - b.landmarks[i].z)});
    }
    return m;
}

}  // namespace

TEST_SUITE_BEGIN("synthetic_pose");

TEST_CASE("pose_seed_for_user is FNV-1a and stable") {
    CHECK(pose_seed_for_user("abc") == 0x1A47E90Bu);
    CHECK(pose_seed_for_user("") == 0x811C9DC5u);
    CHECK(pose_seed_for_user("a") == 0xE40C292Cu);
    CHECK(pose_seed_for_user("user-1") == pose_seed_for_user(std::string("user-") + "1"));
    CHECK(pose_seed_for_user("user-1") != pose_seed_for_user("user-2"));
}

TEST_CASE("same seed and time give an identical pose") {
    for (std::uint32_t seed : {0u, 1u, 0xDEADBEEFu, pose_seed_for_user("alice")}) {
        SyntheticPoseSource a(seed), b(seed);
        for (std::uint32_t t : {0u, 1u, 33u, 1'000'000u, 0x7FFFFFFFu, 0xFFFFFFFFu}) {
            INFO("seed " << seed << " t " << t);
            CHECK(same_pose(a.pose_at(t), b.pose_at(t)));
            CHECK(same_pose(a.pose_at(t), a.pose_at(t)));
        }
    }
}

TEST_CASE("different seeds give different poses and the figure moves over time") {
    SyntheticPoseSource alice(pose_seed_for_user("alice")), bob(pose_seed_for_user("bob"));
    int differing = 0;
    for (std::uint32_t t = 0; t < 10000; t += 500) differing += same_pose(alice.pose_at(t), bob.pose_at(t)) ? 0 : 1;
    CHECK(differing == 20);
    CHECK(max_move(alice.pose_at(0), bob.pose_at(0)) > 0.005f);
    // Not a statue: over a few seconds a wrist travels visibly.
    float travel = 0;
    for (std::uint32_t t = 0; t < 5000; t += 100)
        travel = std::max(travel, max_move(alice.pose_at(0), alice.pose_at(t)));
    CHECK(travel > 0.02f);
}

TEST_CASE("motion is continuous: a 1 ms step moves no landmark more than 0.01") {
    for (std::uint32_t seed : {1u, 2u, 3u, pose_seed_for_user("alice"), pose_seed_for_user("bob")}) {
        SyntheticPoseSource src(seed);
        for (std::uint32_t start : {0u, 1'700'000'000u, 0xFFFF0000u}) {
            Pose prev = src.pose_at(start);
            float worst = 0;
            for (std::uint32_t dt = 1; dt < 20000; ++dt) {
                const Pose cur = src.pose_at(start + dt);
                worst = std::max(worst, max_move(prev, cur));
                prev = cur;
            }
            INFO("seed " << seed << " start " << start << " worst step " << worst);
            CHECK(worst <= 0.01f);
            CHECK(worst > 0.0f);
        }
    }
}

TEST_CASE("all landmarks stay inside the image for a long sweep of times") {
    for (std::uint32_t seed = 0; seed < 8; ++seed) {
        SyntheticPoseSource src(pose_seed_for_user("user-" + std::to_string(seed)));
        float min_xy = 1, max_xy = 0;
        bool vis_ok = true, z_ok = true;
        // Three hours at 97 ms steps, plus the hour before the 32-bit wrap.
        auto visit = [&](std::uint32_t t) {  // NOLINT
            for (const auto& l : src.pose_at(t).landmarks) {
                min_xy = std::min({min_xy, l.x, l.y});
                max_xy = std::max({max_xy, l.x, l.y});
                vis_ok = vis_ok && l.visibility >= 0 && l.visibility <= 1;
                z_ok = z_ok && l.z >= -1 && l.z <= 1;
            }
        };
        for (std::uint32_t t = 0; t < 10'800'000u; t += 97) visit(t);
        for (std::uint64_t t = 0xFFFFFFFFu - 3'600'000u; t <= 0xFFFFFFFFu; t += 97) visit(static_cast<std::uint32_t>(t));
        INFO("seed " << seed << " xy range " << min_xy << ".." << max_xy);
        CHECK(min_xy >= 0.0f);
        CHECK(max_xy <= 1.0f);
        CHECK(vis_ok);
        CHECK(z_ok);
    }
}

TEST_CASE("the figure is upright: head above shoulders above hips above ankles") {
    SyntheticPoseSource src(pose_seed_for_user("alice"));
    for (std::uint32_t t = 0; t < 60000; t += 250) {
        const Pose p = src.pose_at(t);
        CHECK(p[Landmark::Nose].y < p[Landmark::LeftShoulder].y);
        CHECK(p[Landmark::LeftShoulder].y < p[Landmark::LeftHip].y);
        CHECK(p[Landmark::LeftHip].y < p[Landmark::LeftAnkle].y);
        // Subject's left appears on the image right.
        CHECK(p[Landmark::LeftShoulder].x > p[Landmark::RightShoulder].x);
    }
}

TEST_SUITE_END();
