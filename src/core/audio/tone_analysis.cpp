// See tone_analysis.hpp.
#include "core/audio/tone_analysis.hpp"

#include <algorithm>
#include <cmath>

#include "core/percentile.hpp"

namespace posemeet::audio {
namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;
}

float goertzel_magnitude(const float* samples, std::size_t count, float frequency_hz,
                         int sample_rate) {
    if (!samples || count == 0 || sample_rate <= 0) return 0.0f;
    const double w = kTwoPi * static_cast<double>(frequency_hz) / sample_rate;
    const double coeff = 2.0 * std::cos(w);
    double s1 = 0, s2 = 0, window_sum = 0;
    const double n_minus_1 = count > 1 ? static_cast<double>(count - 1) : 1.0;
    for (std::size_t n = 0; n < count; ++n) {
        const double hann =
            count > 1 ? 0.5 - 0.5 * std::cos(kTwoPi * static_cast<double>(n) / n_minus_1) : 1.0;
        window_sum += hann;
        const double x = std::isfinite(samples[n]) ? samples[n] : 0.0;
        const double s0 = x * hann + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    // |X(w)|^2 from the last two states (valid for any w, not only bin centres). A sine of
    // amplitude A contributes A/2 * sum(window) to |X|, hence the scaling.
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    if (!(window_sum > 0)) return 0.0f;
    return static_cast<float>(2.0 * std::sqrt(std::max(power, 0.0)) / window_sum);
}

std::vector<float> make_tone(float frequency_hz, float amplitude, std::size_t samples,
                             int sample_rate, double phase) {
    std::vector<float> out(samples);
    if (sample_rate <= 0) return out;
    const double w = kTwoPi * static_cast<double>(frequency_hz) / sample_rate;
    for (std::size_t n = 0; n < samples; ++n) {
        out[n] = static_cast<float>(amplitude * std::sin(w * static_cast<double>(n) + phase));
    }
    return out;
}

ToneProbeSummary summarize_probed_frames(const std::vector<ProbedFrame>& frames,
                                         std::size_t probe_count) {
    ToneProbeSummary out;
    out.frames = frames.size();
    std::vector<std::vector<double>> magnitudes_at(probe_count);
    bool speech_started = false;
    int gap = 0;
    for (const ProbedFrame& f : frames) {
        for (std::size_t k = 0; k < probe_count && k < f.magnitudes.size(); ++k)
            magnitudes_at[k].push_back(f.magnitudes[k]);
        if (f.concealed) ++out.concealed_frames;
        if (f.rms_dbfs > kAudibleRmsDbfs) {
            ++out.audible_frames;
            speech_started = true;
            gap = 0;
        } else if (speech_started) {
            out.longest_gap_frames = std::max(out.longest_gap_frames, ++gap);
        }
    }
    for (auto& m : magnitudes_at) out.median_magnitudes.push_back(percentile(std::move(m), 0.5));
    return out;
}

}  // namespace posemeet::audio
