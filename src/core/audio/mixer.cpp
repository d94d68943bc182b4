// See mixer.hpp.
#include "core/audio/mixer.hpp"

#include <cmath>

namespace posemeet::audio {

float soft_limit(float x) {
    if (!std::isfinite(x)) return std::isnan(x) ? 0.0f : (x > 0 ? 1.0f : -1.0f);
    const float a = std::fabs(x);
    if (a <= Mixer::kKnee) return x;
    constexpr float room = 1.0f - Mixer::kKnee;
    // tanh(0) = 0 with slope 1: continuous value and slope at the knee.
    const float y = Mixer::kKnee + room * std::tanh((a - Mixer::kKnee) / room);
    const float bounded = y < 1.0f ? y : 1.0f;  // guard float rounding at the asymptote
    return x < 0 ? -bounded : bounded;
}

void Mixer::clear() {
    sum_.fill(0.0f);
    inputs_ = 0;
}

void Mixer::add(const AudioFrame& frame, float gain) {
    if (!std::isfinite(gain)) return;
    for (std::size_t i = 0; i < sum_.size(); ++i) {
        if (std::isfinite(frame[i])) sum_[i] += frame[i] * gain;
    }
    ++inputs_;
}

AudioFrame Mixer::mix() {
    AudioFrame out;
    for (std::size_t i = 0; i < sum_.size(); ++i) {
        out[i] = soft_limit(sum_[i]);
        if (out[i] != sum_[i]) ++limited_;
    }
    clear();
    return out;
}

}  // namespace posemeet::audio
