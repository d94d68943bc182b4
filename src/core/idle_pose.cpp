// A fixed rest pose (front view, arms hanging) with a slow breath: shoulders and head rise
// by a few thousandths of the frame every four seconds.
#include "core/idle_pose.hpp"

#include <cmath>

namespace posemeet {
namespace {

constexpr double kTwoPi = 6.283185307179586;
constexpr double kBreathHz = 0.25;
constexpr double kBreathDepth = 0.004;  // of the frame height

struct RestPoint {
    Landmark landmark;
    float x, y;
    bool breathes;  // moves with the chest (head, shoulders, arms)
};

// The subject's left side appears on the image's right, as a camera sees a person.
constexpr RestPoint kRest[] = {
    {Landmark::Nose, 0.500f, 0.245f, true},
    {Landmark::LeftEyeInner, 0.512f, 0.223f, true},  {Landmark::LeftEye, 0.522f, 0.222f, true},
    {Landmark::LeftEyeOuter, 0.532f, 0.223f, true},  {Landmark::RightEyeInner, 0.488f, 0.223f, true},
    {Landmark::RightEye, 0.478f, 0.222f, true},      {Landmark::RightEyeOuter, 0.468f, 0.223f, true},
    {Landmark::LeftEar, 0.550f, 0.231f, true},       {Landmark::RightEar, 0.450f, 0.231f, true},
    {Landmark::MouthLeft, 0.515f, 0.265f, true},     {Landmark::MouthRight, 0.485f, 0.265f, true},
    {Landmark::LeftShoulder, 0.605f, 0.360f, true},  {Landmark::RightShoulder, 0.395f, 0.360f, true},
    {Landmark::LeftElbow, 0.625f, 0.495f, true},     {Landmark::RightElbow, 0.375f, 0.495f, true},
    {Landmark::LeftWrist, 0.615f, 0.620f, true},     {Landmark::RightWrist, 0.385f, 0.620f, true},
    {Landmark::LeftPinky, 0.620f, 0.650f, true},     {Landmark::RightPinky, 0.380f, 0.650f, true},
    {Landmark::LeftIndex, 0.610f, 0.655f, true},     {Landmark::RightIndex, 0.390f, 0.655f, true},
    {Landmark::LeftThumb, 0.600f, 0.640f, true},     {Landmark::RightThumb, 0.400f, 0.640f, true},
    {Landmark::LeftHip, 0.565f, 0.600f, false},      {Landmark::RightHip, 0.435f, 0.600f, false},
    {Landmark::LeftKnee, 0.570f, 0.770f, false},     {Landmark::RightKnee, 0.430f, 0.770f, false},
    {Landmark::LeftAnkle, 0.572f, 0.930f, false},    {Landmark::RightAnkle, 0.428f, 0.930f, false},
    {Landmark::LeftHeel, 0.568f, 0.950f, false},     {Landmark::RightHeel, 0.432f, 0.950f, false},
    {Landmark::LeftFootIndex, 0.600f, 0.955f, false}, {Landmark::RightFootIndex, 0.400f, 0.955f, false},
};
static_assert(sizeof(kRest) / sizeof(kRest[0]) == kLandmarkCount, "every landmark has a rest position");

}  // namespace

Pose idle_pose(std::uint32_t media_time_ms) {
    const double phase = std::fmod(kTwoPi * kBreathHz * (media_time_ms / 1000.0), kTwoPi);
    const float rise = static_cast<float>(kBreathDepth * (0.5 - 0.5 * std::cos(phase)));
    Pose pose;
    for (const RestPoint& p : kRest)
        pose[p.landmark] = {p.x, p.breathes ? p.y - rise : p.y, 0.0f, 1.0f};
    return pose;
}

}  // namespace posemeet
