// A token bucket per client address (server/token_bucket.hpp), for the HTTP APIs an
// operator's backend calls; buckets of addresses quiet for a minute are dropped.
// (RoomServiceApi keeps the same books itself; it could use this.)
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <unordered_map>

#include "server/token_bucket.hpp"

namespace posemeet::server {

class ClientRateLimit {
public:
    ClientRateLimit(double rate_per_s, double burst) : rate_(rate_per_s), burst_(burst) {}

    // Takes one token from the client's bucket; false = over its rate.
    bool admit(const std::string& client, std::int64_t mono_ms) {
        auto it = buckets_.find(client);
        if (it == buckets_.end()) it = buckets_.emplace(client, Entry{TokenBucket(rate_, burst_), mono_ms}).first;
        it->second.last_used_ms = mono_ms;
        return it->second.bucket.take(mono_ms);
    }
    // Every tick: forgets clients quiet for a minute (checked every ten seconds).
    void sweep(std::int64_t mono_ms) {
        if (mono_ms - last_sweep_ms_ < 10000) return;
        last_sweep_ms_ = mono_ms;
        for (auto b = buckets_.begin(); b != buckets_.end();)
            b = mono_ms - b->second.last_used_ms > 60000 ? buckets_.erase(b) : std::next(b);
    }

private:
    struct Entry {
        TokenBucket bucket;
        std::int64_t last_used_ms = 0;
    };
    double rate_, burst_;
    std::unordered_map<std::string, Entry> buckets_;
    std::int64_t last_sweep_ms_ = 0;
};

}  // namespace posemeet::server
