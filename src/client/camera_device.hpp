// The platform service through which the client reaches a camera and a pose estimator:
// in the browser, web/posemeet-camera.js (getUserMedia + a BlazePose Worker) behind
// platform/web/web_camera_device. The camera picture never reaches the client: only the
// landmarks estimated from it (see CameraPoseSource).
// Platform-free: the camera states are declared once here; the API names are the strings
// the page's camera module reports and state().camera.state shows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/protocol.hpp"

namespace posemeet {

// X(enumerator, API name)
#define POSEMEET_CAMERA_STATES(X)    \
    X(Off, "off")                    \
    X(Starting, "starting")          \
    X(On, "on")                      \
    X(Denied, "denied")              \
    X(NoCamera, "no-camera")         \
    X(Busy, "busy")                  \
    X(ModelFailed, "model-failed")   \
    X(NeedsHttp, "needs-http")       \
    X(Error, "error")

enum class CameraState : int {
#define POSEMEET_CAMERA_STATE_ENUMERATOR(name, api_name) name,
    POSEMEET_CAMERA_STATES(POSEMEET_CAMERA_STATE_ENUMERATOR)
#undef POSEMEET_CAMERA_STATE_ENUMERATOR
};

const char* to_string(CameraState state);
// The state with this API name; Error for an unknown one.
CameraState camera_state_from_name(std::string_view api_name);
// True for the states in which the camera could not be used (the meeting goes on without it).
bool camera_failed(CameraState state);
// What to tell the user, in words. `detail` is what the platform reported (the browser's
// error text), shown where it helps.
std::string camera_message(CameraState state, std::string_view detail);

struct CameraInputDevice {
    std::string id, label;
};

struct CameraDeviceState {
    CameraState state = CameraState::Off;
    std::string message;  // camera_message()
    std::string device;   // the chosen camera's id, "" = the default
    std::vector<CameraInputDevice> devices;
    double estimates_per_second = 0;  // landmark estimates arriving from the estimator
    double inference_ms = 0;          // estimator time per frame (off the main thread)
    double main_thread_ms = 0;        // main-thread time per frame (grab and hand over)
};

// state().camera of the page API.
protocol::Json to_json(const CameraDeviceState& state);

class CameraDevice {
public:
    virtual ~CameraDevice() = default;
    // Opens the camera (`device_id` "" = the default) and estimates at most `rate_hz`
    // poses per second; estimates reach the CameraPoseSource the platform was given.
    virtual void start(const std::string& device_id, double rate_hz) = 0;
    // Releases the camera at once (the browser's camera indicator goes off).
    virtual void stop() = 0;
    virtual void set_rate(double rate_hz) = 0;
    virtual CameraDeviceState state() const = 0;
};

}  // namespace posemeet
