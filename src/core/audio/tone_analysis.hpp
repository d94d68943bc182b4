// Measuring and making sine tones. Tests, the bot and the end-to-end checks send known tones
// through the whole chain (capture -> Opus -> network -> jitter buffer -> mixer) and check
// that the same tone, at the same level, comes out the other end.
#pragma once

#include <cstddef>
#include <vector>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

// Amplitude of the sine component at `frequency_hz` (for a pure tone, about its peak
// amplitude). Goertzel's single-bin DFT over Hann-windowed samples: the window keeps a
// neighbouring tone (say 660 Hz next to 440 Hz) and the tone's own negative-frequency image
// from leaking into the bin even when the block is not a whole number of periods. Needs a
// block of at least a few periods (20 ms is plenty for speech-band tones); 0 when empty.
float goertzel_magnitude(const float* samples, std::size_t count, float frequency_hz,
                         int sample_rate = kSampleRate);

// `samples` samples of amplitude * sin(2*pi*f*n/rate + phase).
std::vector<float> make_tone(float frequency_hz, float amplitude, std::size_t samples,
                             int sample_rate = kSampleRate, double phase = 0);

}  // namespace posemeet::audio
