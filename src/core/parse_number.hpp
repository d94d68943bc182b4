// Reading numbers from command-line flags: the whole text must be a number, nothing after it.
// Shared by the bot's and the benchmarks' option parsers (no I/O).
#pragma once

#include <cstdlib>
#include <string>

namespace posemeet {

// True when `s` is a whole non-negative number (infinity allowed, NaN not); sets `out`.
inline bool parse_non_negative(const std::string& s, double& out) {
    char* end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return !s.empty() && end && *end == '\0' && out >= 0 && out == out;
}

}  // namespace posemeet
