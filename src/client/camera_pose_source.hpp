// Our pose from the camera. The platform's estimator (in the browser, a Worker running
// BlazePose) hands over each estimate stamped with the media-clock time its frame was
// captured; the session sends every estimate once, with that stamp, so a receiver can
// play it in step with the voice captured at the same moment.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "core/pose_source.hpp"

namespace posemeet {

class CameraPoseSource final : public PoseSource {
public:
    // An estimate from a frame captured at `capture_media_ms`.
    void push(const Pose& pose, std::uint32_t capture_media_ms);
    // The frame captured then shows nobody: our tile falls back to the idle figure, and
    // nothing is sent until someone is seen again.
    void push_nobody(std::uint32_t capture_media_ms);
    // The camera stopped: forget the last estimate.
    void clear();

    // The newest estimate while it is fresh (a stalled estimator does not freeze our tile
    // in a pose we left long ago).
    std::optional<Pose> pose_at_media_time(std::uint32_t media_time_ms) const override;
    // The newest estimate not sent yet.
    std::optional<TimedPose> next_pose_to_send(std::uint32_t now_media_ms) override;

    std::uint64_t estimates() const { return estimates_; }
    // The last kRecentKept estimates, oldest first (what we sent: tests compare it with
    // what the others received).
    const std::deque<TimedPose>& recent() const { return recent_; }
    static constexpr std::size_t kRecentKept = 64;

    // An estimate older than this (by the media clock) is not shown any more.
    static constexpr std::uint32_t kStaleAfterMs = 1000;

private:
    std::optional<TimedPose> latest_;
    bool latest_sent_ = false;
    std::uint64_t estimates_ = 0;
    std::deque<TimedPose> recent_;
};

}  // namespace posemeet
