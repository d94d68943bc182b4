// recycling_pool: the free list the WebSocket sessions take their write batches from - an
// object given back is the next one taken, at most max_kept are kept, and none is made twice.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "server/recycling_pool.hpp"

using posemeet::server::RecyclingPool;

TEST_SUITE("recycling_pool") {

TEST_CASE("an object given back is taken again, with what it held; past max_kept they are freed") {
    RecyclingPool<std::string> pool(2);
    auto a = pool.take();
    CHECK(a->empty());
    a->reserve(4000);
    const std::string* address = a.get();
    pool.give_back(std::move(a));
    CHECK(pool.kept() == 1);
    auto again = pool.take();
    CHECK(again.get() == address);
    CHECK(again->capacity() >= 4000);
    CHECK(pool.kept() == 0);

    auto b = pool.take(), c = pool.take();
    pool.give_back(std::move(again));
    pool.give_back(std::move(b));
    pool.give_back(std::move(c));  // a third: freed
    CHECK(pool.kept() == 2);
    pool.give_back(nullptr);
    CHECK(pool.kept() == 2);
}

}  // TEST_SUITE
