// Encoding and validation of media packets and relay frames (see media_packet.hpp).
#include "core/media_packet.hpp"

namespace posemeet {
namespace {

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
std::uint16_t get_u16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t get_u32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8) |
           (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

}  // namespace

std::vector<std::uint8_t> encode_media_packet(const MediaHeader& h,
                                              const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> out;
    out.reserve(kMediaHeaderBytes + payload.size());
    out.push_back(static_cast<std::uint8_t>((kMediaVersion << 4) | static_cast<std::uint8_t>(h.kind)));
    put_u16(out, h.sender);
    put_u16(out, h.sequence);
    put_u32(out, h.timestamp_ms);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

MediaParseResult parse_media_packet(const std::uint8_t* data, std::size_t size) {
    if (size < kMediaHeaderBytes) return {std::nullopt, "media packet shorter than its header"};
    if (size > kMaxMediaPacketBytes) return {std::nullopt, "media packet larger than 1200 bytes"};
    if ((data[0] >> 4) != kMediaVersion) return {std::nullopt, "unknown media packet version"};
    const std::uint8_t kind = data[0] & 0x0f;
    if (kind != static_cast<std::uint8_t>(MediaKind::Pose) &&
        kind != static_cast<std::uint8_t>(MediaKind::Audio) && kind != static_cast<std::uint8_t>(MediaKind::PoseAck)) {
        return {std::nullopt, "unknown media kind " + std::to_string(kind)};
    }
    MediaPacketView v;
    v.header.kind = static_cast<MediaKind>(kind);
    v.header.sender = get_u16(data + 1);
    v.header.sequence = get_u16(data + 3);
    v.header.timestamp_ms = get_u32(data + 5);
    v.payload = data + kMediaHeaderBytes;
    v.payload_size = size - kMediaHeaderBytes;
    return {v, {}};
}

void set_media_sender(std::uint8_t* packet, std::uint16_t sender) {
    packet[1] = static_cast<std::uint8_t>(sender);
    packet[2] = static_cast<std::uint8_t>(sender >> 8);
}

std::vector<std::uint8_t> encode_relay_frame(const std::vector<std::uint16_t>& targets,
                                             const std::vector<std::uint8_t>& packet) {
    std::vector<std::uint8_t> out;
    out.reserve(2 + 2 * targets.size() + packet.size());
    out.push_back(1);
    out.push_back(static_cast<std::uint8_t>(targets.size()));
    for (auto t : targets) put_u16(out, t);
    out.insert(out.end(), packet.begin(), packet.end());
    return out;
}

RelayParseResult parse_relay_frame(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return {std::nullopt, "relay frame shorter than its header"};
    if (data[0] != 1) return {std::nullopt, "unknown relay frame version"};
    const std::size_t count = data[1];
    if (count > kMaxRelayTargets) return {std::nullopt, "too many relay targets"};
    const std::size_t header = 2 + 2 * count;
    if (size < header) return {std::nullopt, "relay frame truncated in its target list"};
    RelayFrameView v;
    v.targets.reserve(count);
    for (std::size_t i = 0; i < count; ++i) v.targets.push_back(get_u16(data + 2 + 2 * i));
    auto packet = parse_media_packet(data + header, size - header);
    if (!packet.packet) return {std::nullopt, packet.error};
    v.packet = data + header;
    v.packet_size = size - header;
    return {v, {}};
}

}  // namespace posemeet
