// Forward kinematics of a simple 2-D figure driven by sums of sines (see header).
#include "core/synthetic_pose.hpp"

#include <cmath>

namespace posemeet {
namespace {

constexpr double kTwoPi = 6.283185307179586;

// Deterministic pseudo-random numbers in [0,1) from the seed (splitmix-style).
class SeedStream {
public:
    explicit SeedStream(std::uint32_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 1) {}
    double next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
    }
    double range(double lo, double hi) { return lo + (hi - lo) * next(); }

private:
    std::uint64_t state_;
};

// sin(2*pi*hz*t + phase) with the phase reduced in double first, so a wrapped 32-bit
// millisecond clock still gives identical results on every platform.
double wave(double hz, double t_seconds, double phase) {
    return std::sin(std::fmod(kTwoPi * hz * t_seconds, kTwoPi) + phase);
}

}  // namespace

std::uint32_t pose_seed_for_user(std::string_view user_id) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : user_id) {
        h ^= c;
        h *= 16777619u;
    }
    return h;
}

SyntheticPoseSource::SyntheticPoseSource(std::uint32_t seed) {
    SeedStream s(seed);
    sway_hz_ = s.range(0.12, 0.3);
    sway_amp_ = s.range(0.01, 0.035);
    sway_phase_ = s.range(0, kTwoPi);
    nod_hz_ = s.range(0.2, 0.5);
    nod_phase_ = s.range(0, kTwoPi);
    for (int side = 0; side < 2; ++side) {
        arm_hz_[side] = s.range(0.15, 0.6);
        arm_phase_[side] = s.range(0, kTwoPi);
        arm_lift_[side] = s.range(0.3, 1.3);
        elbow_bend_[side] = s.range(0.3, 1.2);
    }
    body_x_ = s.range(0.45, 0.55);
    body_scale_ = s.range(0.9, 1.05);
}

