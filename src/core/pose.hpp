// The body-pose model shared by every layer: 33 BlazePose landmarks in normalized image
// coordinates (x right, y down, both ~[0,1]; z is depth relative to the hips, same scale
// as x; visibility in [0,1]), and the bones that connect them for drawing.
#pragma once

#include <array>
#include <cstdint>
#include <utility>

namespace posemeet {

constexpr int kLandmarkCount = 33;

// BlazePose landmark indices (MediaPipe Pose topology), so real camera poses fit unchanged.
enum class Landmark : int {
    Nose = 0, LeftEyeInner, LeftEye, LeftEyeOuter, RightEyeInner, RightEye, RightEyeOuter,
    LeftEar, RightEar, MouthLeft, MouthRight,
    LeftShoulder, RightShoulder, LeftElbow, RightElbow, LeftWrist, RightWrist,
    LeftPinky, RightPinky, LeftIndex, RightIndex, LeftThumb, RightThumb,
    LeftHip, RightHip, LeftKnee, RightKnee, LeftAnkle, RightAnkle,
    LeftHeel, RightHeel, LeftFootIndex, RightFootIndex,
};

struct LandmarkPoint {
    float x = 0, y = 0, z = 0, visibility = 0;
};

struct Pose {
    std::array<LandmarkPoint, kLandmarkCount> landmarks{};

    LandmarkPoint& operator[](Landmark l) { return landmarks[static_cast<int>(l)]; }
    const LandmarkPoint& operator[](Landmark l) const { return landmarks[static_cast<int>(l)]; }
};

// The 35 connections MediaPipe draws for the pose graph.
using Bone = std::pair<std::uint8_t, std::uint8_t>;
constexpr std::array<Bone, 35> kBones{{
    {0, 1}, {1, 2}, {2, 3}, {3, 7}, {0, 4}, {4, 5}, {5, 6}, {6, 8}, {9, 10},
    {11, 12}, {11, 13}, {13, 15}, {15, 17}, {15, 19}, {15, 21}, {17, 19},
    {12, 14}, {14, 16}, {16, 18}, {16, 20}, {16, 22}, {18, 20},
    {11, 23}, {12, 24}, {23, 24}, {23, 25}, {24, 26}, {25, 27}, {26, 28},
    {27, 29}, {28, 30}, {29, 31}, {30, 32}, {27, 31}, {28, 32},
}};

// Linear blend of two poses (t=0 -> a, t=1 -> b), used by the interpolation buffer.
Pose lerp(const Pose& a, const Pose& b, float t);

}  // namespace posemeet
