// Token-bucket rate limiter: `rate` tokens per second refill up to `burst`; each message
// takes one token. The caller passes a monotonic clock in milliseconds.
#pragma once

#include <algorithm>
#include <cstdint>

namespace posemeet::server {

class TokenBucket {
public:
    TokenBucket(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst), tokens_(burst) {}

    bool take(std::int64_t now_ms) {
        if (last_ms_ >= 0 && now_ms > last_ms_)
            tokens_ = std::min(burst_, tokens_ + rate_ * static_cast<double>(now_ms - last_ms_) / 1000.0);
        last_ms_ = std::max(last_ms_, now_ms);
        if (tokens_ < 1.0) return false;
        tokens_ -= 1.0;
        return true;
    }

private:
    double rate_, burst_, tokens_;
    std::int64_t last_ms_ = -1;
};

}  // namespace posemeet::server
