// Fixed-width quantization of the 33 landmarks; see pose_codec.hpp for the layout.
#include "core/pose_codec.hpp"

#include <algorithm>
#include <cmath>

#include "core/bit_io.hpp"

namespace posemeet::pose_codec {
namespace {

std::uint32_t quantize(float v, float lo, float hi, int bits) {
    const auto levels = static_cast<float>((1u << bits) - 1);
    if (!(v == v)) v = lo;  // NaN from a broken source clamps instead of poisoning the packet
    const float t = std::clamp((v - lo) / (hi - lo), 0.0f, 1.0f);
    return static_cast<std::uint32_t>(std::lround(t * levels));
}

float dequantize(std::uint32_t q, float lo, float hi, int bits) {
    const auto levels = static_cast<float>((1u << bits) - 1);
    return lo + (hi - lo) * (static_cast<float>(q) / levels);
}

}  // namespace

void encode(const Pose& pose, std::vector<std::uint8_t>& out) {
    out.reserve(out.size() + kPayloadBytes);
    BitWriter w(out);
    for (const auto& p : pose.landmarks) {
        w.write(quantize(p.x, kXYMin, kXYMax, kXYBits), kXYBits);
        w.write(quantize(p.y, kXYMin, kXYMax, kXYBits), kXYBits);
        w.write(quantize(p.z, kZMin, kZMax, kZBits), kZBits);
        w.write(quantize(p.visibility, 0.0f, 1.0f, kVisibilityBits), kVisibilityBits);
    }
}

std::vector<std::uint8_t> encode(const Pose& pose) {
    std::vector<std::uint8_t> out;
    encode(pose, out);
    return out;
}

DecodeResult decode(const std::uint8_t* data, std::size_t size) {
    if (size != kPayloadBytes) {
        return {std::nullopt, "pose payload must be " + std::to_string(kPayloadBytes) +
                                  " bytes, got " + std::to_string(size)};
    }
    Pose pose;
    BitReader r(data, size);
    for (auto& p : pose.landmarks) {
        std::uint32_t qx = 0, qy = 0, qz = 0, qv = 0;
        r.read(qx, kXYBits);  // cannot run out: size was checked above
        r.read(qy, kXYBits);
        r.read(qz, kZBits);
        r.read(qv, kVisibilityBits);
        p = {dequantize(qx, kXYMin, kXYMax, kXYBits), dequantize(qy, kXYMin, kXYMax, kXYBits),
             dequantize(qz, kZMin, kZMax, kZBits), dequantize(qv, 0.0f, 1.0f, kVisibilityBits)};
    }
    return {pose, {}};
}

}  // namespace posemeet::pose_codec
