// forwarding_policy: which rooms the relay forwards selectively (beyond the mesh size) and
// the pose rate each receiver gets from each sender there (visible: its wish; others: low).
#include "core/forwarding_policy.hpp"

#include <doctest/doctest.h>

#include "server/pose_thinning.hpp"

using namespace posemeet;

TEST_SUITE_BEGIN("forwarding_policy");

TEST_CASE("only rooms beyond the mesh size are selective") {
    CHECK_FALSE(is_selective_room(2));
    CHECK_FALSE(is_selective_room(kMaxPeerToPeerRoom));
    CHECK(is_selective_room(kMaxPeerToPeerRoom + 1));
    CHECK(is_selective_room(100));
}

TEST_CASE("visible members: named, sorted and deduplicated; cleared = unnamed") {
    VisibleMembers v;
    CHECK_FALSE(v.named());
    v.name({"u3", "u1", "u3"});
    CHECK(v.named());
    CHECK(v.user_ids() == std::vector<std::string>{"u1", "u3"});
    CHECK(v.contains("u3"));
    CHECK_FALSE(v.contains("u2"));
    v.name({});  // named, but nobody on screen
    CHECK(v.named());
    CHECK_FALSE(v.contains("u1"));
    v.clear();
    CHECK_FALSE(v.named());
}

TEST_CASE(
    "pose rate: full for visible members, reduced for the others, everything without a list") {
    VisibleMembers visible;
    visible.name({"seen"});
    const std::size_t large = 30;
    // A receiver on screen of `seen` gets it at its own wish (0 = every pose) ...
    CHECK(pose_hz_for(visible, 0, "seen", large) == 0);
    CHECK(pose_hz_for(visible, 10, "seen", large) == 10);
    // ... and everyone else at the background rate, or its own wish when that is lower.
    CHECK(pose_hz_for(visible, 0, "other", large) == kBackgroundPoseHz);
    CHECK(pose_hz_for(visible, 10, "other", large) == kBackgroundPoseHz);
    CHECK(pose_hz_for(visible, 1, "other", large) == 1);
    // A receiver that named nothing gets everyone at full rate.
    const VisibleMembers unnamed;
    CHECK(pose_hz_for(unnamed, 0, "other", large) == 0);
    CHECK(pose_hz_for(unnamed, 10, "other", large) == 10);
    // In a room of the mesh size the list changes nothing: small rooms behave as today.
    CHECK(pose_hz_for(visible, 0, "other", kMaxPeerToPeerRoom) == 0);
}

TEST_CASE("pose rate to a congested receiver: at most kCongestedPoseHz, lower wishes kept") {
    CHECK(pose_hz_while_congested(0) == kCongestedPoseHz);  // every pose -> the cap
    CHECK(pose_hz_while_congested(30) == kCongestedPoseHz);
    CHECK(pose_hz_while_congested(kBackgroundPoseHz) == kBackgroundPoseHz);
    CHECK(pose_hz_while_congested(3) == 3);
    // Fewer than any room sends (the slowest tier), more than the background rate.
    CHECK(kCongestedPoseHz < pose_rate_for_room(100));
    CHECK(kBackgroundPoseHz < kCongestedPoseHz);
}

TEST_CASE(
    "with the relay's thinning: a visible sender at 10/s passes whole, another at about 2/s") {
    VisibleMembers visible;
    visible.name({"seen"});
    server::PoseThinning thinning;
    int seen = 0, other = 0, keyframes = 0;
    // Two senders at 10 poses/s for 5 s, a keyframe from each every 3 s.
    for (std::int64_t t = 0; t < 5000; t += 100) {
        const bool key = t % 3000 == 0;
        if (thinning.admit(1, key, pose_hz_for(visible, 0, "seen", 30), t)) ++seen;
        if (thinning.admit(2, key, pose_hz_for(visible, 0, "other", 30), t)) {
            ++other;
            if (key) ++keyframes;
        }
    }
    CHECK(seen == 50);
    CHECK(other >= 10);
    CHECK(other <= 12);
    CHECK(keyframes == 2);  // keyframes always pass
}

TEST_SUITE_END();
