// wav: RIFF/WAVE bytes in and out (PCM 16-bit, IEEE float 32), downmix and resampling.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/audio/tone_analysis.hpp"
#include "core/audio/wav.hpp"

using namespace posemeet::audio;

namespace {

using Bytes = std::vector<std::uint8_t>;

void u16(Bytes& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void u32(Bytes& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void tag(Bytes& b, const char* t) {
    for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(t[i]));
}
void chunk(Bytes& b, const char* id, const Bytes& body, bool pad = true) {
    tag(b, id);
    u32(b, static_cast<std::uint32_t>(body.size()));
    b.insert(b.end(), body.begin(), body.end());
    if (pad && body.size() % 2) b.push_back(0);
}
Bytes fmt_body(std::uint16_t format, std::uint16_t channels, std::uint32_t rate, std::uint16_t bits,
               std::uint16_t block_align = 0) {
    Bytes f;
    u16(f, format);
    u16(f, channels);
    u32(f, rate);
    if (!block_align) block_align = static_cast<std::uint16_t>(channels * bits / 8);
    u32(f, rate * block_align);
    u16(f, block_align);
    u16(f, bits);
    return f;
}
// RIFF wrapper around the given chunks (the RIFF size is filled in).
Bytes riff(const Bytes& chunks) {
    Bytes b;
    tag(b, "RIFF");
    u32(b, static_cast<std::uint32_t>(4 + chunks.size()));
    tag(b, "WAVE");
    b.insert(b.end(), chunks.begin(), chunks.end());
    return b;
}
Bytes float_data(const std::vector<float>& s) {
    Bytes b(s.size() * 4);
    std::memcpy(b.data(), s.data(), b.size());  // little-endian hosts (x86, wasm)
    return b;
}
WavParse parse(const Bytes& b) { return parse_wav(b.data(), b.size()); }

}  // namespace

TEST_SUITE_BEGIN("audio_wav");

TEST_CASE("PCM 16 round trip, mono and stereo") {
    WavAudio a;
    a.sample_rate = 48000;
    a.channels = 2;
    for (int i = 0; i < 1000; ++i) {
        a.samples.push_back(static_cast<float>(i - 500) / 512.0f);  // exact in 16-bit
        a.samples.push_back(-static_cast<float>(i % 7) / 8.0f);
    }
    const Bytes wav = encode_wav_pcm16(a);
    REQUIRE(wav.size() == 44 + a.samples.size() * 2);
    CHECK(std::memcmp(wav.data(), "RIFF", 4) == 0);
    auto r = parse(wav);
    REQUIRE_MESSAGE(r.audio.has_value(), r.error);
    CHECK(r.audio->sample_rate == 48000);
    CHECK(r.audio->channels == 2);
    CHECK(r.audio->samples == a.samples);
    // parse -> encode reproduces the bytes.
    CHECK(encode_wav_pcm16(*r.audio) == wav);

    WavAudio mono;
    mono.sample_rate = 16000;
    mono.channels = 1;
    mono.samples = make_tone(440, 0.5f, 1600, 16000);
    auto m = parse(encode_wav_pcm16(mono));
    REQUIRE(m.audio.has_value());
    REQUIRE(m.audio->samples.size() == mono.samples.size());
    for (std::size_t i = 0; i < mono.samples.size(); ++i) {
        CHECK(std::fabs(m.audio->samples[i] - mono.samples[i]) <= 0.5f / 32768.0f + 1e-7f);
    }
}

TEST_CASE("encoding clamps, drops a partial frame, refuses a bad layout") {
    WavAudio a;
    a.sample_rate = 8000;
    a.channels = 2;
    a.samples = {2.0f, -2.0f, 1.0f, -1.0f, std::nanf(""), 0.25f, 0.5f};  // 3.5 frames
    auto r = parse(encode_wav_pcm16(a));
    REQUIRE(r.audio.has_value());
    REQUIRE(r.audio->samples.size() == 6);
    CHECK(r.audio->samples[0] == 32767.0f / 32768.0f);
    CHECK(r.audio->samples[1] == -1.0f);
    CHECK(r.audio->samples[2] == 32767.0f / 32768.0f);
    CHECK(r.audio->samples[3] == -1.0f);
    CHECK(r.audio->samples[4] == 0.0f);
    CHECK(r.audio->samples[5] == 0.25f);

    // Far out of range (a corrupt float file): clamped, not wrapped around.
    a.samples = {4.4e27f, -2.6e33f};
    r = parse(encode_wav_pcm16(a));
    REQUIRE(r.audio.has_value());
    CHECK(r.audio->samples == std::vector<float>{32767.0f / 32768.0f, -1.0f});

    a.channels = 0;
    CHECK(encode_wav_pcm16(a).empty());
    a.channels = 1;
    a.sample_rate = 0;
    CHECK(encode_wav_pcm16(a).empty());
}

TEST_CASE("IEEE float 32, WAVE_FORMAT_EXTENSIBLE, unknown chunks skipped") {
    const std::vector<float> s = {0.0f, 0.5f, -0.25f, 1.5f, std::nanf(""), -1.0f};
    Bytes chunks;
    Bytes list = {'I', 'N', 'F', 'O', 'x'};  // odd size: followed by a pad byte
    chunk(chunks, "LIST", list);
    chunk(chunks, "fmt ", fmt_body(3, 1, 44100, 32));
    chunk(chunks, "fact", Bytes{6, 0, 0, 0});
    chunk(chunks, "data", float_data(s));
    auto r = parse(riff(chunks));
    REQUIRE_MESSAGE(r.audio.has_value(), r.error);
    CHECK(r.audio->sample_rate == 44100);
    CHECK(r.audio->channels == 1);
    REQUIRE(r.audio->samples.size() == 6);
    CHECK(r.audio->samples[1] == 0.5f);
    CHECK(r.audio->samples[3] == 1.5f);  // kept as is (not clamped)
    CHECK(r.audio->samples[4] == 0.0f);  // NaN replaced

    // EXTENSIBLE with the PCM sub-format GUID, stereo 16-bit.
    Bytes ext = fmt_body(0xFFFE, 2, 48000, 16);
    u16(ext, 22);  // cbSize
    u16(ext, 16);  // valid bits
    u32(ext, 3);   // channel mask
    u16(ext, 1);   // sub-format: PCM ...
    ext.insert(ext.end(), {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38,
                           0x9B, 0x71});
    Bytes data;
    u16(data, 0x4000);
    u16(data, 0xC000);
    Bytes c2;
    chunk(c2, "fmt ", ext);
    chunk(c2, "data", data);
    auto e = parse(riff(c2));
    REQUIRE_MESSAGE(e.audio.has_value(), e.error);
    CHECK(e.audio->channels == 2);
    CHECK(e.audio->samples == std::vector<float>{0.5f, -0.5f});
}

TEST_CASE("a data chunk longer than the file is read up to the last whole frame") {
    Bytes chunks;
    chunk(chunks, "fmt ", fmt_body(1, 2, 48000, 16));
    tag(chunks, "data");
    u32(chunks, 0xFFFFFFFFu);  // streaming writers leave this unpatched
    for (int i = 0; i < 5; ++i) u16(chunks, static_cast<std::uint16_t>(i * 1000));
    chunks.push_back(0x12);  // half a sample
    auto r = parse(riff(chunks));
    REQUIRE_MESSAGE(r.audio.has_value(), r.error);
    CHECK(r.audio->samples.size() == 4);  // 2 stereo frames; the 5th sample has no partner
}

TEST_CASE("malformed WAVs are refused with a clear error") {
    auto good_fmt = fmt_body(1, 1, 48000, 16);
    auto with = [](std::initializer_list<std::pair<const char*, Bytes>> cs) {
        Bytes chunks;
        for (const auto& [id, body] : cs) chunk(chunks, id, body);
        return riff(chunks);
    };
    struct Case {
        Bytes bytes;
        const char* needle;
    };
    Bytes truncated_fmt = riff({});
    tag(truncated_fmt, "fmt ");
    u32(truncated_fmt, 16);
    truncated_fmt.insert(truncated_fmt.end(), 6, 0);
    Bytes truncated_list = riff({});
    tag(truncated_list, "LIST");
    u32(truncated_list, 1000);
    truncated_list.insert(truncated_list.end(), 10, 0);
    Bytes not_wave = with({{"fmt ", good_fmt}});
    std::memcpy(not_wave.data() + 8, "AVI ", 4);

    const Case cases[] = {
        {{}, "shorter"},
        {Bytes{'R', 'I', 'F', 'F'}, "shorter"},
        {not_wave, "RIFF/WAVE"},
        {riff({}), "no fmt"},
        {with({{"fmt ", good_fmt}}), "no data"},
        {with({{"data", Bytes{0, 0}}, {"fmt ", good_fmt}}), "before the fmt"},
        {truncated_fmt, "fmt chunk truncated"},
        {truncated_list, "'LIST' truncated"},
        {with({{"fmt ", Bytes(12, 0)}, {"data", Bytes{0, 0}}}), "shorter than 16"},
        {with({{"fmt ", fmt_body(1, 1, 48000, 24)}, {"data", Bytes(6, 0)}}), "24 bits"},
        {with({{"fmt ", fmt_body(1, 1, 48000, 8)}, {"data", Bytes(6, 0)}}), "8 bits"},
        {with({{"fmt ", fmt_body(3, 1, 48000, 64)}, {"data", Bytes(16, 0)}}), "64 bits"},
        {with({{"fmt ", fmt_body(6, 1, 8000, 8)}, {"data", Bytes(6, 0)}}), "format tag 6"},
        {with({{"fmt ", fmt_body(1, 0, 48000, 16, 2)}, {"data", Bytes(6, 0)}}), "channel count 0"},
        {with({{"fmt ", fmt_body(1, 33, 48000, 16)}, {"data", Bytes(66, 0)}}), "channel count 33"},
        {with({{"fmt ", fmt_body(1, 1, 0, 16)}, {"data", Bytes(6, 0)}}), "sample rate 0"},
        {with({{"fmt ", fmt_body(1, 1, 10'000'000, 16)}, {"data", Bytes(6, 0)}}), "sample rate"},
        {with({{"fmt ", fmt_body(1, 2, 48000, 16, 2)}, {"data", Bytes(6, 0)}}), "block align"},
        {with({{"fmt ", fmt_body(0xFFFE, 1, 48000, 16)}, {"data", Bytes(6, 0)}}), "EXTENSIBLE"},
        {with({{"fmt ", good_fmt}, {"fmt ", good_fmt}, {"data", Bytes(2, 0)}}),
         "more than one fmt"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.needle);
        auto r = parse(c.bytes);
        CHECK_FALSE(r.audio.has_value());
        CHECK_MESSAGE(r.error.find(c.needle) != std::string::npos, r.error);
    }
    CHECK_FALSE(parse_wav(nullptr, 0).audio.has_value());
}

TEST_CASE("to_mono_48k: downmix and linear resampling keep the tone") {
    WavAudio st;
    st.sample_rate = 48000;
    st.channels = 2;
    for (int i = 0; i < 100; ++i) {
        st.samples.push_back(0.5f);
        st.samples.push_back(-0.1f);
    }
    const auto m = to_mono_48k(st);
    REQUIRE(m.size() == 100);
    CHECK(m[50] == doctest::Approx(0.2f));

    for (int rate : {8000, 16000, 22050, 24000, 44100, 96000}) {
        CAPTURE(rate);
        WavAudio a;
        a.sample_rate = rate;
        a.channels = 1;
        a.samples = make_tone(440, 0.5f, static_cast<std::size_t>(rate), rate);  // 1 s
        const auto out = to_mono_48k(a);
        CHECK(out.size() == 48000);
        CHECK(goertzel_magnitude(out.data(), out.size(), 440) ==
              doctest::Approx(0.5f).epsilon(0.02));
        CHECK(goertzel_magnitude(out.data(), out.size(), 880) < 0.01f);
    }

    // Float samples near the float limit (a corrupt file) must not overflow to infinity.
    WavAudio huge;
    huge.sample_rate = 44100;
    huge.channels = 2;
    huge.samples = {3.4e38f, 3.4e38f, -3.4e38f, -3.4e38f, 3.4e38f, -3.4e38f};
    for (float x : to_mono_48k(huge)) CHECK(std::isfinite(x));

    WavAudio bad;
    bad.sample_rate = 48000;
    bad.channels = 0;
    bad.samples = {1, 2, 3};
    CHECK(to_mono_48k(bad).empty());
    bad.channels = 1;
    bad.sample_rate = 5;
    CHECK(to_mono_48k(bad).empty());
    WavAudio empty;
    empty.sample_rate = 44100;
    empty.channels = 1;
    CHECK(to_mono_48k(empty).empty());
}

TEST_SUITE_END();
