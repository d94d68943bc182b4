// Fuzz target: WAV bytes from a user-supplied file (parse_wav), then what the callers do
// with the result: re-encode as PCM 16 and parse again, and convert to mono 48 kHz.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/audio/wav.hpp"
#include "fuzz_check.hpp"

using namespace posemeet::audio;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const WavParse parsed = parse_wav(data, size);
    if (!parsed.audio) {
        FUZZ_CHECK(!parsed.error.empty());
        return 0;
    }
    const WavAudio& a = *parsed.audio;
    FUZZ_CHECK(parsed.error.empty());
    FUZZ_CHECK(a.sample_rate >= kWavMinSampleRate && a.sample_rate <= kWavMaxSampleRate);
    FUZZ_CHECK(a.channels >= 1 && a.channels <= kWavMaxChannels);
    FUZZ_CHECK(a.samples.size() % static_cast<std::size_t>(a.channels) == 0);
    FUZZ_CHECK(a.samples.size() * 2 <= size);  // at least 2 bytes per sample were read
    for (float s : a.samples) FUZZ_CHECK(std::isfinite(s));

    const std::vector<std::uint8_t> pcm = encode_wav_pcm16(a);
    FUZZ_CHECK(pcm.size() == 44 + a.samples.size() * 2);
    const WavParse again = parse_wav(pcm.data(), pcm.size());
    FUZZ_CHECK(again.audio.has_value());
    FUZZ_CHECK(again.audio->sample_rate == a.sample_rate);
    FUZZ_CHECK(again.audio->channels == a.channels);
    FUZZ_CHECK(again.audio->samples.size() == a.samples.size());
    for (std::size_t i = 0; i < a.samples.size(); ++i) {
        const float clamped = a.samples[i] > 1.0f    ? 1.0f
                              : a.samples[i] < -1.0f ? -1.0f
                                                     : a.samples[i];
        FUZZ_CHECK(std::fabs(again.audio->samples[i] - clamped) <= 1.0f / 32768.0f + 1e-6f);
    }
    // Encoding what we parsed from PCM 16 is the identity on the samples.
    const std::vector<std::uint8_t> pcm2 = encode_wav_pcm16(*again.audio);
    FUZZ_CHECK(pcm2 == pcm);

    const std::vector<float> mono = to_mono_48k(a);
    const std::size_t frames = a.samples.size() / static_cast<std::size_t>(a.channels);
    const double expect = static_cast<double>(frames) * 48000.0 / a.sample_rate;
    FUZZ_CHECK(std::fabs(static_cast<double>(mono.size()) - expect) <= 1.0);
    for (float s : mono) FUZZ_CHECK(std::isfinite(s));
    return 0;
}
