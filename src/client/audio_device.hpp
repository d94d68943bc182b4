// The platform service through which the client reaches a microphone and a speaker: the
// browser's (platform/web/web_audio_device) or WAV files (platform/native/file_audio_device).
// Platform-free: the microphone states are declared once here and mirrored in library_audio.js.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/protocol.hpp"

namespace posemeet {

// X(enumerator, value, API name). The values cross into JavaScript: library_audio.js holds
// the same names and numbers in its MicState table (tests/unit/web_glue_tables_test.cpp
// checks that they match); the API names are state().audio.mic_state.
#define POSEMEET_MIC_STATES(X) \
    X(Off, 0, "off")           \
    X(Asking, 1, "asking")     \
    X(Live, 2, "live")         \
    X(Denied, 3, "denied")     \
    X(NoDevice, 4, "no_device") \
    X(Error, 5, "error")

enum class MicState : int {
#define POSEMEET_MIC_STATE_ENUMERATOR(name, value, api_name) name = value,
    POSEMEET_MIC_STATES(POSEMEET_MIC_STATE_ENUMERATOR)
#undef POSEMEET_MIC_STATE_ENUMERATOR
};

struct MicStateName {
    MicState state;
    const char* enumerator;  // as spelled in C++ and in the JS table
    const char* api_name;    // as the page API and the UI see it
};

inline constexpr MicStateName kMicStateNames[] = {
#define POSEMEET_MIC_STATE_NAME(name, value, api_name) {MicState::name, #name, api_name},
    POSEMEET_MIC_STATES(POSEMEET_MIC_STATE_NAME)
#undef POSEMEET_MIC_STATE_NAME
};

const char* to_string(MicState state);

// What to tell the user about the microphone, in words. `previous` tells a microphone that
// went away (NoDevice after Live) from one that was never found. `detail` is what the
// platform reported: the device's label when Live, the browser's error text for Error
// (empty when the page cannot reach a microphone API at all).
std::string mic_message(MicState state, MicState previous, std::string_view detail);

struct AudioInputDevice {
    std::string id, label;
};

struct AudioDeviceState {
    MicState mic = MicState::Off;
    std::string mic_message;  // for the user (mic_message()); the device's label when live
    std::string input_device;  // the chosen microphone's id, "" = the default
    std::vector<AudioInputDevice> input_devices;
    bool playback_running = false;  // false: nothing reaches a speaker (yet)
    double speaker_queue_ms = 0;
    double output_latency_ms = 0;  // the device's own buffering after our queue
    int underruns = 0;
    // Times the audio output fell behind real time (its thread late beyond the device's
    // buffering: a gap at the speaker that no queue of ours sees), and the time lost. Known
    // where the voice runs in the AudioWorklet (the served page); 0 elsewhere.
    int clock_slips = 0;
    double clock_slip_ms = 0;
};

// The mic_state, mic_message, input_device(s), playback_running, speaker_queue_ms,
// output_latency_ms and underruns fields of the page API's state().audio.
protocol::Json to_json(const AudioDeviceState& state);

class AudioDevice {
public:
    // What the device drives (the client's AudioEngine, see AudioEngine::attach_device).
    // Called on the client's thread, from start_capture(), stop_capture() or pump(), or
    // from the platform's own audio callbacks on that thread.
    struct Handlers {
        // 48 kHz mono samples, any chunk size; `end_media_ms` is the media-clock time of
        // the last one.
        std::function<void(const float* samples, std::size_t count, std::uint32_t end_media_ms)> on_capture;
        // Capture stopped or could not start: partial frames and the input level are stale.
        std::function<void()> on_capture_stopped;
        // The next 20 ms for the speaker; `playout_delay_ms` is how long until its first
        // sample is heard. The frame stays valid until the next call.
        std::function<const audio::AudioFrame&(double playout_delay_ms)> next_playback_frame;
    };
    virtual ~AudioDevice() = default;  // stops capture; no handler runs afterwards

    virtual void set_handlers(Handlers handlers) = 0;
    // Opens the microphone (a browser asks the user once); "" = the default device. Again
    // while open: switches to that device, or retries after a refusal.
    virtual void start_capture(const std::string& device_id) = 0;
    virtual void stop_capture() = 0;  // releases the microphone; the speaker keeps playing
    // Moves what is due by now (capture in, speaker frames out); call often (every few ms).
    virtual void pump() = 0;
    virtual AudioDeviceState state() const = 0;
};

}  // namespace posemeet
