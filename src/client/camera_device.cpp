// See camera_device.hpp. The camera's user-facing words live here, not in the page's
// camera module, so the UI, the page API and the tests see the same text.
#include "client/camera_device.hpp"

namespace posemeet {
namespace {

struct CameraStateName {
    CameraState state;
    const char* api_name;
};
constexpr CameraStateName kCameraStateNames[] = {
#define POSEMEET_CAMERA_STATE_NAME(name, api_name) {CameraState::name, api_name},
    POSEMEET_CAMERA_STATES(POSEMEET_CAMERA_STATE_NAME)
#undef POSEMEET_CAMERA_STATE_NAME
};

}  // namespace

const char* to_string(CameraState state) {
    for (const CameraStateName& n : kCameraStateNames)
        if (n.state == state) return n.api_name;
    return "?";
}

CameraState camera_state_from_name(std::string_view api_name) {
    for (const CameraStateName& n : kCameraStateNames)
        if (api_name == n.api_name) return n.state;
    return CameraState::Error;
}

bool camera_failed(CameraState state) {
    switch (state) {
        case CameraState::Off:
        case CameraState::Starting:
        case CameraState::On: return false;
        default: return true;
    }
}

std::string camera_message(CameraState state, std::string_view detail) {
    switch (state) {
        case CameraState::Off: return {};
        case CameraState::Starting: return "Starting the camera\u2026";
        case CameraState::On: return "Your video stays on this device: only body points are sent";
        case CameraState::Denied:
            return "Camera access is blocked: allow it in the browser\u2019s site settings to move your avatar";
        case CameraState::NoCamera: return "No camera found: your avatar stays still";
        case CameraState::Busy: return "The camera is in use by another application: close it and try again";
        case CameraState::ModelFailed:
            return detail.empty() ? std::string("The body-tracking model could not be loaded")
                                  : "The body-tracking model could not be loaded: " + std::string(detail);
        case CameraState::NeedsHttp:
            return "Camera avatars need the page served over http(s), not opened from a file";
        case CameraState::Error:
            return detail.empty() ? std::string("Could not start the camera")
                                  : "Could not start the camera: " + std::string(detail);
    }
    return {};
}

protocol::Json to_json(const CameraDeviceState& state) {
    auto devices = protocol::Json::array();
    for (const CameraInputDevice& d : state.devices) devices.push_back({{"id", d.id}, {"label", d.label}});
    return protocol::Json{{"state", to_string(state.state)},
                          {"message", state.message},
                          {"device", state.device},
                          {"devices", std::move(devices)},
                          {"estimates_per_second", state.estimates_per_second},
                          {"inference_ms", state.inference_ms},
                          {"main_thread_ms", state.main_thread_ms}};
}

}  // namespace posemeet
