// Clock for native clients: steady_clock for timers/playout, the system (wall) clock for
// media timestamps, like Date.now() in the browser, so timestamps from a native bot and a
// browser on the same machine are directly comparable.
#pragma once

#include "client/platform_services.hpp"

namespace posemeet {

class SystemClock final : public Clock {
public:
    double now_ms() const override;               // steady_clock, ms (fractional)
    std::uint32_t media_time_ms() const override;  // ms since the Unix epoch, mod 2^32
};

}  // namespace posemeet
