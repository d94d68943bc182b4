// prometheus_text: GET /metrics' text format - numbers, escaped labels, histograms - and
// the control operations' latency histogram it reports (operation_stats).
#include <doctest/doctest.h>

#include <string>

#include "server/operation_stats.hpp"
#include "server/prometheus_text.hpp"

using namespace posemeet::server;
using namespace std::chrono_literals;

TEST_SUITE("prometheus_text") {
    TEST_CASE("numbers: integers without a fraction, infinities and NaN by name") {
        CHECK(prometheus_number(42) == "42");
        CHECK(prometheus_number(0.00025) == "0.00025");
        CHECK(prometheus_number(1.0 / 0.0) == "+Inf");
        CHECK(prometheus_number(-1.0 / 0.0) == "-Inf");
        CHECK(prometheus_number(0.0 / 0.0) == "NaN");
    }

    TEST_CASE("a family: HELP, TYPE, then samples with escaped label values") {
        PrometheusText m;
        m.family("posemeet_x_total", PrometheusText::Type::Counter, "What x counts");
        m.sample("posemeet_x_total", {{"operation", "a\"b\\c\nd"}}, 3);
        CHECK(m.text() ==
              "# HELP posemeet_x_total What x counts\n"
              "# TYPE posemeet_x_total counter\n"
              "posemeet_x_total{operation=\"a\\\"b\\\\c\\nd\"} 3\n");
    }

    TEST_CASE("a histogram: cumulative buckets ending in +Inf, then sum and count") {
        PrometheusText m;
        m.histogram("t_seconds", {{"op", "j"}}, {0.1, 1}, {1, 3, 4}, 2.5);
        CHECK(m.text() ==
              "t_seconds_bucket{op=\"j\",le=\"0.1\"} 1\n"
              "t_seconds_bucket{op=\"j\",le=\"1\"} 3\n"
              "t_seconds_bucket{op=\"j\",le=\"+Inf\"} 4\n"
              "t_seconds_sum{op=\"j\"} 2.5\n"
              "t_seconds_count{op=\"j\"} 4\n");
    }

    TEST_CASE("operation stats keep a since-start histogram of the total time") {
        OperationStats ops(/*window=*/2);
        ops.record("vcJoinRoom", 10us, 50us, true);    // <= 0.0001 s
        ops.record("vcJoinRoom", 10us, 700us, true);   // <= 0.001 s
        ops.record("vcJoinRoom", 10us, 2s, false);     // past the last bound: +Inf only
        const auto h = ops.histogram("vcJoinRoom");
        REQUIRE(h);
        CHECK(h->cumulative.front() == 1);  // le 0.0001
        CHECK(h->cumulative[3] == 2);       // le 0.001
        CHECK(h->cumulative[OperationStats::kBucketsS.size() - 1] == 2);  // le 0.25
        CHECK(h->cumulative.back() == 3);   // +Inf: every one, though the window holds 2
        CHECK(h->sum_s == doctest::Approx(2.00075));
        CHECK(ops.operations() == std::vector<std::string>{"vcJoinRoom"});
        CHECK_FALSE(ops.histogram("vcLeaveRoom"));
    }
}
