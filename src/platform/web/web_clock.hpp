// Clock from the browser: performance.now() for timers, Date.now() for media timestamps.
#pragma once

#include <emscripten.h>
#include <emscripten/html5.h>

#include <cmath>

#include "client/platform_services.hpp"

namespace posemeet::web {

// The media clock at a wall-clock time (Date.now() ms): its low 32 bits, the stamp of every
// pose and audio packet. Also for times measured elsewhere (a camera frame, a microphone
// block, the voice worker).
inline std::uint32_t media_time_of_wall_ms(double wall_ms) {
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(std::floor(wall_ms)));
}

class WebClock final : public Clock {
public:
    double now_ms() const override { return emscripten_get_now(); }
    std::uint32_t media_time_ms() const override { return media_time_of_wall_ms(emscripten_date_now()); }
};

}  // namespace posemeet::web
