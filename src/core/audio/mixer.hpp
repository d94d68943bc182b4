// Mixes the decoded streams of every remote participant into the one frame the speaker
// plays. Summing can exceed full scale when several people talk at once; hard clipping
// that sum sounds harsh, so loud peaks go through a soft limiter instead while anything
// below its knee passes bit for bit (a single talker, or a quiet room, is not altered).
#pragma once

#include <array>
#include <cstdint>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

class Mixer {
public:
    // Above this magnitude the limiter bends the curve; below it, output == sum.
    static constexpr float kKnee = 0.8f;

    void clear();
    // Adds frame * gain to the sum. Non-finite samples or gain count as silence.
    void add(const AudioFrame& frame, float gain = 1.0f);
    // The limited sum of everything added since the last clear()/mix(); starts the next
    // frame (so clear() is only needed to drop a half-built mix).
    AudioFrame mix();

    int inputs() const { return inputs_; }
    // Samples (over all mixes) that the limiter changed.
    std::uint64_t limited_samples() const { return limited_; }

private:
    std::array<float, kFrameSamples> sum_{};
    int inputs_ = 0;
    std::uint64_t limited_ = 0;
};

// The limiter's curve: identity up to kKnee, then a tanh shoulder that meets it with the
// same slope and approaches (never passes) 1. Exposed for tests.
float soft_limit(float x);

}  // namespace posemeet::audio
