// Clamp-and-round of the pose components; see pose_quantizer.hpp.
#include "core/pose_quantizer.hpp"

#include <algorithm>
#include <cmath>

namespace posemeet::pose_quantizer {
namespace {

struct Range {
    float lo, hi;
};
constexpr std::array<Range, 4> kRanges = {
    {{kXYMin, kXYMax}, {kXYMin, kXYMax}, {kZMin, kZMax}, {0.0f, 1.0f}}};

std::int32_t to_level(float v, int component) {
    const Range r = kRanges[component];
    if (!(v == v)) v = r.lo;  // NaN from a broken source clamps instead of poisoning the packet
    const float t = std::clamp((v - r.lo) / (r.hi - r.lo), 0.0f, 1.0f);
    return static_cast<std::int32_t>(std::lround(t * static_cast<float>(max_level(component))));
}

float from_level(std::int32_t level, int component) {
    const Range r = kRanges[component];
    const std::int32_t top = max_level(component);
    const float t = static_cast<float>(std::clamp(level, 0, top)) / static_cast<float>(top);
    return r.lo + (r.hi - r.lo) * t;
}

}  // namespace

QuantizedPose quantize(const Pose& pose) {
    QuantizedPose q{};
    for (int i = 0; i < kLandmarkCount; ++i) {
        const LandmarkPoint& p = pose.landmarks[i];
        q[i] = {to_level(p.x, kX), to_level(p.y, kY), to_level(p.z, kZ),
                to_level(p.visibility, kVisibility)};
    }
    return q;
}

Pose dequantize(const QuantizedPose& q) {
    Pose pose;
    for (int i = 0; i < kLandmarkCount; ++i) {
        pose.landmarks[i] = {from_level(q[i][kX], kX), from_level(q[i][kY], kY),
                             from_level(q[i][kZ], kZ), from_level(q[i][kVisibility], kVisibility)};
    }
    return pose;
}

}  // namespace posemeet::pose_quantizer
