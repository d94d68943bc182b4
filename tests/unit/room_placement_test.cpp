// room_placement: which media thread a WebSocket goes to. A room's connections share one
// thread (its relaying stays on it), new rooms go to the least-loaded thread, and a room
// whose connections all closed is placed afresh.
#include "core/room_placement.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <vector>

using posemeet::RoomPlacement;

TEST_SUITE_BEGIN("room_placement");

TEST_CASE("every connection of a room goes to the room's thread") {
    RoomPlacement p(4);
    const std::size_t t = p.place("townhall");
    for (int i = 0; i < 9; ++i) CHECK(p.place("townhall") == t);
    CHECK(p.load(t) == 10);
    CHECK(p.thread_of("townhall") == t);
}

TEST_CASE("new rooms spread over the threads by their load") {
    RoomPlacement p(2);
    // Room a fills thread 0 with 3 connections; b goes to the empty thread 1.
    for (int i = 0; i < 3; ++i) CHECK(p.place("a") == 0);
    CHECK(p.place("b") == 1);
    // c: thread 1 carries 1 against 3.
    CHECK(p.place("c") == 1);
    CHECK(p.place("c") == 1);
    CHECK(p.place("c") == 1);
    // 3 against 4: d goes to thread 0.
    CHECK(p.place("d") == 0);
    CHECK(p.load(0) == 4);
    CHECK(p.load(1) == 4);
    CHECK(p.rooms_on(0) == 2);  // a, d
    CHECK(p.rooms_on(1) == 2);  // b, c
}

TEST_CASE("fifty rooms of twenty and one of a hundred come out even on two threads") {
    // The load test's rooms, each filling before the next opens (as its bots connect).
    RoomPlacement p(2);
    for (int i = 0; i < 100; ++i) p.place("big");
    for (int r = 0; r < 50; ++r)
        for (int i = 0; i < 20; ++i) p.place("room-" + std::to_string(r));
    const auto l0 = static_cast<long>(p.load(0)), l1 = static_cast<long>(p.load(1));
    CHECK(l0 + l1 == 1100);
    CHECK(std::labs(l0 - l1) <= 20);  // within one room of even
}

TEST_CASE("a connection that names no room goes to the least-loaded thread, alone") {
    RoomPlacement p(3);
    p.place("a");
    p.place("b");
    CHECK(p.place("") == 2);
    CHECK(p.place("") == 0);  // all equal again: the first
    CHECK_FALSE(p.thread_of("").has_value());
    p.release("", 2);
    p.release("", 0);
    CHECK(p.load(0) == 1);
    CHECK(p.load(2) == 0);
}

TEST_CASE("a room is forgotten with its last connection and placed afresh") {
    RoomPlacement p(2);
    CHECK(p.place("a") == 0);
    CHECK(p.place("a") == 0);
    CHECK(p.place("b") == 1);
    CHECK(p.place("b") == 1);
    CHECK(p.place("b") == 1);
    p.release("a", 0);
    CHECK(p.thread_of("a") == 0u);  // one connection left
    p.release("a", 0);
    CHECK_FALSE(p.thread_of("a").has_value());
    CHECK(p.load(0) == 0);
    // Back: thread 0 is the empty one now.
    CHECK(p.place("a") == 0);
    // Releasing what was never placed changes nothing.
    p.release("zzz", 1);
    CHECK(p.load(1) == 3);
}

TEST_CASE("zero threads means one") {
    RoomPlacement p(0);
    CHECK(p.threads() == 1);
    CHECK(p.place("a") == 0);
    CHECK(p.place("") == 0);
}

TEST_SUITE_END();
