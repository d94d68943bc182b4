// The browser's microphone and speaker as the client's AudioDevice (client/audio_device.hpp):
// getUserMedia + a capture AudioWorklet in, a playback AudioWorklet out (JS half:
// library_audio.js). Keeps the speaker's queue at a small target, and when the page
// cannot play audio yet (autoplay rules before a click, or no Web Audio) still runs the
// receive side on the wall clock, so speaking indicators and the test tap keep working.
#pragma once

#include <string>
#include <vector>

#include "client/audio_device.hpp"
#include "client/platform_services.hpp"

namespace posemeet::web {

// One per page: the JS side keeps a single AudioContext and calls back into this object.
class WebAudioDevice final : public AudioDevice {
public:
    // processing: the browser's echo cancellation, noise suppression and gain control.
    WebAudioDevice(const Clock& clock, bool processing);
    ~WebAudioDevice() override;  // releases the microphone; later JS callbacks are dropped
    WebAudioDevice(const WebAudioDevice&) = delete;
    WebAudioDevice& operator=(const WebAudioDevice&) = delete;

    void set_handlers(Handlers handlers) override { handlers_ = std::move(handlers); }
    // Asks for the microphone (the browser prompts once); "" = the default device.
    void start_capture(const std::string& device_id) override;
    void stop_capture() override;
    // Plays what is due; called from a timer and whenever the speaker asks for more. With
    // no next_playback_frame handler (the voice worker plays), it only follows the speaker.
    void pump() override;
    AudioDeviceState state() const override;

private:
    static void on_capture(void* self, float* samples, int count, double end_wall_ms);
    static void on_mic_state(void* self, int state, const char* detail);
    static void on_devices(void* self, const char* json);
    static void on_playback_tick(void* self);

    Handlers handlers_;
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
