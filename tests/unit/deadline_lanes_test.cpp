// deadline_lanes: the WebSocket sessions' deadlines behind one timer - each lane in time
// order, the earliest across lanes, re-arming and cancelling (the session's close handshake
// replaces its idle tick; a session that goes cancels), and only what is due comes out.
#include <doctest/doctest.h>

#include <chrono>
#include <vector>

#include "server/deadline_lanes.hpp"

using posemeet::server::DeadlineLanes;
using Hook = DeadlineLanes::Hook;
using namespace std::chrono_literals;

namespace {
const DeadlineLanes::Clock::time_point t0{};

// Everything due at `now`, in the order it comes out.
std::vector<Hook*> pop_all(DeadlineLanes& lanes, DeadlineLanes::Clock::time_point now) {
    std::vector<Hook*> out;
    while (Hook* h = lanes.pop_due(now)) out.push_back(h);
    return out;
}
}  // namespace

TEST_SUITE("deadline_lanes") {

TEST_CASE("deadlines come out when due, earliest first across lanes") {
    DeadlineLanes lanes({5s, 10s});
    Hook a, b, c, d;
    CHECK(!lanes.earliest());
    lanes.arm(a, 1, t0);       // due 10 s
    lanes.arm(b, 0, t0 + 1s);  // due 6 s
    lanes.arm(c, 0, t0 + 2s);  // due 7 s
    lanes.arm(d, 1, t0 + 2s);  // due 12 s
    CHECK(lanes.armed() == 4);
    CHECK(*lanes.earliest() == t0 + 6s);
    CHECK(pop_all(lanes, t0 + 5s).empty());
    CHECK(pop_all(lanes, t0 + 10s) == std::vector<Hook*>{&b, &c, &a});
    CHECK(!a.armed());
    CHECK(d.armed());
    CHECK(d.deadline() == t0 + 12s);
    CHECK(*lanes.earliest() == t0 + 12s);
    CHECK(pop_all(lanes, t0 + 12s) == std::vector<Hook*>{&d});
    CHECK(lanes.armed() == 0);
    CHECK(!lanes.earliest());
}

TEST_CASE("arming again replaces the deadline, in the same lane or another; cancel takes it out") {
    DeadlineLanes lanes({5s, 10s});
    Hook a, b, c;
    lanes.arm(a, 0, t0);
    lanes.arm(b, 0, t0);
    lanes.arm(c, 0, t0);
    lanes.arm(a, 0, t0 + 1s);  // to the back of its lane: due 6 s
    lanes.arm(b, 1, t0 + 1s);  // the close handshake: due 11 s
    lanes.cancel(c);
    lanes.cancel(c);  // twice is harmless
    CHECK(lanes.armed() == 2);
    CHECK(pop_all(lanes, t0 + 5s).empty());
    CHECK(pop_all(lanes, t0 + 6s) == std::vector<Hook*>{&a});
    lanes.arm(a, 0, t0 + 6500ms);  // re-armed later (the next idle tick): due 11.5 s, after b
    CHECK(pop_all(lanes, t0 + 11s) == std::vector<Hook*>{&b});
    CHECK(pop_all(lanes, t0 + 12s) == std::vector<Hook*>{&a});
}

TEST_CASE("cancelling from the middle, the head and the tail keeps the others in order") {
    DeadlineLanes lanes({1s});
    Hook hooks[6];
    for (int i = 0; i < 6; ++i) lanes.arm(hooks[i], 0, t0 + std::chrono::milliseconds(i));
    lanes.cancel(hooks[2]);
    lanes.cancel(hooks[0]);
    lanes.cancel(hooks[5]);
    CHECK(pop_all(lanes, t0 + 10s) == std::vector<Hook*>{&hooks[1], &hooks[3], &hooks[4]});
}

}  // TEST_SUITE
