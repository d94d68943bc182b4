// Fuzz target: a media packet as it arrives from a peer link or the relay
// (parse_media_packet), then pose_codec::decode of its payload.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose_codec.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = parse_media_packet(data, size);
    if (!parsed.packet) {
        FUZZ_CHECK(!parsed.error.empty());
        FUZZ_CHECK(size < kMediaHeaderBytes || size > kMaxMediaPacketBytes || (data[0] >> 4) != kMediaVersion ||
                   ((data[0] & 0x0f) != 1 && (data[0] & 0x0f) != 2));
        return 0;
    }
    const MediaPacketView& p = *parsed.packet;
    FUZZ_CHECK(parsed.error.empty());
    FUZZ_CHECK(size >= kMediaHeaderBytes && size <= kMaxMediaPacketBytes);
    FUZZ_CHECK(p.payload == data + kMediaHeaderBytes);
    FUZZ_CHECK(p.payload_size == size - kMediaHeaderBytes);
    FUZZ_CHECK(p.header.kind == MediaKind::Pose || p.header.kind == MediaKind::Audio);

    // Re-encoding the parsed header and payload gives back the input exactly.
    const std::vector<std::uint8_t> payload(p.payload, p.payload + p.payload_size);
    const auto again = encode_media_packet(p.header, payload);
    FUZZ_CHECK(again.size() == size && std::memcmp(again.data(), data, size) == 0);

    // What the relay does: stamp another sender; only bytes 1-2 change.
    std::vector<std::uint8_t> stamped(data, data + size);
    set_media_sender(stamped.data(), static_cast<std::uint16_t>(p.header.sender ^ 0x5A5A));
    auto re = parse_media_packet(stamped.data(), stamped.size());
    FUZZ_CHECK(re.packet.has_value());
    FUZZ_CHECK(re.packet->header.sender == static_cast<std::uint16_t>(p.header.sender ^ 0x5A5A));
    FUZZ_CHECK(re.packet->header.sequence == p.header.sequence);
    FUZZ_CHECK(re.packet->header.timestamp_ms == p.header.timestamp_ms);
    FUZZ_CHECK(std::memcmp(stamped.data() + 3, data + 3, size - 3) == 0);

    // The pose payload (decoded whatever the kind, as a confused receiver might).
    auto decoded = pose_codec::decode(p.payload, p.payload_size);
    FUZZ_CHECK(decoded.pose.has_value() == (p.payload_size == pose_codec::kPayloadBytes));
    if (!decoded.pose) {
        FUZZ_CHECK(!decoded.error.empty());
        return 0;
    }
    for (const auto& l : decoded.pose->landmarks) {
        FUZZ_CHECK(std::isfinite(l.x) && std::isfinite(l.y) && std::isfinite(l.z) && std::isfinite(l.visibility));
        FUZZ_CHECK(l.x >= pose_codec::kXYMin && l.x <= pose_codec::kXYMax);
        FUZZ_CHECK(l.y >= pose_codec::kXYMin && l.y <= pose_codec::kXYMax);
        FUZZ_CHECK(l.z >= pose_codec::kZMin && l.z <= pose_codec::kZMax);
        FUZZ_CHECK(l.visibility >= 0.0f && l.visibility <= 1.0f);
    }
    // Decode then encode is the identity on the 1254 used bits (the last 2 bits are padding).
    auto reencoded = pose_codec::encode(*decoded.pose);
    FUZZ_CHECK(reencoded.size() == pose_codec::kPayloadBytes);
    FUZZ_CHECK(std::memcmp(reencoded.data(), p.payload, pose_codec::kPayloadBytes - 1) == 0);
    FUZZ_CHECK((reencoded.back() & 0x3F) == (p.payload[pose_codec::kPayloadBytes - 1] & 0x3F));
    return 0;
}
