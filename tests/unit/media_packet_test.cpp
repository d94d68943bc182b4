// media_packet: the 9-byte media header and the relay frame that wraps it for the server.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose_stream_codec.hpp"

using namespace posemeet;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes pose_packet(std::uint16_t sender = 7, std::uint16_t seq = 1, std::uint32_t ts = 1000) {
    MediaHeader h;
    h.kind = MediaKind::Pose;
    h.sender = sender;
    h.sequence = seq;
    h.timestamp_ms = ts;
    return encode_media_packet(h, PoseStreamEncoder().encode(Pose{}, 0, 0, {}).payload);
}

MediaParseResult parse(const Bytes& b) { return parse_media_packet(b.data(), b.size()); }
RelayParseResult parse_relay(const Bytes& b) { return parse_relay_frame(b.data(), b.size()); }

}  // namespace

TEST_SUITE_BEGIN("media_packet");

TEST_CASE("header fields round-trip, including wrap-around values") {
    struct Case {
        MediaKind kind;
        std::uint16_t sender, sequence;
        std::uint32_t ts;
    };
    const Case cases[] = {
        {MediaKind::Pose, 1, 0, 0},
        {MediaKind::Pose, 0xFFFF, 0xFFFF, 0xFFFFFFFFu},
        {MediaKind::Audio, 0x1234, 0xABCD, 0x89ABCDEFu},
        {MediaKind::Audio, 0, 1, 0x80000000u},
        {MediaKind::PoseAck, 0x0102, 0x0304, 0x05060708u},
    };
    for (const auto& c : cases) {
        MediaHeader h;
        h.kind = c.kind;
        h.sender = c.sender;
        h.sequence = c.sequence;
        h.timestamp_ms = c.ts;
        const Bytes payload = {1, 2, 3, 4, 5};
        const Bytes packet = encode_media_packet(h, payload);
        REQUIRE(packet.size() == kMediaHeaderBytes + payload.size());
        auto r = parse(packet);
        REQUIRE_MESSAGE(r.packet.has_value(), r.error);
        CHECK(r.error.empty());
        CHECK(r.packet->header.kind == c.kind);
        CHECK(r.packet->header.sender == c.sender);
        CHECK(r.packet->header.sequence == c.sequence);
        CHECK(r.packet->header.timestamp_ms == c.ts);
        CHECK(r.packet->payload_size == payload.size());
        CHECK(r.packet->payload == packet.data() + kMediaHeaderBytes);
        CHECK(Bytes(r.packet->payload, r.packet->payload + r.packet->payload_size) == payload);
    }
}

TEST_CASE("header byte layout: version<<4|kind, then little-endian sender, sequence, timestamp") {
    MediaHeader h;
    h.kind = MediaKind::Pose;
    h.sender = 0x0102;
    h.sequence = 0x0304;
    h.timestamp_ms = 0x05060708;
    const Bytes p = encode_media_packet(h, {});
    CHECK(p == Bytes{0x11, 0x02, 0x01, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05});
    h.kind = MediaKind::Audio;
    CHECK(encode_media_packet(h, {})[0] == 0x12);
}

TEST_CASE("header-only and maximum-size packets are accepted") {
    Bytes p = encode_media_packet(MediaHeader{}, {});
    auto r = parse(p);
    REQUIRE(r.packet.has_value());
    CHECK(r.packet->payload_size == 0);

    Bytes big = encode_media_packet(MediaHeader{}, Bytes(kMaxMediaPacketBytes - kMediaHeaderBytes, 0));
    REQUIRE(big.size() == 1200);
    CHECK(parse(big).packet.has_value());
}

TEST_CASE("short, oversized, wrong-version and unknown-kind packets are rejected") {
    const Bytes good = pose_packet();
    REQUIRE(parse(good).packet.has_value());

    SUBCASE("shorter than the header") {
        for (std::size_t n = 0; n < kMediaHeaderBytes; ++n) {
            auto r = parse_media_packet(good.data(), n);
            CHECK_FALSE(r.packet.has_value());
            CHECK_FALSE(r.error.empty());
        }
    }
    SUBCASE("larger than 1200 bytes") {
        Bytes big = encode_media_packet(MediaHeader{}, Bytes(1201 - kMediaHeaderBytes, 0));
        REQUIRE(big.size() == 1201);
        auto r = parse(big);
        CHECK_FALSE(r.packet.has_value());
        CHECK_FALSE(r.error.empty());
    }
    SUBCASE("wrong version") {
        for (std::uint8_t version : {0, 2, 15}) {
            Bytes b = good;
            b[0] = static_cast<std::uint8_t>((version << 4) | 1);
            auto r = parse(b);
            CHECK_FALSE(r.packet.has_value());
            CHECK_FALSE(r.error.empty());
        }
    }
    SUBCASE("unknown kind") {
        for (std::uint8_t kind : {0, 4, 15}) {
            Bytes b = good;
            b[0] = static_cast<std::uint8_t>(0x10 | kind);
            auto r = parse(b);
            CHECK_FALSE(r.packet.has_value());
            CHECK_FALSE(r.error.empty());
        }
    }
}

