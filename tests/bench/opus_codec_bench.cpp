// Opus voice codec throughput, as PoseMeet configures it (OpusVoiceEncoder/Decoder: VOIP,
// FEC, complexity 5, 48 kHz mono, 20 ms frames). Encodes and decodes a speech-like signal
// (a voiced buzz with a wandering pitch and syllable-rate loudness, plus breath noise and
// pauses) and prints frames per second, times real time and microseconds per frame.
// The same source is built natively and as wasm for node (tools/bench_audio_codec.sh), so
// the two can be compared: in a meeting the browser encodes one stream and decodes one
// per other participant, every 20 ms.
//
//   posemeet_opus_bench [--seconds=30] [--bitrate=24000] [--repeat=3]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/audio/opus_codec.hpp"

using namespace posemeet::audio;

namespace {

using Clock = std::chrono::steady_clock;

// Deterministic, so native and wasm encode exactly the same samples.
struct Lcg {
    std::uint32_t s = 12345;
    float uniform() {  // [-1, 1)
        s = s * 1664525u + 1013904223u;
        return static_cast<float>(s >> 8) / 8388608.0f - 1.0f;
    }
};

std::vector<AudioFrame> speech_like(int seconds) {
    const int frames = seconds * 1000 / kFrameMs;
    std::vector<AudioFrame> out(static_cast<std::size_t>(frames));
    Lcg rng;
    double phase = 0;
    constexpr double kTwoPi = 6.283185307179586;
    for (int f = 0; f < frames; ++f) {
        for (int i = 0; i < kFrameSamples; ++i) {
            const double t = (static_cast<double>(f) * kFrameSamples + i) / kSampleRate;
            // Pitch 110-190 Hz wandering; loudness at ~4 syllables/s; a pause every 3 s.
            const double pitch = 150 + 40 * std::sin(kTwoPi * 0.7 * t);
            phase += kTwoPi * pitch / kSampleRate;
            const double syllable = 0.5 + 0.5 * std::sin(kTwoPi * 4.0 * t);
            const double talking = std::fmod(t, 3.0) < 2.4 ? 1.0 : 0.0;
            double voiced = 0;
            for (int h = 1; h <= 8; ++h) voiced += std::sin(phase * h) / h;  // formant-less buzz
            const double s = talking * syllable * 0.15 * voiced + 0.01 * rng.uniform();
            out[static_cast<std::size_t>(f)][static_cast<std::size_t>(i)] = static_cast<float>(s);
        }
    }
    return out;
}

struct Result {
    double encode_s = 0, decode_s = 0;
    std::size_t bytes = 0;
};

Result run_once(const std::vector<AudioFrame>& input, int bitrate) {
    OpusVoiceEncoder enc(bitrate);
    OpusVoiceDecoder dec;
    if (!enc.ok() || !dec.ok()) {
        std::fprintf(stderr, "codec setup failed: %s\n", enc.error().c_str());
        std::exit(1);
    }
    std::vector<std::vector<std::uint8_t>> packets;
    packets.reserve(input.size());
    Result r;
    const auto t0 = Clock::now();
    for (const auto& f : input) packets.push_back(enc.encode(f));
    const auto t1 = Clock::now();
    AudioFrame out;
    float checksum = 0;
    for (const auto& p : packets) {
        if (!dec.decode(p.data(), p.size(), out)) {
            std::fprintf(stderr, "decode failed\n");
            std::exit(1);
        }
        checksum += out[kFrameSamples / 2];
    }
    const auto t2 = Clock::now();
    for (const auto& p : packets) r.bytes += p.size();
    r.encode_s = std::chrono::duration<double>(t1 - t0).count();
    r.decode_s = std::chrono::duration<double>(t2 - t1).count();
    if (!std::isfinite(checksum)) std::exit(1);  // also keeps the decode loop alive
    return r;
}

void print_line(const char* what, std::size_t frames, double seconds, double audio_seconds) {
    std::printf("%-15s %7zu frames in %7.3f s: %9.0f frames/s, %7.1fx real time, %7.1f us/frame\n",
                what, frames, seconds, static_cast<double>(frames) / seconds,
                audio_seconds / seconds, seconds * 1e6 / static_cast<double>(frames));
}

}  // namespace

int main(int argc, char** argv) {
    int seconds = 30, bitrate = 24000, repeat = 3;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--seconds=", 10) == 0)
            seconds = std::max(1, std::atoi(argv[i] + 10));
        else if (std::strncmp(argv[i], "--bitrate=", 10) == 0)
            bitrate = std::atoi(argv[i] + 10);
        else if (std::strncmp(argv[i], "--repeat=", 9) == 0)
            repeat = std::max(1, std::atoi(argv[i] + 9));
        else {
            std::fprintf(stderr, "usage: %s [--seconds=30] [--bitrate=24000] [--repeat=3]\n",
                         argv[0]);
            return 2;
        }
    }
    const std::vector<AudioFrame> input = speech_like(seconds);
    (void)run_once(std::vector<AudioFrame>(input.begin(),
                                           input.begin() + std::min<std::size_t>(input.size(), 50)),
                   bitrate);  // warm-up

    // Best of `repeat` runs: the least disturbed by whatever else the machine is doing.
    Result best;
    best.encode_s = best.decode_s = 1e30;
    for (int r = 0; r < repeat; ++r) {
        const Result x = run_once(input, bitrate);
        best.encode_s = std::min(best.encode_s, x.encode_s);
        best.decode_s = std::min(best.decode_s, x.decode_s);
        best.bytes = x.bytes;
    }
#ifdef __EMSCRIPTEN__
    const char* build = "wasm";
#else
    const char* build = "native";
#endif
    const std::size_t frames = input.size();
    std::printf(
        "Opus voice codec (%s): %d s of speech-like audio, %d bit/s (mean %.0f bit/s), complexity "
        "5, "
        "best of %d\n",
        build, seconds, bitrate, static_cast<double>(best.bytes) * 8 / seconds, repeat);
    print_line("encode", frames, best.encode_s, seconds);
    print_line("decode", frames, best.decode_s, seconds);
    print_line("encode+decode", frames, best.encode_s + best.decode_s, seconds);
    // One line for scripts.
    std::printf("RESULT build=%s encode_us=%.2f decode_us=%.2f total_us=%.2f\n", build,
                best.encode_s * 1e6 / static_cast<double>(frames),
                best.decode_s * 1e6 / static_cast<double>(frames),
                (best.encode_s + best.decode_s) * 1e6 / static_cast<double>(frames));
    return 0;
}
