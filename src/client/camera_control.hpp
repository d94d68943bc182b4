// Keeps the camera in step with the room. The room's record is the truth: the camera is
// open exactly while the room says our camera is on, whoever turned it on (our button,
// PoseMeet.setCamera, accepting the host's "turn your camera on") or off (the host's
// "camera off", leaving, the meeting ending). A camera that cannot be used (denied, none,
// busy, model failed) turns our camera off in the room again, so nobody sees "camera on"
// over a still avatar, and its reason stays on screen until the next try.
#pragma once

#include <memory>
#include <string>

#include "client/camera_device.hpp"
#include "client/camera_pose_source.hpp"
#include "client/meeting_session.hpp"

namespace posemeet {

class CameraControl {
public:
    CameraControl(MeetingSession& session, CameraDevice& device, CameraPoseSource& source, bool demo_avatar)
        : session_(session), device_(device), source_(source), demo_(demo_avatar) {}

    void tick();  // after the session's tick
    // The user turned the camera off: release it now, not at the room's answer (privacy
    // first), and do not reopen it until the room has said "off".
    void release_now();

    // The demo avatar (synthetic motion) instead of the camera; the camera is released.
    void set_demo_avatar(bool on) { demo_ = on; }
    bool demo_avatar() const { return demo_; }
    // Which camera to use ("" = the default); a running camera switches at once.
    void choose_device(const std::string& device_id);
    // Estimates per second wanted (the room's pose tier); a running camera follows.
    void set_rate(double rate_hz);

    // The session's pose source for a member (camera or demo, as chosen at any moment).
    std::unique_ptr<PoseSource> make_pose_source(const std::string& user_id);

    // What the UI and state().camera show: the device's state, or the last failure after
    // the camera was turned off because of it.
    CameraDeviceState state() const;
    bool running() const { return running_; }

private:
    MeetingSession& session_;
    CameraDevice& device_;
    CameraPoseSource& source_;
    bool demo_;
    bool running_ = false;
    bool failure_reported_ = false;
    double failure_reported_at_ms_ = 0;
    static constexpr double kRetryOffMs = 1000;
    bool held_off_ = false;  // released by the user; the room has not said "off" yet
    bool live_ = false;      // our avatar may move: the room says camera on, not held off
    std::string device_id_;
    double rate_hz_ = 30.0;
    CameraDeviceState last_failure_;  // state Off when there is none
};

}  // namespace posemeet
