// Audio "devices" of the native client: a WAV file as the microphone (looped) and a WAV
// file as the speaker, both at the real-time pace of the client's clock. This is how the
// bot speaks in tests and load runs with real audio, and records what it hears. It is the
// native AudioDevice (client/audio_device.hpp): no AudioEngine in sight, only its handlers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/audio_device.hpp"
#include "client/platform_services.hpp"

namespace posemeet {

// Reads a WAV file (PCM 16 or float 32, any rate and channel count) as 48 kHz mono.
// Returns false with `error` set (file missing, not a WAV, ...).
bool read_wav_file_48k_mono(const std::string& path, std::vector<float>& samples, std::string& error);
// Writes 48 kHz mono samples as a PCM 16-bit WAV file.
bool write_wav_file_48k_mono(const std::string& path, const std::vector<float>& samples, std::string& error);

class FileAudioDevice final : public AudioDevice {
public:
    // `input` may be empty (no microphone); `record` keeps what the speaker played.
    FileAudioDevice(const Clock& clock, std::vector<float> input, bool record);

    void set_handlers(Handlers handlers) override { handlers_ = std::move(handlers); }
    // There is one microphone, the file: `device_id` is ignored. Live at once when there
    // is a file, NoDevice when there is none.
    void start_capture(const std::string& device_id) override;
    void stop_capture() override;
    // Delivers the microphone frames and plays the speaker frames that are due by now;
    // call often (every few ms). After a stall it skips ahead instead of bursting. The
    // speaker plays whether or not the microphone is open.
    void pump() override;
    AudioDeviceState state() const override;

    const std::vector<float>& recording() const { return recording_; }
    std::uint64_t frames_played() const { return frames_played_; }

private:
    Handlers handlers_;
    const Clock& clock_;
    std::vector<float> input_;
    std::size_t input_pos_ = 0;
    MicState mic_state_ = MicState::Off;
    bool record_;
    std::vector<float> recording_;
    double next_frame_ms_ = -1;
    std::uint64_t frames_played_ = 0;
};

}  // namespace posemeet
