// Shared helpers for tests/unit/audio_*_test.cpp (native and wasm builds alike).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/audio/tone_analysis.hpp"

namespace posemeet::audio::test {

// Frame `index` of a continuous tone (the phase carries over from frame to frame).
inline AudioFrame tone_frame(float hz, float amplitude, std::size_t index) {
    const double phase =
        6.283185307179586 * hz * static_cast<double>(index * kFrameSamples) / kSampleRate;
    const std::vector<float> v =
        make_tone(hz, amplitude, kFrameSamples, kSampleRate, std::fmod(phase, 6.283185307179586));
    AudioFrame f;
    std::copy(v.begin(), v.end(), f.begin());
    return f;
}

inline void append(std::vector<float>& out, const AudioFrame& f) {
    out.insert(out.end(), f.begin(), f.end());
}

inline float db(float ratio) { return 20.0f * std::log10(ratio); }

// Longest run of samples with |x| < threshold.
inline std::size_t longest_quiet_run(const std::vector<float>& v, std::size_t from,
                                     float threshold) {
    std::size_t best = 0, run = 0;
    for (std::size_t i = from; i < v.size(); ++i) {
        run = std::fabs(v[i]) < threshold ? run + 1 : 0;
        best = std::max(best, run);
    }
    return best;
}

}  // namespace posemeet::audio::test
