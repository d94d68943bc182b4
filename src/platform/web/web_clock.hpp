// Clock from the browser: performance.now() for timers, Date.now() for media timestamps.
#pragma once

#include <emscripten.h>
#include <emscripten/html5.h>

#include <cmath>

#include "client/platform_services.hpp"

namespace posemeet::web {

class WebClock final : public Clock {
public:
    double now_ms() const override { return emscripten_get_now(); }
    std::uint32_t media_time_ms() const override {
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(std::floor(emscripten_date_now())));
    }
};

}  // namespace posemeet::web
