// pose_shedding: when an overloaded media thread drops pose deltas at the door - from the
// moment its write window closes 100 ms late until 250 ms after the last such window, and
// never on a thread whose windows close on time or a little late (a busy machine).
#include <doctest/doctest.h>

#include "server/pose_shedding.hpp"

using posemeet::server::PoseShedding;

TEST_SUITE_BEGIN("pose_shedding");

TEST_CASE("a thread whose windows close on time, or tens of ms late, sheds nothing") {
    PoseShedding shedding;
    for (std::int64_t t = 0; t < 2000; t += 5) {
        CHECK_FALSE(shedding.shed(0, t));
        CHECK_FALSE(shedding.shed(PoseShedding::kBehindAfterLateMs - 1, t));
    }
}

TEST_CASE("behind: it sheds at once, while windows stay late, and 250 ms after the last late one") {
    PoseShedding shedding;
    CHECK_FALSE(shedding.shed(0, 1000));
    CHECK(shedding.shed(PoseShedding::kBehindAfterLateMs, 1000));  // the first late window
    CHECK(shedding.shed(4 * PoseShedding::kBehindAfterLateMs, 1100));  // still behind
    // Caught up: its windows close on time again, yet the kernel may still hold a backlog.
    CHECK(shedding.shed(0, 1100 + PoseShedding::kShedForMs - 1));
    CHECK_FALSE(shedding.shed(0, 1100 + PoseShedding::kShedForMs));
    CHECK_FALSE(shedding.shed(0, 5000));
    // Behind again later: shedding again.
    CHECK(shedding.shed(PoseShedding::kBehindAfterLateMs + 50, 6000));
}

TEST_SUITE_END();
