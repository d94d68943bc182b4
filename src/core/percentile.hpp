// Nearest-rank percentile of a sample (latency windows in the client's stats).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace posemeet {

// The smallest value with at least `fraction` (0..1] of the samples at or below it; 0 for
// no samples. Takes its own copy, which it reorders.
inline double percentile(std::vector<double> values, double fraction) {
    if (values.empty()) return 0;
    const auto rank = static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size())));
    const auto idx = std::min(rank == 0 ? 0 : rank - 1, values.size() - 1);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(idx), values.end());
    return values[idx];
}

}  // namespace posemeet
