// lazy_fifo: the FIFO behind the outgoing queue's pose and audio lists and each member's event
// inbox - nothing allocated until the first push, order kept across compactions, iteration
// oldest first, everything moved out at once, and memory given back after a burst.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/lazy_fifo.hpp"

using posemeet::LazyFifo;

TEST_SUITE("lazy_fifo") {

TEST_CASE("nothing is allocated until the first push") {
    LazyFifo<std::string> fifo;
    CHECK(fifo.empty());
    CHECK(fifo.size() == 0);
    CHECK(!fifo.holds_memory());
    fifo.push_back("a");
    CHECK(fifo.holds_memory());
}

TEST_CASE("front, back, size and iteration follow the items in order across compactions") {
    LazyFifo<int> fifo;
    int next_in = 0, next_out = 0;
    for (int round = 0; round < 40; ++round) {
        for (int i = 0; i < round % 6 + 1; ++i) fifo.push_back(next_in++);
        for (int i = 0; i < round % 4 + 1 && !fifo.empty(); ++i) {
            CHECK(fifo.front() == next_out++);
            fifo.pop_front();
        }
        REQUIRE(fifo.size() == static_cast<std::size_t>(next_in - next_out));
        if (!fifo.empty()) CHECK(fifo.back() == next_in - 1);
        int expected = next_out;
        for (int v : fifo) CHECK(v == expected++);
        CHECK(expected == next_in);
    }
    while (!fifo.empty()) {  // drained, every item comes out once, in order
        CHECK(fifo.front() == next_out++);
        fifo.pop_front();
    }
    CHECK(next_out == next_in);
}

TEST_CASE("take_all moves every item out, oldest first, and leaves nothing allocated") {
    LazyFifo<std::string> fifo;
    for (int i = 0; i < 5; ++i) fifo.push_back(std::to_string(i));
    fifo.pop_front();
    const std::vector<std::string> all = fifo.take_all();
    CHECK(all == std::vector<std::string>{"1", "2", "3", "4"});
    CHECK(fifo.empty());
    CHECK(!fifo.holds_memory());
    fifo.push_back("x");
    CHECK(fifo.take_all() == std::vector<std::string>{"x"});  // taken whole when nothing was popped
    CHECK(!fifo.holds_memory());
}

TEST_CASE("emptied after a burst, the storage is given back; a small one is kept for reuse") {
    LazyFifo<int> fifo;
    for (int i = 0; i < 3; ++i) fifo.push_back(i);
    for (int i = 0; i < 3; ++i) fifo.pop_front();
    CHECK(fifo.empty());
    CHECK(fifo.holds_memory());  // a few slots: kept
    for (int i = 0; i < 1000; ++i) fifo.push_back(i);
    for (int i = 0; i < 1000; ++i) {
        CHECK(fifo.front() == i);
        fifo.pop_front();
    }
    CHECK(fifo.empty());
    CHECK(!fifo.holds_memory());
    fifo.push_back(7);
    fifo.clear();
    CHECK(fifo.empty());
    CHECK(!fifo.holds_memory());
}

}  // TEST_SUITE
