// pose_tier: the pose rate by room size, and the tier a receiver infers from a measured rate.
#include <doctest/doctest.h>

#include "core/pose_tier.hpp"

using namespace posemeet;

TEST_SUITE_BEGIN("pose_tier");

TEST_CASE("30 poses/s up to 4 people, 20 up to 9, 10 beyond") {
    CHECK(pose_rate_for_room(1) == 30);
    CHECK(pose_rate_for_room(4) == 30);
    CHECK(pose_rate_for_room(5) == 20);
    CHECK(pose_rate_for_room(9) == 20);
    CHECK(pose_rate_for_room(10) == 10);
    CHECK(pose_rate_for_room(kMaxPeerToPeerRoom) == 10);
    CHECK(pose_rate_for_room(200) == 10);
    // Nobody (a room we are not in yet) is the smallest room.
    CHECK(pose_rate_for_room(0) == 30);
}

TEST_CASE("a peer-to-peer room holds 16") { CHECK(kMaxPeerToPeerRoom == 16); }

TEST_CASE("a measured rate maps to the nearest tier") {
    CHECK(pose_tier_for_rate(0) == 0);
    CHECK(pose_tier_for_rate(-3) == 0);
    CHECK(pose_tier_for_rate(29.4) == 30);
    CHECK(pose_tier_for_rate(30.3) == 30);
    CHECK(pose_tier_for_rate(60) == 30);
    CHECK(pose_tier_for_rate(19.6) == 20);
    CHECK(pose_tier_for_rate(24) == 20);
    CHECK(pose_tier_for_rate(26) == 30);
    CHECK(pose_tier_for_rate(10.2) == 10);
    CHECK(pose_tier_for_rate(2) == 10);
}

TEST_SUITE_END();
