// See wav.hpp.
#include "core/audio/wav.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {
namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatFloat = 3;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;

std::uint16_t get_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t get_u32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_tag(std::vector<std::uint8_t>& out, const char* tag) {
    out.insert(out.end(), tag, tag + 4);
}

bool valid_layout(int sample_rate, int channels) {
    return sample_rate >= kWavMinSampleRate && sample_rate <= kWavMaxSampleRate && channels >= 1 &&
           channels <= kWavMaxChannels;
}

struct Format {
    std::uint16_t tag = 0;  // kFormatPcm or kFormatFloat after resolving EXTENSIBLE
    int channels = 0;
    int sample_rate = 0;
    int bits = 0;
};

// Parses a "fmt " chunk body; empty string on success.
std::string parse_fmt(const std::uint8_t* p, std::size_t n, Format& f) {
    if (n < 16) return "fmt chunk shorter than 16 bytes";
    f.tag = get_u16(p);
    f.channels = get_u16(p + 2);
    f.sample_rate = static_cast<int>(std::min<std::uint32_t>(get_u32(p + 4), 0x7FFFFFFF));
    const std::uint16_t block_align = get_u16(p + 12);
    f.bits = get_u16(p + 14);
    if (f.tag == kFormatExtensible) {
        // cbSize, valid bits, channel mask, then the sub-format GUID whose first two bytes
        // are the real format tag.
        if (n < 40) return "WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes";
        f.tag = get_u16(p + 24);
    }
    if (f.tag != kFormatPcm && f.tag != kFormatFloat) {
        return "unsupported WAV format tag " + std::to_string(f.tag) + " (only PCM and IEEE float)";
    }
    if (f.tag == kFormatPcm && f.bits != 16) {
        return "unsupported PCM sample size " + std::to_string(f.bits) + " bits (only 16)";
    }
    if (f.tag == kFormatFloat && f.bits != 32) {
        return "unsupported float sample size " + std::to_string(f.bits) + " bits (only 32)";
    }
    if (f.channels < 1 || f.channels > kWavMaxChannels) {
        return "unsupported channel count " + std::to_string(f.channels);
    }
    if (f.sample_rate < kWavMinSampleRate || f.sample_rate > kWavMaxSampleRate) {
        return "unsupported sample rate " + std::to_string(f.sample_rate);
    }
    if (block_align != f.channels * (f.bits / 8))
        return "fmt block align does not match channels and sample size";
    return {};
}

}  // namespace

WavParse parse_wav(const std::uint8_t* data, std::size_t size) {
    if (!data || size < 12) return {std::nullopt, "not a WAV file: shorter than the RIFF header"};
    if (std::memcmp(data, "RIFF", 4) != 0 || std::memcmp(data + 8, "WAVE", 4) != 0) {
        return {std::nullopt, "not a WAV file: no RIFF/WAVE header"};
    }
    // The RIFF size is often wrong (streamed recordings); the real size is what bounds us.
    Format fmt;
    bool have_fmt = false;
    std::size_t pos = 12;
    while (pos + 8 <= size) {
        const std::uint8_t* chunk = data + pos;
        const std::size_t chunk_size = get_u32(chunk + 4);
        const std::size_t body = pos + 8;
        const std::size_t available = size - body;
        if (std::memcmp(chunk, "fmt ", 4) == 0) {
            if (chunk_size > available) return {std::nullopt, "fmt chunk truncated"};
            if (have_fmt) return {std::nullopt, "more than one fmt chunk"};
            std::string err = parse_fmt(data + body, chunk_size, fmt);
            if (!err.empty()) return {std::nullopt, err};
            have_fmt = true;
        } else if (std::memcmp(chunk, "data", 4) == 0) {
            if (!have_fmt) return {std::nullopt, "data chunk before the fmt chunk"};
            const std::size_t frame_bytes = static_cast<std::size_t>(fmt.channels) * (fmt.bits / 8);
            const std::size_t bytes = std::min(chunk_size, available);
            const std::size_t frames = bytes / frame_bytes;
            WavAudio a;
            a.sample_rate = fmt.sample_rate;
            a.channels = fmt.channels;
            a.samples.resize(frames * static_cast<std::size_t>(fmt.channels));
            const std::uint8_t* p = data + body;
            for (std::size_t i = 0; i < a.samples.size(); ++i) {
                if (fmt.tag == kFormatPcm) {
                    a.samples[i] =
                        static_cast<float>(static_cast<std::int16_t>(get_u16(p + 2 * i))) /
                        32768.0f;
                } else {
                    const std::uint32_t bits = get_u32(p + 4 * i);
                    float v;
                    std::memcpy(&v, &bits, sizeof v);
                    a.samples[i] = std::isfinite(v) ? v : 0.0f;  // NaN/Inf would poison a mix
                }
            }
            return {std::move(a), {}};
        } else if (chunk_size > available) {
            return {std::nullopt, "chunk '" + std::string(reinterpret_cast<const char*>(chunk), 4) +
                                      "' truncated"};
        }
        // Chunks are padded to an even size.
        pos = body + chunk_size + (chunk_size & 1);
    }
    return {std::nullopt, have_fmt ? "no data chunk" : "no fmt chunk"};
}

