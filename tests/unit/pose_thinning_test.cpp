// pose_thinning: the relay's pose to a reader that asked for fewer (vcSetMediaReceive):
// per sender at the rate asked, keyframes always, every pose again when the wish is 0.
#include <doctest/doctest.h>

#include "server/pose_thinning.hpp"

using posemeet::server::PoseThinning;

namespace {
// Frames of one sender at 30/s (every 33 ms, +-4 ms of jitter) for `ms`: how many pass.
int passed(PoseThinning& t, std::uint16_t sender, int max_hz, std::int64_t start, int ms, int keyframe_every = 0) {
    int n = 0, frame = 0;
    for (std::int64_t at = start; at < start + ms; at += 33, ++frame) {
        const std::int64_t jitter = (frame % 3) * 4 - 4;
        const bool key = keyframe_every > 0 && frame % keyframe_every == 0;
        if (t.admit(sender, key, max_hz, at + jitter)) ++n;
    }
    return n;
}
}  // namespace

TEST_SUITE_BEGIN("pose_thinning");

TEST_CASE("no wish: every pose passes") {
    PoseThinning t;
    CHECK(passed(t, 1, 0, 0, 3000) == 91);
}

TEST_CASE("a wish of 10/s gives each sender 10 poses a second, whatever the others send") {
    PoseThinning t;
    const int a = passed(t, 1, 10, 0, 3000);
    const int b = passed(t, 2, 10, 0, 3000);
    CHECK(a >= 29);
    CHECK(a <= 31);
    CHECK(b == a);  // senders are thinned apart
    PoseThinning five;
    const int slow = passed(five, 1, 5, 0, 3000);
    CHECK(slow >= 14);
    CHECK(slow <= 16);
}

TEST_CASE("keyframes always pass: a reader that lost its reference is waiting for one") {
    PoseThinning t;
    // Every frame a keyframe: all pass despite the wish.
    CHECK(passed(t, 1, 10, 0, 1000, 1) == 31);
}

TEST_CASE("back to every pose when the wish is lifted") {
    PoseThinning t;
    passed(t, 1, 10, 0, 1000);
    CHECK(passed(t, 1, 0, 1000, 1000) == 31);
}

TEST_SUITE_END();
