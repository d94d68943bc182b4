// audio_sender: FrameAssembler (capture chunks -> 20 ms frames) and AudioSender (frame ->
// audio payload with the VAD flag and the level).
#include "core/audio/audio_sender.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "audio_test_helpers.hpp"
#include "core/audio/audio_payload.hpp"
#include "core/audio/opus_codec.hpp"

using namespace posemeet::audio;
using namespace posemeet::audio::test;

TEST_SUITE_BEGIN("audio_sender");

TEST_CASE("FrameAssembler turns 128-sample chunks into continuous 960-sample frames") {
    FrameAssembler fa;
    AudioFrame f;
    CHECK_FALSE(fa.pop(f));
    float next = 0;
    float expect = 0;
    int frames = 0;
    for (int chunk = 0; chunk < 75; ++chunk) {  // 75 * 128 = 9600 = 10 frames
        std::vector<float> c(128);
        for (auto& s : c) s = next++;
        fa.push(c.data(), c.size());
        while (fa.pop(f)) {
            ++frames;
            for (float s : f) {
                REQUIRE(s == expect);
                expect += 1;
            }
        }
        CHECK(fa.pending() < kFrameSamples);
        CHECK(fa.pending() == static_cast<std::size_t>(next - expect));
    }
    CHECK(frames == 10);
    CHECK(fa.pending() == 0);
    CHECK(fa.dropped() == 0);

    // Odd chunk sizes, including a single sample and one bigger than a frame.
    for (std::size_t n : {std::size_t{1}, std::size_t{959}, std::size_t{1500}, std::size_t{7}}) {
        std::vector<float> c(n);
        for (auto& s : c) s = next++;
        fa.push(c.data(), c.size());
    }
    CHECK(fa.pending() == 2467);
    REQUIRE(fa.pop(f));
    CHECK(f[0] == expect);
    CHECK(f[959] == expect + 959);
    REQUIRE(fa.pop(f));
    CHECK(f[0] == expect + 960);
    CHECK_FALSE(fa.pop(f));
    CHECK(fa.pending() == 2467 - 1920);
    fa.clear();
    CHECK(fa.pending() == 0);
    CHECK_FALSE(fa.pop(f));
}

TEST_CASE("FrameAssembler keeps only the newest ~200 ms when nobody pops") {
    FrameAssembler fa;
    std::vector<float> c(128);
    float next = 0;
    for (int i = 0; i < 375; ++i) {  // 1 s
        for (auto& s : c) s = next++;
        fa.push(c.data(), c.size());
        CHECK(fa.pending() <= FrameAssembler::kCapacity);
    }
    CHECK(fa.pending() == FrameAssembler::kCapacity);
    CHECK(fa.dropped() == 48000 - FrameAssembler::kCapacity);
    AudioFrame f;
    REQUIRE(fa.pop(f));
    CHECK(f[0] == 48000 - static_cast<float>(FrameAssembler::kCapacity));  // the oldest kept

    // One chunk larger than the whole buffer keeps its tail.
    FrameAssembler big;
    std::vector<float> huge(3 * FrameAssembler::kCapacity);
    for (std::size_t i = 0; i < huge.size(); ++i) huge[i] = static_cast<float>(i);
    big.push(huge.data(), huge.size());
    CHECK(big.pending() == FrameAssembler::kCapacity);
    REQUIRE(big.pop(f));
    CHECK(f[0] == static_cast<float>(2 * FrameAssembler::kCapacity));
    big.push(nullptr, 10);
    CHECK(big.pending() == FrameAssembler::kCapacity - kFrameSamples);
}

TEST_CASE("AudioSender: payload with level, VAD flag and a decodable Opus packet") {
    AudioSender s(24000);
    REQUIRE(s.ok());
    OpusVoiceDecoder dec;
    AudioFrame out;

    // Loud tone: voice flag on, level = -(-3 dB - 10 dB) = 13 dBov for amplitude 0.316.
    for (std::size_t i = 0; i < 10; ++i) {
        const auto p = s.encode_frame(tone_frame(440, 0.316f, i));
        auto r = parse_audio_payload(p.data(), p.size());
        REQUIRE_MESSAGE(r.payload.has_value(), r.error);
        CHECK(r.payload->voice_active);
        CHECK(r.payload->level_dbov == 13);
        CHECK(dec.decode(r.payload->opus, r.payload->opus_size, out));
    }
    CHECK(s.voice_active());
    CHECK(s.last_level_dbfs() == doctest::Approx(-13.0f).epsilon(0.01));

    // Silence: the flag stays on for the hangover (10 frames), then goes off.
    const AudioFrame quiet{};
    for (int i = 0; i < 10; ++i) {
        const auto p = s.encode_frame(quiet);
        REQUIRE(p.size() > 2);
        CHECK(p[0] == 1);
        CHECK(p[1] == 127);
    }
    const auto p = s.encode_frame(quiet);
    CHECK(p[0] == 0);
    CHECK_FALSE(s.voice_active());
    CHECK(s.last_level_dbfs() == -127.0f);

    s.set_bitrate(16000);
    CHECK(s.bitrate() == 16000);
}

TEST_SUITE_END();
