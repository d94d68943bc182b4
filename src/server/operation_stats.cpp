// See operation_stats.hpp.
#include "server/operation_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace posemeet::server {
namespace {

std::uint32_t to_ns(std::chrono::nanoseconds d) {
    const auto n = d.count();
    if (n <= 0) return 0;
    constexpr auto kMax = std::numeric_limits<std::uint32_t>::max();
    return n >= static_cast<std::int64_t>(kMax) ? kMax : static_cast<std::uint32_t>(n);
}

double us(std::uint32_t ns) { return std::round(static_cast<double>(ns) / 10.0) / 100.0; }

}  // namespace

std::uint32_t nearest_rank_percentile(std::vector<std::uint32_t>& values, double p) {
    if (values.empty()) return 0;
    const double n = static_cast<double>(values.size());
    const double clamped = std::clamp(p, 0.0, 100.0);
    // rank = ceil(p/100 * n), at least 1; computed with a small tolerance so that e.g.
    // 0.99 * 100 (= 98.99999...) lands on rank 99, not 100.
    auto rank = static_cast<std::size_t>(std::ceil(clamped / 100.0 * n - 1e-9));
    rank = std::clamp<std::size_t>(rank, 1, values.size());
    auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(values.begin(), nth, values.end());
    return *nth;
}

OperationStats::OperationStats(std::size_t window, std::size_t max_operations)
    : window_(std::max<std::size_t>(window, 1)), max_operations_(max_operations) {}

void OperationStats::record(std::string_view operation, std::chrono::nanoseconds handle,
                            std::chrono::nanoseconds total, bool ok) {
    auto it = ops_.find(operation);
    if (it == ops_.end()) {
        // A name gets its own series with its first success, while fewer than the cap have
        // one ("(other)" itself not counted); everything else shares "(other)". Made-up
        // event names never succeed, so they cannot use up the names.
        const std::size_t named = ops_.size() - (ops_.count(kOther) ? 1 : 0);
        const std::string_view key = ok && named < max_operations_ ? operation : kOther;
        it = ops_.find(key);
        if (it == ops_.end()) it = ops_.emplace(std::string(key), Series{}).first;
    }
    Series& s = it->second;
    ++s.count;
    if (!ok) ++s.errors;
    const double total_s = std::chrono::duration<double>(total).count();
    const auto bucket = std::lower_bound(kBucketsS.begin(), kBucketsS.end(), total_s) - kBucketsS.begin();
    ++s.in_bucket[static_cast<std::size_t>(bucket)];
    s.sum_s += total_s;
    if (s.handle_ns.size() < window_) {
        s.handle_ns.push_back(to_ns(handle));
        s.total_ns.push_back(to_ns(total));
    } else {  // full: overwrite the oldest
        s.handle_ns[s.next] = to_ns(handle);
        s.total_ns[s.next] = to_ns(total);
        s.next = (s.next + 1) % window_;
    }
}

OperationStats::Figures OperationStats::figures(const std::vector<std::uint32_t>& ns) {
    Figures f;
    if (ns.empty()) return f;
    std::vector<std::uint32_t> copy = ns;
    f.max_us = us(*std::max_element(copy.begin(), copy.end()));
    f.p99_us = us(nearest_rank_percentile(copy, 99));
    f.median_us = us(nearest_rank_percentile(copy, 50));
    return f;
}

std::optional<OperationStats::Summary> OperationStats::summary(std::string_view operation) const {
    auto it = ops_.find(operation);
    if (it == ops_.end()) return std::nullopt;
    const Series& s = it->second;
    Summary out;
    out.count = s.count;
    out.errors = s.errors;
    out.samples = s.handle_ns.size();
    out.handle = figures(s.handle_ns);
    out.total = figures(s.total_ns);
    return out;
}

std::optional<OperationStats::Histogram> OperationStats::histogram(std::string_view operation) const {
    auto it = ops_.find(operation);
    if (it == ops_.end()) return std::nullopt;
    Histogram h;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < h.cumulative.size(); ++i) h.cumulative[i] = running += it->second.in_bucket[i];
    h.sum_s = it->second.sum_s;
    return h;
}

std::vector<std::string> OperationStats::operations() const {
    std::vector<std::string> out;
    for (const auto& [name, s] : ops_) out.push_back(name);
    return out;
}

protocol::Json OperationStats::to_json() const {
    protocol::Json out = protocol::Json::object();
    for (const auto& [name, s] : ops_) {
        const Summary sum = *summary(name);
        out[name] = protocol::Json{{"count", sum.count},
                                   {"errors", sum.errors},
                                   {"samples", sum.samples},
                                   {"median_us", sum.handle.median_us},
                                   {"p99_us", sum.handle.p99_us},
                                   {"max_us", sum.handle.max_us},
                                   {"total", {{"median_us", sum.total.median_us},
                                              {"p99_us", sum.total.p99_us},
                                              {"max_us", sum.total.max_us}}}};
    }
    return out;
}

std::size_t OperationStats::stored_samples() const {
    std::size_t n = 0;
    for (const auto& [name, s] : ops_) n += s.handle_ns.size();
    return n;
}

}  // namespace posemeet::server
