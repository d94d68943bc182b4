// See system_clock.hpp.
#include "platform/native/system_clock.hpp"

#include <chrono>

namespace posemeet {

double SystemClock::now_ms() const {
    using namespace std::chrono;
    return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::uint32_t SystemClock::media_time_ms() const {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(ms));
}

}  // namespace posemeet
