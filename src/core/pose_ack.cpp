// Encoding and parsing of the pose ack payload (see pose_ack.hpp).
#include "core/pose_ack.hpp"

namespace posemeet {

std::vector<std::uint8_t> encode_pose_ack(const PoseAck& ack) {
    std::vector<std::uint8_t> out;
    out.reserve(kPoseAckBytes);
    for (int i = 0; i < 2; ++i) out.push_back(static_cast<std::uint8_t>(ack.stream >> (8 * i)));
    const std::uint16_t newest = ack.holds_nothing ? 0 : ack.newest;
    const std::uint32_t held_mask = ack.holds_nothing ? 0 : ack.held_mask;
    for (int i = 0; i < 2; ++i) out.push_back(static_cast<std::uint8_t>(newest >> (8 * i)));
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(held_mask >> (8 * i)));
    out.push_back(
        static_cast<std::uint8_t>((ack.wants_keyframe ? 1 : 0) | (ack.holds_nothing ? 2 : 0)));
    const std::uint16_t undecodable = ack.wants_keyframe ? ack.undecodable : 0;
    for (int i = 0; i < 2; ++i) out.push_back(static_cast<std::uint8_t>(undecodable >> (8 * i)));
    return out;
}

std::optional<PoseAck> parse_pose_ack(const std::uint8_t* data, std::size_t size) {
    if (size != kPoseAckBytes) return std::nullopt;
    PoseAck ack;
    ack.stream = static_cast<std::uint16_t>(data[0] | (data[1] << 8));
    ack.newest = static_cast<std::uint16_t>(data[2] | (data[3] << 8));
    for (int i = 0; i < 4; ++i) ack.held_mask |= static_cast<std::uint32_t>(data[4 + i]) << (8 * i);
    if (data[8] & ~3u) return std::nullopt;
    ack.wants_keyframe = data[8] & 1u;
    ack.holds_nothing = data[8] & 2u;
    if (ack.holds_nothing && (ack.newest != 0 || ack.held_mask != 0)) return std::nullopt;
    ack.undecodable = static_cast<std::uint16_t>(data[9] | (data[10] << 8));
    if (!ack.wants_keyframe && ack.undecodable != 0) return std::nullopt;
    return ack;
}

}  // namespace posemeet
