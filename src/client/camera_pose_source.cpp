#include "client/camera_pose_source.hpp"

namespace posemeet {

void CameraPoseSource::push(const Pose& pose, std::uint32_t capture_media_ms) {
    latest_ = TimedPose{pose, capture_media_ms};
    latest_sent_ = false;
    ++estimates_;
    recent_.push_back(*latest_);
    if (recent_.size() > kRecentKept) recent_.pop_front();
}

void CameraPoseSource::push_nobody(std::uint32_t) { clear(); }

void CameraPoseSource::clear() {
    latest_.reset();
    latest_sent_ = false;
}

std::optional<Pose> CameraPoseSource::pose_at_media_time(std::uint32_t media_time_ms) const {
    if (!latest_) return std::nullopt;
    // Unsigned difference: correct across the 32-bit clock's wrap; an estimate stamped
    // slightly in the future (clock jitter) counts as fresh.
    const std::uint32_t age = media_time_ms - latest_->media_time_ms;
    if (age > kStaleAfterMs && age < 0x80000000u) return std::nullopt;
    return latest_->pose;
}

std::optional<TimedPose> CameraPoseSource::next_pose_to_send(std::uint32_t now_media_ms) {
    if (!latest_ || latest_sent_ || !pose_at_media_time(now_media_ms)) return std::nullopt;
    latest_sent_ = true;
    return latest_;
}

}  // namespace posemeet
