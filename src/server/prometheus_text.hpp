// Prometheus' text exposition format (version 0.0.4), written by hand because it is tiny:
// a family's # HELP and # TYPE lines, then its samples with labels. Label values are
// escaped as the format says (backslash, double quote, newline), so names of operations
// cannot break a scrape. Pure: GET /metrics (server_status.cpp) fills one per request.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace posemeet::server {

class PrometheusText {
public:
    using Labels = std::vector<std::pair<std::string_view, std::string_view>>;
    enum class Type { Counter, Gauge, Histogram };

    // Starts a family; its samples follow. `name` has no _total/_bucket suffix for the
    // HELP/TYPE lines of histograms; counters should end in _total.
    void family(std::string_view name, Type type, std::string_view help);
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }
    // A histogram's _bucket (cumulative, upper bounds `bounds` then +Inf), _sum and _count.
    void histogram(std::string_view name, const Labels& labels, const std::vector<double>& bounds,
                   const std::vector<std::uint64_t>& cumulative, double sum);

    const std::string& text() const { return out_; }
    static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    void labels(const Labels& labels, std::string_view extra_name = {}, std::string_view extra_value = {});
    std::string out_;
};

// A double as Prometheus writes it: integers without a fraction, +Inf / -Inf / NaN by name.
std::string prometheus_number(double value);

}  // namespace posemeet::server
