// The integer grid poses travel on: each landmark coordinate clamped to a range and rounded
// to a fixed number of levels. Keyframes carry these integers as they are, delta frames
// carry differences between them, so both decode to exactly the same values.
#pragma once

#include <array>
#include <cstdint>

#include "core/pose.hpp"

namespace posemeet::pose_quantizer {

// Ranges and bit widths. Values outside a range are clamped; NaN becomes the range's low end.
// x and y keep the precision of the first (keyframe-only) format; z is coarser (nothing draws
// depth finely) and so is visibility (the renderer fades landmarks between 0.3 and 0.7).
constexpr float kXYMin = -0.25f, kXYMax = 1.25f;
constexpr int kXYBits = 12;
constexpr float kZMin = -1.0f, kZMax = 1.0f;
constexpr int kZBits = 8;
constexpr int kVisibilityBits = 4;

// Largest round-trip error for an in-range value (half a quantization step).
constexpr float kMaxErrorXY = (kXYMax - kXYMin) / ((1 << kXYBits) - 1) / 2;
constexpr float kMaxErrorZ = (kZMax - kZMin) / ((1 << kZBits) - 1) / 2;
constexpr float kMaxErrorVisibility = 1.0f / ((1 << kVisibilityBits) - 1) / 2;

// Visibility levels at or below this one are drawn fully transparent (the renderer's fade
// starts at 0.3): delta frames may leave such a landmark's position out (pose_stream_codec.hpp).
constexpr int kHiddenVisibilityLevel = 4;  // 4/15 = 0.27

// Component order inside a QuantizedLandmark.
enum Component : int { kX = 0, kY = 1, kZ = 2, kVisibility = 3 };
constexpr std::array<int, 4> kComponentBits = {kXYBits, kXYBits, kZBits, kVisibilityBits};
constexpr int max_level(int component) { return (1 << kComponentBits[component]) - 1; }

using QuantizedLandmark = std::array<std::int32_t, 4>;  // x, y, z, visibility levels
using QuantizedPose = std::array<QuantizedLandmark, kLandmarkCount>;

QuantizedPose quantize(const Pose& pose);
Pose dequantize(const QuantizedPose& q);  // levels outside their range are clamped first

}  // namespace posemeet::pose_quantizer
