// A stand-in for landmarks from a real webcam in a meeting, for tests and the pose codec
// bench until recorded traces exist: the synthetic figure with faster talking gestures and
// whole-body drift, plus what a pose model adds - per-landmark jitter (smoothed over a few
// frames, larger when a landmark is barely visible), noisy depth, flickering visibility, and
// legs below the frame that are hardly ever visible. Deterministic for a seed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "core/pose.hpp"
#include "core/synthetic_pose.hpp"

namespace posemeet::test {

class CameraLikeMotion {
  public:
    explicit CameraLikeMotion(std::uint32_t seed) : figure_(seed), rng_(seed) {}

    // The next frame, `timestamp_ms` after the start; call with increasing times.
    Pose next(std::uint32_t timestamp_ms) {
        const double t = timestamp_ms / 1000.0;
        Pose p = figure_.pose_at(timestamp_ms);
        // Sitting closer to the camera than the figure stands: everything larger, drifting.
        const double drift_x = 0.04 * std::sin(0.23 * t) + 0.02 * std::sin(0.71 * t + 1.0);
        const double drift_y = 0.015 * std::sin(0.37 * t + 2.0);
        const double scale = 1.35 + 0.05 * std::sin(0.19 * t);
        // Talking with the hands: bursts of quicker gestures every few seconds.
        const double burst = std::max(0.0, std::sin(0.9 * t)) * 0.06;
        for (int i = 0; i < kLandmarkCount; ++i) {
            LandmarkPoint& l = p.landmarks[i];
            l.x = static_cast<float>(0.5 + (l.x - 0.5) * scale + drift_x);
            l.y = static_cast<float>(0.15 + (l.y - 0.2) * scale + drift_y);
            const bool hand = i >= 15 && i <= 22;
            if (hand) {
                const double side = (i % 2) ? 1.0 : -1.0;
                l.x += static_cast<float>(burst * std::sin(2 * 3.14159 * 1.7 * t + side));
                l.y += static_cast<float>(burst * std::cos(2 * 3.14159 * 1.3 * t + side));
            }
            // Visibility as a pose model reports it: face and shoulders sure, hands mostly,
            // hips doubtful, legs (below the frame) almost never.
            double vis;
            if (i <= 12)
                vis = 0.995;
            else if (i <= 22)
                vis = 0.8 + 0.15 * std::sin(0.5 * t + i);
            else if (i <= 24)
                vis = 0.45 + 0.15 * std::sin(0.3 * t + i);
            else
                vis = 0.08;
            const double jitter = vis > 0.7 ? 0.0015 : vis > 0.3 ? 0.004 : 0.012;
            for (int c = 0; c < 3; ++c) {
                double& n = noise_[i][c];
                const double sigma = c == 2 ? 0.02 : jitter;
                n = 0.6 * n + 0.8 * sigma * gauss_(rng_);  // smoothed: AR(1), stationary sigma
            }
            double& vn = noise_[i][3];
            vn = 0.7 * vn + 0.03 * gauss_(rng_);
            l.x += static_cast<float>(noise_[i][0]);
            l.y += static_cast<float>(noise_[i][1]);
            l.z = static_cast<float>(l.z * 2.0 + noise_[i][2]);
            l.visibility = static_cast<float>(std::clamp(vis + vn, 0.0, 1.0));
        }
        return p;
    }

  private:
    SyntheticPoseSource figure_;
    std::mt19937 rng_;
    std::normal_distribution<double> gauss_{0.0, 1.0};
    double noise_[kLandmarkCount][4] = {};
};

}  // namespace posemeet::test
