// heard_timeline: which sender time the listener hears, with frames queued ahead of the
// speaker, silence, stale frames and latency readings that wobble.
#include <doctest/doctest.h>

#include "core/audio/heard_timeline.hpp"

using namespace posemeet;
using posemeet::audio::HeardTimeline;

TEST_SUITE_BEGIN("audio_heard_timeline");

TEST_CASE("nothing is heard before the first frame reaches the ear") {
    HeardTimeline h;
    CHECK_FALSE(h.at(1000));
    h.frame(1100, 5000);  // handed out at 1000, 100 ms of queue and output latency
    CHECK_FALSE(h.at(1099));
    const auto a = h.at(1100);
    REQUIRE(a);
    CHECK(a->local_ms == 1100);
    CHECK(a->sender_ms == 5000);
}

TEST_CASE("the frame heard now, not the one handed out last") {
    HeardTimeline h;
    // Three frames handed out at once into a 60 ms queue (a speaker queue being filled).
    h.frame(1000, 5000);
    h.frame(1020, 5020);
    h.frame(1040, 5040);
    CHECK(h.at(1005)->sender_ms == 5000);
    CHECK(h.at(1025)->sender_ms == 5020);
    CHECK(h.at(1059)->sender_ms == 5040);
    // The jitter buffer waited a frame (it repeats the last sender time): heard as such.
    h.frame(1060, 5040);
    h.frame(1080, 5060);
    CHECK(h.at(1070)->sender_ms == 5040);
    CHECK(h.at(1070)->local_ms == 1060);
    CHECK(h.at(1085)->sender_ms == 5060);
}

TEST_CASE("silence and a speaker that stopped asking mean not heard") {
    HeardTimeline h;
    h.frame(1000, 5000);
    h.silence(1020);
    CHECK(h.at(1010));
    CHECK_FALSE(h.at(1030));
    h.frame(1040, 7000);  // back (a new stream)
    CHECK(h.at(1050)->sender_ms == 7000);
    CHECK(h.at(1040 + 20 + HeardTimeline::kStaleMs));
    CHECK_FALSE(h.at(1040 + 20 + HeardTimeline::kStaleMs + 1));
    h.clear();
    CHECK_FALSE(h.at(1050));
}

TEST_CASE("a frame is never heard before the one ahead of it; memory is bounded") {
    HeardTimeline h;
    h.frame(1000, 5000);
    h.frame(995, 5020);  // the reported latency dipped by 25 ms
    CHECK_FALSE(h.at(997));                // not before the frame ahead of it...
    CHECK(h.at(1001)->sender_ms == 5020);  // ...and from then on the later frame wins
    for (int i = 0; i < 100; ++i) h.frame(2000 + 20 * i, static_cast<std::uint32_t>(9000 + 20 * i));
    CHECK_FALSE(h.at(1001));  // forgotten: long heard
    CHECK(h.at(2000 + 20 * 99 + 5)->sender_ms == 9000 + 20 * 99);
}

TEST_SUITE_END();
