// The browser's camera behind the client's CameraDevice interface: library_camera.js starts
// web/posemeet-camera.js (getUserMedia + a BlazePose Worker); its reports come back through
// the pm_camera_on_* exports and land here. Only landmarks cross into C++.
#pragma once

#include <string>

#include "client/camera_device.hpp"
#include "client/camera_pose_source.hpp"

namespace posemeet::web {

class WebCameraDevice final : public CameraDevice {
public:
    // Estimates go to `source`. One device per page (the exports find it through a global).
    explicit WebCameraDevice(CameraPoseSource& source);
    ~WebCameraDevice() override;

    void start(const std::string& device_id, double rate_hz) override;
    void stop() override;
    void set_rate(double rate_hz) override;
    CameraDeviceState state() const override { return state_; }
    void show_self_view(bool show);

    // From the exports.
    void on_pose(const float* landmarks, double capture_media_ms);
    void on_nobody(double capture_media_ms);
    void on_state(const std::string& state, const std::string& detail);
    void on_devices(const std::string& json);
    void on_stats(double estimates_per_second, double inference_ms, double main_thread_ms);

private:
    CameraPoseSource& source_;
    CameraDeviceState state_;
    bool running_ = false;
};

}  // namespace posemeet::web
