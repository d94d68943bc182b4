#include "client/camera_control.hpp"

#include "client/avatar_pose_source.hpp"
#include "core/synthetic_pose.hpp"

namespace posemeet {

void CameraControl::tick() {
    const auto& me = session_.self();
    const bool room_says_on = session_.status() == ConnectionStatus::Joined && me && me->camera == 1;
    if (!room_says_on) held_off_ = false;
    live_ = room_says_on && !held_off_;
    const bool want = live_ && !demo_;
    if (want && !running_) {
        last_failure_ = {};
        failure_reported_ = false;
        running_ = true;
        device_.start(device_id_, rate_hz_);
    } else if (!want && running_) {
        running_ = false;
        device_.stop();
        source_.clear();
    }
    if (running_) {
        const CameraDeviceState now = device_.state();
        // Asked again (at most every kRetryOffMs) until the room says off: a request can
        // cross a "camera on" of ours in flight, or be lost with the connection.
        const double t = session_.clock().now_ms();
        if (camera_failed(now.state) && (!failure_reported_ || t - failure_reported_at_ms_ >= kRetryOffMs)) {
            failure_reported_ = true;
            failure_reported_at_ms_ = t;
            last_failure_ = now;
            session_.request(protocol::event_name(protocol::Event::OperateSelfCamera), {{"operate", 0}});
        }
    }
}

void CameraControl::release_now() {
    held_off_ = true;
    live_ = false;
    if (!running_) return;
    running_ = false;
    device_.stop();
    source_.clear();
}

void CameraControl::choose_device(const std::string& device_id) {
    device_id_ = device_id;
    if (running_) {
        device_.stop();
        source_.clear();
        last_failure_ = {};
        failure_reported_ = false;
        device_.start(device_id_, rate_hz_);
    }
}

void CameraControl::set_rate(double rate_hz) {
    if (rate_hz == rate_hz_) return;
    rate_hz_ = rate_hz;
    if (running_) device_.set_rate(rate_hz);
}

std::unique_ptr<PoseSource> CameraControl::make_pose_source(const std::string& user_id) {
    return std::make_unique<AvatarPoseSource>(source_, demo_, live_, pose_seed_for_user(user_id));
}

CameraDeviceState CameraControl::state() const {
    CameraDeviceState s = device_.state();
    if (!running_ && last_failure_.state != CameraState::Off) {
        s.state = last_failure_.state;
        s.message = last_failure_.message;
    }
    return s;
}

}  // namespace posemeet
