// Wire format of one pose: every landmark quantized to fixed bit widths and bit-packed.
// A keyframe-only format on purpose: pose rides an unreliable, unordered channel, so each
// packet must decode on its own. 33 x (12+12+10+4) bits = 157 bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/pose.hpp"

namespace posemeet::pose_codec {

// Quantization ranges and bit widths. Values outside a range are clamped.
constexpr float kXYMin = -0.25f, kXYMax = 1.25f;
constexpr int kXYBits = 12;
constexpr float kZMin = -1.0f, kZMax = 1.0f;
constexpr int kZBits = 10;
constexpr int kVisibilityBits = 4;

constexpr int kBitsPerLandmark = 2 * kXYBits + kZBits + kVisibilityBits;
constexpr std::size_t kPayloadBytes = (kLandmarkCount * kBitsPerLandmark + 7) / 8;

// Largest round-trip error for an in-range value (half a quantization step).
constexpr float kMaxErrorXY = (kXYMax - kXYMin) / ((1 << kXYBits) - 1) / 2;
constexpr float kMaxErrorZ = (kZMax - kZMin) / ((1 << kZBits) - 1) / 2;
constexpr float kMaxErrorVisibility = 1.0f / ((1 << kVisibilityBits) - 1) / 2;

void encode(const Pose& pose, std::vector<std::uint8_t>& out);  // appends kPayloadBytes
std::vector<std::uint8_t> encode(const Pose& pose);

struct DecodeResult {
    std::optional<Pose> pose;
    std::string error;  // set when pose is empty
};
DecodeResult decode(const std::uint8_t* data, std::size_t size);

}  // namespace posemeet::pose_codec
