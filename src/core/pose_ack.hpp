// Payload of MediaKind::PoseAck packets: a receiver tells a pose sender which of its frames
// it holds, so the sender can encode deltas against a frame every receiver has
// (pose_stream_codec.hpp). Sent back by the same path media to that sender takes.
//
//   bytes 0-1  stream: the sender's media id (u16, little-endian)
//   bytes 2-3  newest frame id the receiver decoded (u16 LE; frame id = the pose packet's sequence)
//   bytes 4-7  held mask (u32 LE): bit i set = frame (newest - 1 - i) is decoded and held too
//   byte 8     flags: bit 0 = a keyframe is wanted; bit 1 = nothing held yet (bytes 2-7 are 0);
//              bits 2-7: 0
//   bytes 9-10 when wanted: the newest frame id that arrived but could not be decoded for
//              want of its reference (the sender ignores the wish if it has sent a keyframe
//              since that frame), else 0
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace posemeet {

constexpr std::size_t kPoseAckBytes = 11;
constexpr int kPoseAckMaskFrames = 32;

struct PoseAck {
    std::uint16_t stream = 0;  // whose frames these are
    std::uint16_t newest = 0;
    std::uint32_t held_mask = 0;
    bool holds_nothing = false;  // no frame decoded yet (newest and held_mask are 0)
    bool wants_keyframe = false;
    std::uint16_t undecodable = 0;  // when wants_keyframe

    // True when the ack says frame `id` is held.
    bool holds(std::uint16_t id) const {
        if (holds_nothing) return false;
        if (id == newest) return true;
        const auto back = static_cast<std::uint16_t>(newest - 1 - id);
        return back < kPoseAckMaskFrames && ((held_mask >> back) & 1u);
    }
    bool operator==(const PoseAck& o) const {
        return stream == o.stream && newest == o.newest && held_mask == o.held_mask &&
               holds_nothing == o.holds_nothing && wants_keyframe == o.wants_keyframe &&
               undecodable == o.undecodable;
    }
};

std::vector<std::uint8_t> encode_pose_ack(const PoseAck& ack);
// Exactly kPoseAckBytes long, known flags, and zeros where a flag says a field is unused;
// else nothing.
std::optional<PoseAck> parse_pose_ack(const std::uint8_t* data, std::size_t size);

}  // namespace posemeet
