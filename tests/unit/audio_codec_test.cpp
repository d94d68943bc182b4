// opus_codec: the Opus voice encoder/decoder pair, FEC and concealment, room bitrates.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "audio_test_helpers.hpp"
#include "core/audio/level_meter.hpp"
#include "core/audio/opus_codec.hpp"
#include "core/audio/tone_analysis.hpp"

using namespace posemeet::audio;
using namespace posemeet::audio::test;

namespace {

using Bytes = std::vector<std::uint8_t>;

std::vector<Bytes> encode_tone(OpusVoiceEncoder& enc, float hz, float amplitude,
                               std::size_t frames) {
    std::vector<Bytes> packets;
    for (std::size_t i = 0; i < frames; ++i) {
        packets.push_back(enc.encode(tone_frame(hz, amplitude, i)));
        REQUIRE_MESSAGE(!packets.back().empty(), enc.error());
    }
    return packets;
}

std::vector<float> decode_all(const std::vector<Bytes>& packets) {
    OpusVoiceDecoder dec;
    REQUIRE(dec.ok());
    std::vector<float> out;
    AudioFrame f;
    for (const auto& p : packets) {
        REQUIRE(dec.decode(p.data(), p.size(), f));
        append(out, f);
    }
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("audio_codec");

TEST_CASE(
    "a 440 Hz tone comes out at 440 Hz and at its level; a 660 Hz tone does not read as 440") {
    constexpr float kAmp = 0.4f;
    constexpr std::size_t kFrames = 75;  // 1.5 s
    // Skip the first 10 frames (200 ms): the encoder's look-ahead (6.5 ms) plus its
    // adaptation to the signal.
    constexpr std::size_t kSkip = 10 * kFrameSamples;
    for (int bitrate : {16000, 24000, 32000}) {
        CAPTURE(bitrate);
        OpusVoiceEncoder enc(bitrate);
        REQUIRE(enc.ok());
        CHECK(enc.bitrate() == bitrate);

        const auto out440 = decode_all(encode_tone(enc, 440, kAmp, kFrames));
        REQUIRE(out440.size() == kFrames * kFrameSamples);
        const float m440 = goertzel_magnitude(out440.data() + kSkip, out440.size() - kSkip, 440);
        const float leak660 = goertzel_magnitude(out440.data() + kSkip, out440.size() - kSkip, 660);
        CHECK(std::fabs(db(m440 / kAmp)) < 1.5f);
        CHECK(leak660 < kAmp * 0.03f);  // more than 30 dB down

        OpusVoiceEncoder enc2(bitrate);
        const auto out660 = decode_all(encode_tone(enc2, 660, kAmp, kFrames));
        const float m660 = goertzel_magnitude(out660.data() + kSkip, out660.size() - kSkip, 660);
        const float leak440 = goertzel_magnitude(out660.data() + kSkip, out660.size() - kSkip, 440);
        CHECK(std::fabs(db(m660 / kAmp)) < 1.5f);
        CHECK(leak440 < kAmp * 0.03f);
    }
}

TEST_CASE("decoded output is delayed by the codec's look-ahead, not more") {
    // Silence, then a tone from frame 5 on: the tone must show up within one frame.
    OpusVoiceEncoder enc;
    OpusVoiceDecoder dec;
    std::vector<float> out;
    AudioFrame f;
    for (std::size_t i = 0; i < 12; ++i) {
        AudioFrame in = i < 5 ? AudioFrame{} : tone_frame(440, 0.5f, i);
        const Bytes p = enc.encode(in);
        REQUIRE(dec.decode(p.data(), p.size(), f));
        append(out, f);
    }
    std::size_t onset = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (std::fabs(out[i]) > 0.05f) {
            onset = i;
            break;
        }
    }
    const std::size_t tone_start = 5 * kFrameSamples;
    CHECK(onset >= tone_start);
    CHECK(onset < tone_start + kFrameSamples);
}

TEST_CASE("packet sizes follow the bitrate and stay within the payload limit") {
    auto mean_size = [](int bitrate) {
        OpusVoiceEncoder enc(bitrate);
        std::size_t total = 0;
        constexpr std::size_t n = 50;
        for (std::size_t i = 0; i < n; ++i) {
            const Bytes p = enc.encode(tone_frame(300, 0.3f, i));
            REQUIRE(!p.empty());
            REQUIRE(p.size() <= kMaxOpusPacketBytes);
            total += p.size();
        }
        return static_cast<double>(total) / n;
    };
    const double s16 = mean_size(16000), s32 = mean_size(32000);
    // 16 kbit/s = 40 bytes per 20 ms, 32 kbit/s = 80 (VBR: roughly).
    CHECK(s16 > 20);
    CHECK(s16 < 60);
    CHECK(s32 > s16 * 1.4);
    CHECK(s32 < 120);

    OpusVoiceEncoder enc;
    enc.set_bitrate(1);
    CHECK(enc.bitrate() == 6000);
    enc.set_bitrate(10'000'000);
    CHECK(enc.bitrate() == 510000);
    enc.set_expected_loss_percent(150);
    CHECK(enc.expected_loss_percent() == 100);
}

TEST_CASE("non-finite input samples do not break the encoder") {
    OpusVoiceEncoder enc;
    AudioFrame f = tone_frame(440, 0.5f, 0);
    f[10] = std::numeric_limits<float>::quiet_NaN();
    f[20] = std::numeric_limits<float>::infinity();
    const Bytes p = enc.encode(f);
    REQUIRE(!p.empty());
    OpusVoiceDecoder dec;
    AudioFrame out;
    REQUIRE(dec.decode(p.data(), p.size(), out));
    for (float s : out) CHECK(std::isfinite(s));
}

TEST_CASE("corrupt or wrong-length packets are refused with a silent frame") {
    OpusVoiceDecoder dec;
    AudioFrame out;
    out.fill(0.5f);
    CHECK_FALSE(dec.decode(nullptr, 0, out));
    CHECK(out[0] == 0.0f);

    out.fill(0.5f);
    const Bytes bad_code3 = {0x03};  // code 3 (arbitrary frame count) without its count byte
    CHECK_FALSE(dec.decode(bad_code3.data(), bad_code3.size(), out));
    CHECK(*std::max_element(out.begin(), out.end()) == 0.0f);

    // TOC config 2 = SILK narrowband 40 ms: a valid packet, but not 20 ms.
    const Bytes forty_ms = {0x10, 0x00, 0x00};
    out.fill(0.5f);
    CHECK_FALSE(dec.decode(forty_ms.data(), forty_ms.size(), out));
    CHECK(out[100] == 0.0f);

    // Too large for our payload.
    const Bytes huge(kMaxOpusPacketBytes + 1, 0x08);
    CHECK_FALSE(dec.decode(huge.data(), huge.size(), out));

    // The decoder still works afterwards.
    OpusVoiceEncoder enc;
    const Bytes p = enc.encode(tone_frame(440, 0.5f, 0));
    CHECK(dec.decode(p.data(), p.size(), out));
}

TEST_CASE("a lost packet is rebuilt from the next packet's FEC; PLC keeps the tone going") {
    constexpr float kAmp = 0.4f;
    OpusVoiceEncoder enc(24000);
    enc.set_expected_loss_percent(10);
    const auto packets = encode_tone(enc, 440, kAmp, 40);

    // Reference: everything decoded.
    const auto clean = decode_all(packets);

    OpusVoiceDecoder dec;
    AudioFrame f;
    for (std::size_t i = 0; i < 30; ++i)
        REQUIRE(dec.decode(packets[i].data(), packets[i].size(), f));
    // Packet 30 is lost; 31 is here.
    AudioFrame fec;
    REQUIRE(dec.decode_fec(packets[31].data(), packets[31].size(), fec));
    const float m_fec = goertzel_magnitude(fec.data(), fec.size(), 440);
    CHECK(std::fabs(db(m_fec / kAmp)) < 3.0f);
    // FEC is a coarser copy of the real frame 30: close to it sample by sample.
    double err = 0, ref = 0;
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
        const double d = fec[i] - clean[30 * kFrameSamples + i];
        err += d * d;
        ref += static_cast<double>(clean[30 * kFrameSamples + i]) * clean[30 * kFrameSamples + i];
    }
    CHECK(err < ref * 0.25);  // better than 6 dB SNR against the real frame
    REQUIRE(dec.decode(packets[31].data(), packets[31].size(), f));

