// Fuzz target: a media packet as it arrives from a peer link or the relay
// (parse_media_packet), then its payload as a first pose frame (a fresh decoder: only a
// keyframe can decode) and as a pose ack. fuzz_pose_stream covers decoders with history.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose_ack.hpp"
#include "core/pose_stream_codec.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = parse_media_packet(data, size);
    if (!parsed.packet) {
        FUZZ_CHECK(!parsed.error.empty());
        FUZZ_CHECK(size < kMediaHeaderBytes || size > kMaxMediaPacketBytes || (data[0] >> 4) != kMediaVersion ||
                   ((data[0] & 0x0f) < 1 || (data[0] & 0x0f) > 3));
        return 0;
    }
    const MediaPacketView& p = *parsed.packet;
    FUZZ_CHECK(parsed.error.empty());
    FUZZ_CHECK(size >= kMediaHeaderBytes && size <= kMaxMediaPacketBytes);
    FUZZ_CHECK(p.payload == data + kMediaHeaderBytes);
    FUZZ_CHECK(p.payload_size == size - kMediaHeaderBytes);
    FUZZ_CHECK(p.header.kind == MediaKind::Pose || p.header.kind == MediaKind::Audio ||
               p.header.kind == MediaKind::PoseAck);

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

    // A pose ack (parsed whatever the kind, as a confused receiver might): parse then encode
    // is the identity.
    if (auto ack = parse_pose_ack(p.payload, p.payload_size)) {
        FUZZ_CHECK(p.payload_size == kPoseAckBytes);
        FUZZ_CHECK(encode_pose_ack(*ack) == payload);
    }

    // The pose payload as the first frame a receiver sees: only a keyframe decodes.
    PoseStreamDecoder decoder;
    auto decoded = decoder.decode(p.header.sequence, p.header.timestamp_ms, p.payload, p.payload_size);
    if (decoded.status != PoseStreamDecoder::Status::Decoded) {
        FUZZ_CHECK(!decoded.error.empty());
        FUZZ_CHECK(!decoder.ack(p.header.sender) || decoder.ack(p.header.sender)->holds_nothing);
        return 0;
    }
    FUZZ_CHECK(decoded.type == PoseFrameType::Keyframe);
    FUZZ_CHECK(p.payload_size == kKeyframePayloadBytes);
    for (const auto& l : decoded.pose.landmarks) {
        FUZZ_CHECK(std::isfinite(l.x) && std::isfinite(l.y) && std::isfinite(l.z) && std::isfinite(l.visibility));
        FUZZ_CHECK(l.x >= pose_quantizer::kXYMin && l.x <= pose_quantizer::kXYMax);
        FUZZ_CHECK(l.y >= pose_quantizer::kXYMin && l.y <= pose_quantizer::kXYMax);
        FUZZ_CHECK(l.z >= pose_quantizer::kZMin && l.z <= pose_quantizer::kZMax);
        FUZZ_CHECK(l.visibility >= 0.0f && l.visibility <= 1.0f);
    }
    // Decode then encode (a fresh encoder sends a keyframe) gives back the payload exactly.
    const auto again_pose = PoseStreamEncoder().encode(decoded.pose, p.header.sequence, p.header.timestamp_ms, {});
    FUZZ_CHECK(again_pose.type == PoseFrameType::Keyframe);
    FUZZ_CHECK(again_pose.payload == payload);
    // The decoder now holds that frame and says so.
    const auto ack = decoder.ack(p.header.sender);
    FUZZ_CHECK(ack && !ack->holds_nothing && ack->newest == p.header.sequence && ack->held_mask == 0);
    return 0;
}
