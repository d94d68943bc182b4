// The browser's microphone and speaker for the audio engine (client/audio_engine.hpp):
// getUserMedia + a capture AudioWorklet in, a playback AudioWorklet out (JS half:
// library_audio.js). Keeps the speaker's queue at a small target, and when the page
// cannot play audio yet (autoplay rules before a click, or no Web Audio) still runs the
// receive side on the wall clock, so speaking indicators and the test tap keep working.
#pragma once

#include <string>
#include <vector>

#include "client/audio_engine.hpp"
#include "client/platform_services.hpp"

namespace posemeet::web {

enum class MicState : int { Off = 0, Asking = 1, Live = 2, Denied = 3, NoDevice = 4, Error = 5 };
const char* to_string(MicState s);

struct AudioInputDevice {
    std::string id, label;
};

class WebAudioDevice {
public:
    // processing: the browser's echo cancellation, noise suppression and gain control.
    WebAudioDevice(AudioEngine& engine, const Clock& clock, bool processing);

    // Asks for the microphone (the browser prompts once); "" = the default device.
    void start_capture(const std::string& device_id = {});
    void stop_capture();
    // Plays what is due; called from a timer and whenever the speaker asks for more.
    void pump();

    MicState mic_state() const { return mic_state_; }
    const std::string& mic_message() const { return mic_message_; }
    const std::vector<AudioInputDevice>& devices() const { return devices_; }
    const std::string& device_id() const { return device_id_; }
    bool playback_running() const { return playback_running_; }
    int underruns() const;
    double speaker_queue_ms() const { return queue_ms_; }

private:
    static void on_capture(void* self, float* samples, int count, double end_wall_ms);
    static void on_mic_state(void* self, int state, const char* message);
    static void on_devices(void* self, const char* json);
    static void on_playback_tick(void* self);

    AudioEngine& engine_;
    const Clock& clock_;
    MicState mic_state_ = MicState::Off;
    std::string mic_message_;
    std::vector<AudioInputDevice> devices_;
    std::string device_id_;
    bool playback_running_ = false;
    double next_wall_frame_ms_ = -1;  // pacing while nothing plays
    double queue_ms_ = 0;
};

}  // namespace posemeet::web
