// pose_shedding: when an overloaded media thread drops pose deltas at the door - for 250 ms
// after a write window closed 100 ms late or more, never on windows on time or a little
// late (a busy machine), and never for good on one late window long past (shedding holds
// no media, so no window would come to say the thread caught up).
#include <doctest/doctest.h>

#include "server/pose_shedding.hpp"

using posemeet::server::PoseShedding;

TEST_SUITE_BEGIN("pose_shedding");

TEST_CASE("windows that close on time, or tens of ms late, shed nothing") {
    for (std::int64_t t = 1000; t < 3000; t += 5) {
        CHECK_FALSE(PoseShedding::shed(0, t, t));
        CHECK_FALSE(PoseShedding::shed(PoseShedding::kBehindAfterLateMs - 1, t, t + 1));
    }
}

TEST_CASE("a late window: shedding for 250 ms after it closed, then relaying again") {
    const std::int64_t closed = 1000, late = PoseShedding::kBehindAfterLateMs;
    CHECK(PoseShedding::shed(late, closed, closed));
    CHECK(PoseShedding::shed(4 * late, closed, closed + 100));
    CHECK(PoseShedding::shed(late, closed, closed + PoseShedding::kShedForMs - 1));
    // No window has closed since (shedding holds none): it relays again, and a window late
    // once more would start it again.
    CHECK_FALSE(PoseShedding::shed(late, closed, closed + PoseShedding::kShedForMs));
    CHECK_FALSE(PoseShedding::shed(late, closed, closed + 60000));
    CHECK(PoseShedding::shed(late + 50, closed + 60000, closed + 60010));
}

TEST_SUITE_END();