    // Packets 32 and 33 both lost with nothing after them yet: concealment.
    AudioFrame plc1, plc2;
    dec.conceal(plc1);
    dec.conceal(plc2);
    // libopus fades concealment out gradually; the first frame keeps the tone's pitch.
    CHECK(goertzel_magnitude(plc1.data(), plc1.size(), 440) > kAmp * 0.25f);
    CHECK(goertzel_magnitude(plc1.data(), plc1.size(), 660) < kAmp * 0.1f);
    CHECK(rms_dbfs(plc2) > -40.0f);  // still audible, no hole
    // And normal decoding resumes.
    CHECK(dec.decode(packets[34].data(), packets[34].size(), f));

    // decode_fec on garbage conceals instead of leaving a hole.
    AudioFrame g;
    const Bytes garbage = {0x03};
    CHECK_FALSE(dec.decode_fec(garbage.data(), garbage.size(), g));
    CHECK(rms_dbfs(g) > -60.0f);
}

TEST_CASE("bitrate_for_room: smaller rooms get more bits") {
    CHECK(bitrate_for_room(1) == 32000);
    CHECK(bitrate_for_room(2) == 32000);
    CHECK(bitrate_for_room(4) == 32000);
    CHECK(bitrate_for_room(5) == 24000);
    CHECK(bitrate_for_room(8) == 24000);
    CHECK(bitrate_for_room(9) == 16000);
    CHECK(bitrate_for_room(100) == 16000);
    CHECK(bitrate_for_room(0) == 32000);
}

TEST_SUITE_END();
