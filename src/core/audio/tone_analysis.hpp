// Measuring and making sine tones. Tests, the bot and the end-to-end checks send known tones
// through the whole chain (capture -> Opus -> network -> jitter buffer -> mixer) and check
// that the same tone, at the same level, comes out the other end; summarize_probed_frames()
// turns a run of analysed frames into the figures they compare (the bot's --audio-probe).
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

// One played frame as a tone probe saw it.
struct ProbedFrame {
    float rms_dbfs = -100;
    bool concealed = false;         // made up by packet-loss concealment
    std::vector<float> magnitudes;  // goertzel_magnitude() at each probe frequency
};

// Below this level a frame counts as silent (the probes' tones are far louder).
constexpr float kAudibleRmsDbfs = -40.0f;

// What a run of probed frames says about one remote's tones.
struct ToneProbeSummary {
    std::size_t frames = 0;
    int audible_frames = 0;
    int concealed_frames = 0;
    // The longest run of silent frames after the first audible one: a gap in the speech
    // (the silence before the talker starts does not count).
    int longest_gap_frames = 0;
    // Per probe frequency, the median magnitude over every frame (0 without frames): a
    // steady tone's level, unmoved by the odd concealed or clipped frame.
    std::vector<double> median_magnitudes;
};

// `probe_count` is the number of probe frequencies; a frame with fewer magnitudes simply
// contributes none to the missing ones.
ToneProbeSummary summarize_probed_frames(const std::vector<ProbedFrame>& frames,
                                         std::size_t probe_count);

}  // namespace posemeet::audio
