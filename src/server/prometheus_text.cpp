// See prometheus_text.hpp.
#include "server/prometheus_text.hpp"

#include <cmath>
#include <cstdio>

namespace posemeet::server {

std::string prometheus_number(double value) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
    char buf[40];
    if (value == std::floor(value) && std::fabs(value) < 1e15) std::snprintf(buf, sizeof buf, "%.0f", value);
    else std::snprintf(buf, sizeof buf, "%.9g", value);
    return buf;
}

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    for (char c : help) out_ += c == '\n' ? ' ' : c;  // (our help texts have no backslashes)
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += type == Type::Counter ? " counter\n" : type == Type::Gauge ? " gauge\n" : " histogram\n";
}

void PrometheusText::labels(const Labels& labels, std::string_view extra_name, std::string_view extra_value) {
    if (labels.empty() && extra_name.empty()) return;
    out_ += '{';
    bool first = true;
    auto one = [&](std::string_view name, std::string_view value) {
        if (!first) out_ += ',';
        first = false;
        out_ += name;
        out_ += "=\"";
        for (char c : value) {
            if (c == '\\') out_ += "\\\\";
            else if (c == '"') out_ += "\\\"";
            else if (c == '\n') out_ += "\\n";
            else out_ += c;
        }
        out_ += '"';
    };
    for (const auto& [n, v] : labels) one(n, v);
    if (!extra_name.empty()) one(extra_name, extra_value);
    out_ += '}';
}

void PrometheusText::sample(std::string_view name, const Labels& l, double value) {
    out_ += name;
    labels(l);
    out_ += ' ';
    out_ += prometheus_number(value);
    out_ += '\n';
}

void PrometheusText::histogram(std::string_view name, const Labels& l, const std::vector<double>& bounds,
                               const std::vector<std::uint64_t>& cumulative, double sum) {
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
        out_ += bucket;
        labels(l, "le", i < bounds.size() ? prometheus_number(bounds[i]) : "+Inf");
        out_ += ' ';
        out_ += prometheus_number(static_cast<double>(cumulative[i]));
        out_ += '\n';
    }
    sample(std::string(name) + "_sum", l, sum);
    sample(std::string(name) + "_count", l, cumulative.empty() ? 0.0 : static_cast<double>(cumulative.back()));
}

}  // namespace posemeet::server
