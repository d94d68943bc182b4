// See network_impairment.hpp.
#include "core/audio/network_impairment.hpp"

#include <algorithm>

namespace posemeet::audio {

NetworkImpairment::NetworkImpairment(double loss_fraction, int jitter_ms, std::uint32_t seed)
    : loss_(loss_fraction == loss_fraction ? std::clamp(loss_fraction, 0.0, 1.0) : 0.0),
      jitter_ms_(static_cast<std::uint32_t>(std::max(0, jitter_ms))),
      state_(0x9E3779B97F4A7C15ull * (static_cast<std::uint64_t>(seed) + 1)) {}

std::uint64_t NetworkImpairment::next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

bool NetworkImpairment::drop() {
    // 53 random bits -> uniform double in [0, 1).
    const double u = static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0);
    return u < loss_;
}

std::uint32_t NetworkImpairment::extra_delay_ms() {
    if (jitter_ms_ == 0) return 0;
    return static_cast<std::uint32_t>(next() % (static_cast<std::uint64_t>(jitter_ms_) + 1));
}

}  // namespace posemeet::audio
