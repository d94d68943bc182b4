// Test-only network simulator: decides, packet by packet, whether a packet is lost and how
// much queueing delay it picks up. Seeded and platform-independent (its own PRNG, no
// <random> distributions whose output differs between standard libraries), so a test that
// passes once passes everywhere, native and wasm alike.
#pragma once

#include <cstdint>

namespace posemeet::audio {

class NetworkImpairment {
public:
    // loss_fraction in [0, 1]; each packet's extra delay is uniform in [0, jitter_ms].
    NetworkImpairment(double loss_fraction, int jitter_ms, std::uint32_t seed = 1);

    bool drop();                     // true: this packet is lost
    std::uint32_t extra_delay_ms();  // added to this packet's transit time

private:
    std::uint64_t next();  // splitmix64
    double loss_;
    std::uint32_t jitter_ms_;
    std::uint64_t state_;
};

}  // namespace posemeet::audio
