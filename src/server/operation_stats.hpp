// Server-side time per control operation (GET /api/v1/stats): for each event_name, how
// long the server spent on it, over a bounded window of the most recent samples.
//
// Two figures per sample:
//   handle - ControlService::handle / handle_http (or poll) alone: the meeting logic
//   total  - the whole message in the hub: parse, rate limit, handle, audit store, the
//            reply and every inform serialized and handed to the recipients' sockets
//            (Asio usually writes them right there), but not reading the message
//
// Memory is bounded: at most `max_operations` distinct names plus "(other)", each keeping
// a ring of at most `window` samples of each figure (4 bytes each, nanoseconds saturated at
// ~4.29 s). A name gets its own entry with its first 200 reply; until then (and beyond the
// cap) it is counted under "(other)", so made-up event names, which never succeed, cannot
// use up the entries. Percentiles are nearest-rank over the window; `count` and `errors`
// are since start. Single-threaded, like the hub that owns it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol.hpp"

namespace posemeet::server {

// Nearest-rank percentile: the smallest value with at least p % of the values at or below
// it (p in [0, 100]; p = 0 gives the minimum, 50 the lower median, 100 the maximum).
// Reorders `values`; 0 when empty.
std::uint32_t nearest_rank_percentile(std::vector<std::uint32_t>& values, double p);

class OperationStats {
public:
    static constexpr std::size_t kDefaultWindow = 4096;
    static constexpr std::size_t kDefaultMaxOperations = 48;
    static constexpr std::string_view kOther = "(other)";

    explicit OperationStats(std::size_t window = kDefaultWindow,
                            std::size_t max_operations = kDefaultMaxOperations);

    // One operation handled; `ok` = its reply code was 200.
    void record(std::string_view operation, std::chrono::nanoseconds handle, std::chrono::nanoseconds total,
                bool ok);

    struct Figures {
        double median_us = 0, p99_us = 0, max_us = 0;  // over the window
    };
    struct Summary {
        std::uint64_t count = 0;   // since start
        std::uint64_t errors = 0;  // replies other than 200, since start
        std::size_t samples = 0;   // in the window now
        Figures handle, total;
    };
    std::optional<Summary> summary(std::string_view operation) const;

    // {"<event_name>": {count, errors, samples, median_us, p99_us, max_us,
    //                   total: {median_us, p99_us, max_us}}, ...}; the top-level times are
    // `handle`. Times in microseconds, two decimals.
    protocol::Json to_json() const;

    // The `total` times as a Prometheus histogram: how many took at most each bucket's
    // upper bound (cumulative, kBucketsS; the last is +Inf), their sum, since start.
    static constexpr std::array<double, 11> kBucketsS{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.25};
    struct Histogram {
        std::array<std::uint64_t, kBucketsS.size() + 1> cumulative{};  // the last: +Inf (= count)
        double sum_s = 0;
    };
    std::optional<Histogram> histogram(std::string_view operation) const;
    std::vector<std::string> operations() const;

    std::size_t window() const { return window_; }
    std::size_t operation_count() const { return ops_.size(); }
    // Samples held now, and the most that can ever be held (each counts both figures).
    std::size_t stored_samples() const;
    std::size_t max_stored_samples() const { return (max_operations_ + 1) * window_; }

private:
    struct Series {
        std::uint64_t count = 0, errors = 0;
        std::vector<std::uint32_t> handle_ns, total_ns;  // rings; grow up to window_, then wrap
        std::size_t next = 0;                            // oldest sample once full
        std::array<std::uint64_t, kBucketsS.size() + 1> in_bucket{};  // since start, not cumulative
        double sum_s = 0;
    };
    static Figures figures(const std::vector<std::uint32_t>& ns);

    std::size_t window_;
    std::size_t max_operations_;
    std::map<std::string, Series, std::less<>> ops_;
};

}  // namespace posemeet::server
