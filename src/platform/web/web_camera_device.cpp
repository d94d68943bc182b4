#include "platform/web/web_camera_device.hpp"
#include "platform/web/web_clock.hpp"

#include <emscripten.h>

#include <cmath>
#include <cstdint>

extern "C" {
void pm_camera_start(const char* device_id, double rate_hz);
void pm_camera_stop();
void pm_camera_set_rate(double rate_hz);
void pm_camera_show_self_view(int show);
}

namespace posemeet::web {
namespace {

WebCameraDevice* g_camera = nullptr;

}  // namespace

WebCameraDevice::WebCameraDevice(CameraPoseSource& source) : source_(source) { g_camera = this; }

WebCameraDevice::~WebCameraDevice() {
    if (running_) pm_camera_stop();
    g_camera = nullptr;
}

void WebCameraDevice::start(const std::string& device_id, double rate_hz) {
    running_ = true;
    state_.device = device_id;
    state_.state = CameraState::Starting;
    state_.message = camera_message(CameraState::Starting, {});
    pm_camera_start(device_id.c_str(), rate_hz);
}

void WebCameraDevice::stop() {
    running_ = false;
    pm_camera_stop();
    source_.clear();
    state_.state = CameraState::Off;
    state_.message.clear();
    state_.estimates_per_second = 0;
}

void WebCameraDevice::set_rate(double rate_hz) { pm_camera_set_rate(rate_hz); }

void WebCameraDevice::show_self_view(bool show) { pm_camera_show_self_view(show ? 1 : 0); }

void WebCameraDevice::on_pose(const float* landmarks, double capture_media_ms) {
    if (!running_) return;  // a late estimate from a camera we already stopped
    Pose pose;
    for (int i = 0; i < kLandmarkCount; ++i) {
        const float* l = landmarks + 4 * i;
        pose.landmarks[i] = {l[0], l[1], l[2], l[3]};
    }
    source_.push(pose, media_time_of_wall_ms(capture_media_ms));
}

void WebCameraDevice::on_nobody(double capture_media_ms) {
    if (running_) source_.push_nobody(media_time_of_wall_ms(capture_media_ms));
}

void WebCameraDevice::on_state(const std::string& state, const std::string& detail) {
    const CameraState s = camera_state_from_name(state);
    if (!running_ && s != CameraState::Off) return;
    state_.state = s;
    state_.message = camera_message(s, detail);
}

void WebCameraDevice::on_devices(const std::string& json) {
    const auto list = protocol::Json::parse(json, nullptr, false);
    if (!list.is_array()) return;
    state_.devices.clear();
    for (const auto& d : list) {
        if (!d.is_object()) continue;
        state_.devices.push_back({d.value("id", std::string()), d.value("label", std::string())});
    }
}

void WebCameraDevice::on_stats(double estimates_per_second, double inference_ms, double main_thread_ms) {
    state_.estimates_per_second = estimates_per_second;
    state_.inference_ms = inference_ms;
    state_.main_thread_ms = main_thread_ms;
}

}  // namespace posemeet::web

// Reports from library_camera.js.
extern "C" {
EMSCRIPTEN_KEEPALIVE void pm_camera_on_pose(const float* landmarks, double capture_media_ms) {
    if (posemeet::web::g_camera) posemeet::web::g_camera->on_pose(landmarks, capture_media_ms);
}
EMSCRIPTEN_KEEPALIVE void pm_camera_on_nobody(double capture_media_ms) {
    if (posemeet::web::g_camera) posemeet::web::g_camera->on_nobody(capture_media_ms);
}
EMSCRIPTEN_KEEPALIVE void pm_camera_on_state(const char* state, const char* detail) {
    if (posemeet::web::g_camera) posemeet::web::g_camera->on_state(state, detail);
}
EMSCRIPTEN_KEEPALIVE void pm_camera_on_devices(const char* json) {
    if (posemeet::web::g_camera) posemeet::web::g_camera->on_devices(json);
}
EMSCRIPTEN_KEEPALIVE void pm_camera_on_stats(double estimates_per_second, double inference_ms, double main_thread_ms) {
    if (posemeet::web::g_camera) posemeet::web::g_camera->on_stats(estimates_per_second, inference_ms, main_thread_ms);
}
}
