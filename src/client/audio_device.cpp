// See audio_device.hpp. The microphone's user-facing words live here, not in the platform
// glue, so the browser and native devices (and the e2e tests) see the same text.
#include "client/audio_device.hpp"

namespace posemeet {

const char* to_string(MicState state) {
    for (const MicStateName& n : kMicStateNames)
        if (n.state == state) return n.api_name;
    return "?";
}

std::string mic_message(MicState state, MicState previous, std::string_view detail) {
    switch (state) {
        case MicState::Off:
        case MicState::Asking: return {};
        case MicState::Live: return std::string(detail);
        case MicState::Denied: return "Microphone access is blocked: allow it in the browser\u2019s site settings to speak";
        case MicState::NoDevice:
            return previous == MicState::Live ? "The microphone was disconnected"
                                              : "No microphone found: you can listen and chat";
        case MicState::Error:
            if (detail.empty()) return "This browser cannot use a microphone here (a secure https:// page is needed)";
            return "Could not start the microphone: " + std::string(detail);
    }
    return {};
}

protocol::Json to_json(const AudioDeviceState& state) {
    auto devices = protocol::Json::array();
    for (const AudioInputDevice& d : state.input_devices) devices.push_back({{"id", d.id}, {"label", d.label}});
    return protocol::Json{{"mic_state", to_string(state.mic)},
                          {"mic_message", state.mic_message},
                          {"input_device", state.input_device},
                          {"input_devices", std::move(devices)},
                          {"playback_running", state.playback_running},
                          {"speaker_queue_ms", state.speaker_queue_ms},
                          {"output_latency_ms", state.output_latency_ms},
                          {"underruns", state.underruns},
                          {"clock_slips", state.clock_slips},
                          {"clock_slip_ms", state.clock_slip_ms}};
}

}  // namespace posemeet
