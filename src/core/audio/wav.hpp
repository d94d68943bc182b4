// WAV (RIFF/WAVE) bytes in and out; reading and writing files is the caller's business.
// Used to feed recorded speech to the bot and to dump what a receiver heard. Input is
// untrusted (user-supplied files), so every length is checked against the real size.
//
// Reads PCM 16-bit and IEEE float 32-bit, plain or WAVE_FORMAT_EXTENSIBLE, any channel
// count up to 32, skipping chunks it does not know (LIST, fact, ...). A data chunk that
// claims more bytes than the file holds (a recorder that never patched its header) is
// read up to the last whole sample frame present. Writes PCM 16-bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace posemeet::audio {

struct WavAudio {
    int sample_rate = 0;
    int channels = 0;
    std::vector<float> samples;  // interleaved, nominal range [-1, 1]
};

struct WavParse {
    std::optional<WavAudio> audio;
    std::string error;  // set when audio is empty
};

constexpr int kWavMinSampleRate = 1000;
constexpr int kWavMaxSampleRate = 768000;
constexpr int kWavMaxChannels = 32;

WavParse parse_wav(const std::uint8_t* data, std::size_t size);

// PCM 16-bit WAV of `audio` (samples clamped to [-1, 1]; a trailing partial sample frame
// is left out). Empty when channels or sample_rate are out of the ranges above.
std::vector<std::uint8_t> encode_wav_pcm16(const WavAudio& audio);

// Mono (average of the channels) at 48 kHz (linear interpolation). Empty when channels or
// sample_rate are out of range.
std::vector<float> to_mono_48k(const WavAudio& audio);

}  // namespace posemeet::audio