TEST_CASE("set_media_sender rewrites only the sender") {
    Bytes p = pose_packet(/*sender=*/3, /*seq=*/0xBEEF, /*ts=*/0xFFFFFFF0u);
    const Bytes before = p;
    set_media_sender(p.data(), 0xA55A);
    auto r = parse(p);
    REQUIRE(r.packet.has_value());
    CHECK(r.packet->header.sender == 0xA55A);
    CHECK(r.packet->header.sequence == 0xBEEF);
    CHECK(r.packet->header.timestamp_ms == 0xFFFFFFF0u);
    CHECK(r.packet->header.kind == MediaKind::Pose);
    REQUIRE(p.size() == before.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (i == 1 || i == 2) continue;
        INFO("byte " << i);
        CHECK(p[i] == before[i]);
    }
}

TEST_CASE("relay frames round-trip their targets and the wrapped packet") {
    const Bytes packet = pose_packet(9, 77, 0xFFFFFFFFu);
    for (const std::vector<std::uint16_t>& targets :
         {std::vector<std::uint16_t>{}, std::vector<std::uint16_t>{1},
          std::vector<std::uint16_t>{2, 0xFFFF, 0x1234}}) {
        const Bytes frame = encode_relay_frame(targets, packet);
        CHECK(frame.size() == 2 + 2 * targets.size() + packet.size());
        CHECK(frame[0] == 1);
        CHECK(frame[1] == targets.size());
        auto r = parse_relay(frame);
        REQUIRE_MESSAGE(r.frame.has_value(), r.error);
        CHECK(r.frame->targets == targets);
        CHECK(r.frame->packet_size == packet.size());
        CHECK(Bytes(r.frame->packet, r.frame->packet + r.frame->packet_size) == packet);
        auto inner = parse_media_packet(r.frame->packet, r.frame->packet_size);
        REQUIRE(inner.packet.has_value());
        CHECK(inner.packet->header.sequence == 77);
        CHECK(inner.packet->header.timestamp_ms == 0xFFFFFFFFu);
    }
}

TEST_CASE("relay frame with the maximum of 64 targets is accepted, 65 are rejected") {
    const Bytes packet = pose_packet();
    std::vector<std::uint16_t> targets;
    for (std::uint16_t i = 1; i <= 64; ++i) targets.push_back(i);
    auto ok = parse_relay(encode_relay_frame(targets, packet));
    REQUIRE(ok.frame.has_value());
    CHECK(ok.frame->targets.size() == 64);

    targets.push_back(65);
    auto r = parse_relay(encode_relay_frame(targets, packet));
    CHECK_FALSE(r.frame.has_value());
    CHECK_FALSE(r.error.empty());
}

TEST_CASE("malformed relay frames are rejected") {
    const Bytes packet = pose_packet();
    const Bytes frame = encode_relay_frame({5, 6, 7}, packet);

    SUBCASE("shorter than the 2-byte header") {
        CHECK_FALSE(parse_relay_frame(frame.data(), 0).frame.has_value());
        CHECK_FALSE(parse_relay_frame(frame.data(), 1).frame.has_value());
    }
    SUBCASE("truncated in the target list") {
        for (std::size_t n = 2; n < 2 + 2 * 3; ++n) {
            auto r = parse_relay_frame(frame.data(), n);
            CHECK_FALSE(r.frame.has_value());
            CHECK_FALSE(r.error.empty());
        }
        // A count byte that promises more targets than the frame holds.
        const Bytes lying = {1, 40, 1, 0, 2, 0};
        CHECK_FALSE(parse_relay(lying).frame.has_value());
    }
    SUBCASE("wrong relay version") {
        for (std::uint8_t v : {0, 2, 0xFF}) {
            Bytes b = frame;
            b[0] = v;
            CHECK_FALSE(parse_relay(b).frame.has_value());
        }
    }
    SUBCASE("the wrapped packet is invalid") {
        Bytes b = frame;
        b[2 + 6] = 0x21;  // inner packet version 2
        CHECK_FALSE(parse_relay(b).frame.has_value());
        // Targets but no packet at all.
        CHECK_FALSE(parse_relay(encode_relay_frame({1, 2}, {})).frame.has_value());
        // Inner packet shorter than its header.
        CHECK_FALSE(parse_relay_frame(frame.data(), 2 + 6 + kMediaHeaderBytes - 1).frame.has_value());
    }
}

TEST_SUITE_END();