Pose SyntheticPoseSource::pose_at(std::uint32_t timestamp_ms) const {
    const double t = timestamp_ms / 1000.0;
    const double k = body_scale_;
    const double sway = sway_amp_ * wave(sway_hz_, t, sway_phase_);
    const double lean = 0.6 * sway;  // torso tilts with the sway (radians, small)
    const double nod = 0.012 * wave(nod_hz_, t, nod_phase_);

    Pose pose;
    auto set = [&](Landmark l, double x, double y, double z = 0.0, double vis = 0.98) {
        pose[l] = {static_cast<float>(x), static_cast<float>(y), static_cast<float>(z),
                   static_cast<float>(vis)};
    };

    // Hips stay planted (the feet do not slide); the upper body leans around the hip centre.
    const double hip_x = body_x_, hip_y = 0.60;
    const double hip_half = 0.07 * k;
    auto lean_point = [&](double dx, double dy, double& x, double& y) {
        // rotate (dx,dy) about the hip centre by `lean`
        x = hip_x + dx * std::cos(lean) - dy * std::sin(lean) + sway * 0.3;
        y = hip_y + dx * std::sin(lean) + dy * std::cos(lean);
    };

    double lsx, lsy, rsx, rsy;  // shoulders (subject's left appears on image right)
    lean_point(+0.11 * k, -0.24 * k, lsx, lsy);
    lean_point(-0.11 * k, -0.24 * k, rsx, rsy);
    double hx, hy;
    lean_point(0.0, -0.37 * k, hx, hy);
    hy += nod;

    // Face: nose, eyes, ears, mouth around the head centre.
    set(Landmark::Nose, hx, hy + 0.01 * k, -0.08);
    set(Landmark::LeftEyeInner, hx + 0.012 * k, hy - 0.012 * k, -0.07);
    set(Landmark::LeftEye, hx + 0.022 * k, hy - 0.013 * k, -0.07);
    set(Landmark::LeftEyeOuter, hx + 0.032 * k, hy - 0.012 * k, -0.07);
    set(Landmark::RightEyeInner, hx - 0.012 * k, hy - 0.012 * k, -0.07);
    set(Landmark::RightEye, hx - 0.022 * k, hy - 0.013 * k, -0.07);
    set(Landmark::RightEyeOuter, hx - 0.032 * k, hy - 0.012 * k, -0.07);
    set(Landmark::LeftEar, hx + 0.05 * k, hy - 0.004 * k, 0.0);
    set(Landmark::RightEar, hx - 0.05 * k, hy - 0.004 * k, 0.0);
    set(Landmark::MouthLeft, hx + 0.015 * k, hy + 0.03 * k, -0.07);
    set(Landmark::MouthRight, hx - 0.015 * k, hy + 0.03 * k, -0.07);

    set(Landmark::LeftShoulder, lsx, lsy);
    set(Landmark::RightShoulder, rsx, rsy);

    // Arms: upper-arm angle swings between hanging and raised; the elbow bends with it.
    const double upper = 0.14 * k, fore = 0.13 * k, hand = 0.035 * k;
    for (int side = 0; side < 2; ++side) {
        const double dir = side == 0 ? 1.0 : -1.0;  // left arm extends to image right
        const double sx = side == 0 ? lsx : rsx, sy = side == 0 ? lsy : rsy;
        const double swing = 0.5 + 0.5 * wave(arm_hz_[side], t, arm_phase_[side]);
        const double a1 = 0.25 + arm_lift_[side] * swing;  // 0 = straight down, radians outward
        const double a2 = a1 + elbow_bend_[side] * (0.4 + 0.6 * swing);
        const double ex = sx + dir * upper * std::sin(a1), ey = sy + upper * std::cos(a1);
        const double wx = ex + dir * fore * std::sin(a2), wy = ey + fore * std::cos(a2);
        const double zf = -0.1 * swing;
        const auto L = [side](Landmark left, Landmark right) { return side == 0 ? left : right; };
        set(L(Landmark::LeftElbow, Landmark::RightElbow), ex, ey, zf * 0.5);
        set(L(Landmark::LeftWrist, Landmark::RightWrist), wx, wy, zf);
        set(L(Landmark::LeftPinky, Landmark::RightPinky), wx + dir * hand * std::sin(a2 + 0.3),
            wy + hand * std::cos(a2 + 0.3), zf, 0.9);
        set(L(Landmark::LeftIndex, Landmark::RightIndex), wx + dir * hand * std::sin(a2 - 0.1),
            wy + hand * std::cos(a2 - 0.1), zf, 0.9);
        set(L(Landmark::LeftThumb, Landmark::RightThumb), wx + dir * 0.6 * hand * std::sin(a2 - 0.6),
            wy + 0.6 * hand * std::cos(a2 - 0.6), zf, 0.9);
    }

    // Legs: fixed stance with a slight knee flex that follows the sway.
    const double flex = 4.0 * sway;
    for (int side = 0; side < 2; ++side) {
        const double dir = side == 0 ? 1.0 : -1.0;
        const double x = hip_x + dir * hip_half;
        const auto L = [side](Landmark left, Landmark right) { return side == 0 ? left : right; };
        set(L(Landmark::LeftHip, Landmark::RightHip), x, hip_y);
        set(L(Landmark::LeftKnee, Landmark::RightKnee), x + dir * 0.01 + flex * 0.02, hip_y + 0.17 * k);
        set(L(Landmark::LeftAnkle, Landmark::RightAnkle), x + dir * 0.015, hip_y + 0.33 * k, 0.0, 0.9);
        set(L(Landmark::LeftHeel, Landmark::RightHeel), x + dir * 0.01, hip_y + 0.35 * k, 0.02, 0.85);
        set(L(Landmark::LeftFootIndex, Landmark::RightFootIndex), x + dir * 0.045, hip_y + 0.355 * k,
            -0.05, 0.85);
    }
    return pose;
}

}  // namespace posemeet
