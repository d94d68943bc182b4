// The server's clocks, shared by the hub and the pieces beside it: `now_ms` for the core
// (wall-clock milliseconds at start plus steady time since, so timestamps look like Unix
// time but grace periods never jump with the clock), `mono_ms` for rate limits.
#pragma once

#include <chrono>
#include <cstdint>

namespace posemeet::server {

class ServerClock {
public:
    ServerClock()
        : started_wall_ms_(std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count()) {}

    std::int64_t now_ms() const {
        return started_wall_ms_ + std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - started_)
                                      .count();
    }
    static std::int64_t mono_ms() {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }
    std::int64_t uptime_s() const {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                started_)
            .count();
    }

private:
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    std::int64_t started_wall_ms_;
};

}  // namespace posemeet::server
