// Binary media packets: one small fixed header, then the payload (a pose frame, 20 ms
// of Opus audio, or a pose ack).
// The same bytes travel over a WebRTC data channel or through the server relay.
//
//   byte 0     version (high nibble, =1) | kind (low nibble)
//   bytes 1-2  sender media id (u16, assigned by the server per room, little-endian)
//   bytes 3-4  sequence number (u16, per sender and kind, wraps)
//   bytes 5-8  timestamp (u32 ms on the shared media clock, wraps every ~49 days)
//
// Relay frames (client -> server, WebSocket binary message) wrap a packet with the list of
// recipients; the server forwards the bare packet after stamping the real sender id.
//   byte 0     relay frame version (=1)
//   byte 1     target count N (0 = every member I have no peer link with, see RelayRule)
//   N x u16    target media ids
//   ...        the media packet
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace posemeet {

// Pose: core/pose_stream_codec.hpp; Audio: core/audio/audio_payload.hpp; PoseAck: core/pose_ack.hpp
// (a receiver to a pose sender).
enum class MediaKind : std::uint8_t { Pose = 1, Audio = 2, PoseAck = 3 };

constexpr std::uint8_t kMediaVersion = 1;
constexpr std::size_t kMediaHeaderBytes = 9;
constexpr std::size_t kMaxMediaPacketBytes = 1200;  // fits one data-channel message / UDP MTU
constexpr std::size_t kMaxRelayTargets = 64;

struct MediaHeader {
    MediaKind kind = MediaKind::Pose;
    std::uint16_t sender = 0;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp_ms = 0;
};

struct MediaPacketView {
    MediaHeader header;
    const std::uint8_t* payload = nullptr;
    std::size_t payload_size = 0;
};

std::vector<std::uint8_t> encode_media_packet(const MediaHeader& header,
                                              const std::vector<std::uint8_t>& payload);

struct MediaParseResult {
    std::optional<MediaPacketView> packet;
    std::string error;
};
MediaParseResult parse_media_packet(const std::uint8_t* data, std::size_t size);

// Rewrites the sender field in place (the server stamps the authenticated sender).
void set_media_sender(std::uint8_t* packet, std::uint16_t sender);

struct RelayFrameView {
    std::vector<std::uint16_t> targets;  // empty = default rule
    const std::uint8_t* packet = nullptr;
    std::size_t packet_size = 0;
};
// `targets` must hold at most kMaxRelayTargets ids (callers split larger lists).
std::vector<std::uint8_t> encode_relay_frame(const std::vector<std::uint16_t>& targets,
                                             const std::vector<std::uint8_t>& packet);
struct RelayParseResult {
    std::optional<RelayFrameView> frame;
    std::string error;
};
RelayParseResult parse_relay_frame(const std::uint8_t* data, std::size_t size);

}  // namespace posemeet
