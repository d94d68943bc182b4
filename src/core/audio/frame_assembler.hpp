// Turns capture chunks of any size (an AudioWorklet delivers 128 samples at a time, native
// devices whatever they like) into the 20 ms frames the encoder needs. Bounded: if the
// encoder falls behind (a stalled tab, a slow machine) only the newest ~200 ms are kept,
// so the latency a stall adds cannot grow without limit; the oldest samples are dropped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

class FrameAssembler {
public:
    static constexpr std::size_t kCapacity = 10 * kFrameSamples;  // 200 ms

    FrameAssembler() : ring_(kCapacity) {}

    void push(const float* samples, std::size_t count);
    // Takes the oldest complete frame; false while fewer than kFrameSamples are pending.
    bool pop(AudioFrame& out);
    std::size_t pending() const { return size_; }
    void clear() { head_ = size_ = 0; }
    // Samples discarded because the buffer was full (since construction).
    std::uint64_t dropped() const { return dropped_; }

private:
    std::vector<float> ring_;
    std::size_t head_ = 0;  // index of the oldest sample
    std::size_t size_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace posemeet::audio