std::vector<std::uint8_t> encode_wav_pcm16(const WavAudio& audio) {
    if (!valid_layout(audio.sample_rate, audio.channels)) return {};
    const std::size_t channels = static_cast<std::size_t>(audio.channels);
    const std::size_t count = audio.samples.size() / channels * channels;
    // RIFF sizes are 32-bit; larger audio cannot be written as one WAV.
    if (count * 2 > 0xFFFFFFFFull - 36) return {};
    const auto data_bytes = static_cast<std::uint32_t>(count * 2);
    std::vector<std::uint8_t> out;
    out.reserve(44 + data_bytes);
    put_tag(out, "RIFF");
    put_u32(out, 36 + data_bytes);
    put_tag(out, "WAVE");
    put_tag(out, "fmt ");
    put_u32(out, 16);
    put_u16(out, kFormatPcm);
    put_u16(out, static_cast<std::uint16_t>(channels));
    put_u32(out, static_cast<std::uint32_t>(audio.sample_rate));
    put_u32(out, static_cast<std::uint32_t>(audio.sample_rate) *
                     static_cast<std::uint32_t>(channels) * 2);
    put_u16(out, static_cast<std::uint16_t>(channels * 2));
    put_u16(out, 16);
    put_tag(out, "data");
    put_u32(out, data_bytes);
    for (std::size_t i = 0; i < count; ++i) {
        // Clamp first: lround of a huge value is undefined.
        const double s = std::isfinite(audio.samples[i])
                             ? std::clamp(static_cast<double>(audio.samples[i]), -1.0, 1.0)
                             : 0.0;
        // x * 32768 (the inverse of parse_wav), so parse -> encode gives the same bytes.
        const long v = std::lround(s * 32768.0);
        put_u16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(std::min(v, 32767L))));
    }
    return out;
}

std::vector<float> to_mono_48k(const WavAudio& audio) {
    if (!valid_layout(audio.sample_rate, audio.channels)) return {};
    const std::size_t channels = static_cast<std::size_t>(audio.channels);
    const std::size_t frames = audio.samples.size() / channels;
    // Sums and interpolation in double: float samples near FLT_MAX (a corrupt float file)
    // would overflow to infinity in float; averages and convex combinations of floats
    // always fit back into a float.
    std::vector<float> mono(frames);
    for (std::size_t f = 0; f < frames; ++f) {
        double sum = 0;
        for (std::size_t c = 0; c < channels; ++c) {
            const float s = audio.samples[f * channels + c];
            if (std::isfinite(s)) sum += s;
        }
        mono[f] = static_cast<float>(sum / static_cast<double>(channels));
    }
    if (audio.sample_rate == kSampleRate || frames == 0) return mono;

    // Linear interpolation: good enough for speech from common rates (8-48 kHz) and
    // cheap; output sample i sits at input position i * rate / 48000.
    const double step = static_cast<double>(audio.sample_rate) / kSampleRate;
    const auto out_count =
        static_cast<std::size_t>(std::llround(static_cast<double>(frames) / step));
    std::vector<float> out(out_count);
    for (std::size_t i = 0; i < out_count; ++i) {
        const double x = static_cast<double>(i) * step;
        const auto i0 = std::min(static_cast<std::size_t>(x), frames - 1);
        const std::size_t i1 = std::min(i0 + 1, frames - 1);
        const double t = x - static_cast<double>(i0);
        out[i] = static_cast<float>(static_cast<double>(mono[i0]) * (1 - t) +
                                    static_cast<double>(mono[i1]) * t);
    }
    return out;
}

}  // namespace posemeet::audio
