// audio_payload: flags + level + Opus packet, the payload of MediaKind::Audio packets.
#include "core/audio/audio_payload.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/media_packet.hpp"

using namespace posemeet::audio;

namespace {
using Bytes = std::vector<std::uint8_t>;
AudioPayloadParse parse(const Bytes& b) { return parse_audio_payload(b.data(), b.size()); }
}  // namespace

TEST_SUITE_BEGIN("audio_payload");

TEST_CASE("encode/parse round trip") {
    const Bytes opus = {0x78, 0x01, 0x02, 0x03};
    for (bool voice : {false, true}) {
        for (std::uint8_t level : {0, 1, 42, 126, 127}) {
            const Bytes b = encode_audio_payload(voice, level, opus);
            REQUIRE(b.size() == 2 + opus.size());
            CHECK(b[0] == (voice ? 1 : 0));
            CHECK(b[1] == level);
            auto r = parse(b);
            REQUIRE_MESSAGE(r.payload.has_value(), r.error);
            CHECK(r.error.empty());
            CHECK(r.payload->voice_active == voice);
            CHECK(r.payload->level_dbov == level);
            CHECK(r.payload->opus == b.data() + 2);
            CHECK(Bytes(r.payload->opus, r.payload->opus + r.payload->opus_size) == opus);
        }
    }
    // Levels past 127 are clamped on the way out.
    CHECK(encode_audio_payload(false, 200, opus)[1] == 127);
}

TEST_CASE("size limits: 1..1000 Opus bytes") {
    CHECK(parse(Bytes{0, 127, 0x08}).payload.has_value());
    const Bytes max = encode_audio_payload(true, 10, Bytes(kMaxOpusPacketBytes, 0x55));
    CHECK(parse(max).payload.has_value());
    // The largest audio payload still fits a media packet.
    CHECK(posemeet::kMediaHeaderBytes + max.size() <= posemeet::kMaxMediaPacketBytes);

    auto too_big = parse(encode_audio_payload(true, 10, Bytes(kMaxOpusPacketBytes + 1, 0x55)));
    CHECK_FALSE(too_big.payload.has_value());
    CHECK(too_big.error.find("1000") != std::string::npos);
}

TEST_CASE("malformed payloads are refused with a reason") {
    struct Case {
        Bytes bytes;
        const char* needle;
    };
    const Case cases[] = {
        {{}, "shorter"},
        {{0x01}, "shorter"},
        {{0x01, 20}, "without an Opus packet"},
        {{0x02, 20, 0x08}, "flag"},
        {{0x80, 20, 0x08}, "flag"},
        {{0xFF, 20, 0x08}, "flag"},
        {{0x01, 128, 0x08}, "level"},
        {{0x00, 255, 0x08}, "level"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.needle);
        auto r = parse(c.bytes);
        CHECK_FALSE(r.payload.has_value());
        CHECK(r.error.find(c.needle) != std::string::npos);
    }
    auto r = parse_audio_payload(nullptr, 0);
    CHECK_FALSE(r.payload.has_value());
}

TEST_SUITE_END();
