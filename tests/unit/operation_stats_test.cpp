// operation_stats: the server's per-operation timing behind GET /api/v1/stats -
// nearest-rank percentiles, the bounded window, the cap on distinct names, the JSON form.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "server/operation_stats.hpp"

using posemeet::server::nearest_rank_percentile;
using posemeet::server::OperationStats;
using std::chrono::microseconds;
using std::chrono::nanoseconds;

TEST_SUITE("operation_stats") {

TEST_CASE("nearest-rank percentiles") {
    std::vector<std::uint32_t> empty;
    CHECK(nearest_rank_percentile(empty, 50) == 0);

    std::vector<std::uint32_t> one{7};
    CHECK(nearest_rank_percentile(one, 0) == 7);
    CHECK(nearest_rank_percentile(one, 50) == 7);
    CHECK(nearest_rank_percentile(one, 99) == 7);
    CHECK(nearest_rank_percentile(one, 100) == 7);

    // 1..100 in shuffled order: the p-th percentile is p itself.
    std::vector<std::uint32_t> v(100);
    std::iota(v.begin(), v.end(), 1u);
    std::mt19937 rng(42);
    std::shuffle(v.begin(), v.end(), rng);
    for (double p : {1.0, 10.0, 50.0, 90.0, 99.0, 100.0}) {
        auto copy = v;
        CHECK(nearest_rank_percentile(copy, p) == static_cast<std::uint32_t>(p));
    }
    auto copy = v;
    CHECK(nearest_rank_percentile(copy, 0) == 1);
    copy = v;
    CHECK(nearest_rank_percentile(copy, 99.5) == 100);  // rank ceil(99.5) = 100
    copy = v;
    CHECK(nearest_rank_percentile(copy, 250) == 100);  // clamped

    // Even count: the median is the lower middle value.
    std::vector<std::uint32_t> four{40, 10, 30, 20};
    CHECK(nearest_rank_percentile(four, 50) == 20);
    four = {40, 10, 30, 20};
    CHECK(nearest_rank_percentile(four, 75) == 30);
    four = {40, 10, 30, 20};
    CHECK(nearest_rank_percentile(four, 76) == 40);

    // 1000 values 1..1000: p99 = 990 (ceil(0.99 * 1000)), not 991 through rounding error.
    std::vector<std::uint32_t> thousand(1000);
    std::iota(thousand.begin(), thousand.end(), 1u);
    std::shuffle(thousand.begin(), thousand.end(), rng);
    CHECK(nearest_rank_percentile(thousand, 99) == 990);
}

TEST_CASE("summary of one operation, in microseconds") {
    OperationStats stats(4096);
    CHECK_FALSE(stats.summary("vcGetUserList"));
    // handle 1..100 us, total 2x; two errors.
    for (int i = 1; i <= 100; ++i)
        stats.record("vcGetUserList", microseconds(i), microseconds(2 * i), i % 50 != 0);
    const auto s = stats.summary("vcGetUserList");
    REQUIRE(s);
    CHECK(s->count == 100);
    CHECK(s->errors == 2);
    CHECK(s->samples == 100);
    CHECK(s->handle.median_us == doctest::Approx(50));
    CHECK(s->handle.p99_us == doctest::Approx(99));
    CHECK(s->handle.max_us == doctest::Approx(100));
    CHECK(s->total.median_us == doctest::Approx(100));
    CHECK(s->total.p99_us == doctest::Approx(198));
    CHECK(s->total.max_us == doctest::Approx(200));

    // Sub-microsecond precision: 1234 ns -> 1.23 us; negative durations count as 0.
    OperationStats fine(16);
    fine.record("x", nanoseconds(1234), nanoseconds(-5), true);
    CHECK(fine.summary("x")->handle.median_us == doctest::Approx(1.23));
    CHECK(fine.summary("x")->total.max_us == doctest::Approx(0));
    // Durations beyond the 32-bit nanosecond range saturate instead of wrapping.
    fine.record("y", std::chrono::seconds(10), std::chrono::seconds(10), true);
    CHECK(fine.summary("y")->handle.max_us == doctest::Approx(4294967.3).epsilon(1e-6));
}

TEST_CASE("the window keeps only the most recent samples") {
    OperationStats stats(8);
    // 8 slow samples, then 8 fast ones: the slow ones are gone from the window.
    for (int i = 0; i < 8; ++i) stats.record("op", microseconds(1000), microseconds(1000), true);
    CHECK(stats.summary("op")->handle.median_us == doctest::Approx(1000));
    for (int i = 1; i <= 8; ++i) stats.record("op", microseconds(i), microseconds(i), true);
    auto s = stats.summary("op");
    CHECK(s->count == 16);
    CHECK(s->samples == 8);
    CHECK(s->handle.max_us == doctest::Approx(8));
    CHECK(s->handle.median_us == doctest::Approx(4));
    // Partly overwritten: one more slow sample replaces the oldest fast one (1 us).
    stats.record("op", microseconds(500), microseconds(500), true);
    s = stats.summary("op");
    CHECK(s->samples == 8);
    CHECK(s->handle.max_us == doctest::Approx(500));
    CHECK(s->handle.median_us == doctest::Approx(5));  // {2..8, 500}: 4th of 8
}

TEST_CASE("memory stays bounded whatever the traffic") {
    OperationStats stats(64, 4);
    std::mt19937 rng(7);
    // 100 000 samples over 1000 distinct (made-up) names.
    for (int i = 0; i < 100000; ++i) {
        const std::string name = "ev" + std::to_string(rng() % 1000);
        stats.record(name, nanoseconds(rng() % 100000), nanoseconds(rng() % 100000), true);
    }
    CHECK(stats.operation_count() == 5);  // 4 names + "(other)"
    CHECK(stats.stored_samples() <= stats.max_stored_samples());
    CHECK(stats.max_stored_samples() == 5 * 64);
    const auto other = stats.summary(OperationStats::kOther);
    REQUIRE(other);
    CHECK(other->samples == 64);
    std::uint64_t total = 0;
    const auto json = stats.to_json();
    for (const auto& [name, entry] : json.items()) total += entry["count"].get<std::uint64_t>();
    CHECK(total == 100000);  // nothing lost, only lumped together

    // Names already known keep their own series after the cap is reached.
    OperationStats capped(16, 2);
    capped.record("a", microseconds(1), microseconds(1), true);
    capped.record("b", microseconds(1), microseconds(1), true);
    capped.record("c", microseconds(1), microseconds(1), true);
    capped.record("a", microseconds(1), microseconds(1), true);
    CHECK(capped.summary("a")->count == 2);
    CHECK_FALSE(capped.summary("c"));
    CHECK(capped.summary(OperationStats::kOther)->count == 1);

    // Made-up names (they only ever fail) all go to "(other)" and take no entry: a real
    // operation still gets its own afterwards.
    OperationStats junk(16, 2);
    for (int i = 0; i < 100; ++i) junk.record("bogus" + std::to_string(i), microseconds(1), microseconds(1), false);
    CHECK(junk.operation_count() == 1);
    CHECK(junk.summary(OperationStats::kOther)->errors == 100);
    junk.record("vcGetUserList", microseconds(1), microseconds(1), true);
    junk.record("vcGetUserList", microseconds(1), microseconds(1), false);
    CHECK(junk.summary("vcGetUserList")->count == 2);
    CHECK(junk.summary("vcGetUserList")->errors == 1);
}

TEST_CASE("JSON form") {
    OperationStats stats(16);
    CHECK(stats.to_json().is_object());
    CHECK(stats.to_json().empty());
    stats.record("vcSendMessage", microseconds(3), microseconds(12), true);
    stats.record("vcSendMessage", microseconds(5), microseconds(20), false);
    const auto j = stats.to_json();
    REQUIRE(j.contains("vcSendMessage"));
    const auto& e = j["vcSendMessage"];
    CHECK(e["count"] == 2);
    CHECK(e["errors"] == 1);
    CHECK(e["samples"] == 2);
    CHECK(e["median_us"].get<double>() == doctest::Approx(3));
    CHECK(e["p99_us"].get<double>() == doctest::Approx(5));
    CHECK(e["max_us"].get<double>() == doctest::Approx(5));
    CHECK(e["total"]["median_us"].get<double>() == doctest::Approx(12));
    CHECK(e["total"]["p99_us"].get<double>() == doctest::Approx(20));
    CHECK(e["total"]["max_us"].get<double>() == doctest::Approx(20));
}

}
