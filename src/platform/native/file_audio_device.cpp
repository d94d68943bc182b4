// See file_audio_device.hpp.
#include "platform/native/file_audio_device.hpp"

#include <fstream>
#include <iterator>

#include "core/audio/wav.hpp"

namespace posemeet {

namespace au = posemeet::audio;

namespace {
constexpr int kMaxCatchUpFrames = 10;  // 200 ms; beyond that, a stall is skipped
constexpr std::size_t kMaxWavFileBytes = std::size_t{512} << 20;
}  // namespace

bool read_wav_file_48k_mono(const std::string& path, std::vector<float>& samples, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot open " + path;
        return false;
    }
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() > kMaxWavFileBytes) {
        error = path + ": larger than 512 MB";
        return false;
    }
    au::WavParse parsed = au::parse_wav(bytes.data(), bytes.size());
    if (!parsed.audio) {
        error = path + ": " + parsed.error;
        return false;
    }
    samples = au::to_mono_48k(*parsed.audio);
    if (samples.empty()) {
        error = path + ": no audio";
        return false;
    }
    return true;
}

bool write_wav_file_48k_mono(const std::string& path, const std::vector<float>& samples, std::string& error) {
    au::WavAudio audio;
    audio.sample_rate = au::kSampleRate;
    audio.channels = 1;
    audio.samples = samples;
    const auto bytes = au::encode_wav_pcm16(audio);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out || !out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()))) {
        error = "cannot write " + path;
        return false;
    }
    return true;
}

FileAudioDevice::FileAudioDevice(const Clock& clock, std::vector<float> input, bool record)
    : clock_(clock), input_(std::move(input)), record_(record) {}

void FileAudioDevice::start_capture(const std::string& /*device_id*/) {
    mic_state_ = input_.empty() ? MicState::NoDevice : MicState::Live;
    if (mic_state_ != MicState::Live && handlers_.on_capture_stopped) handlers_.on_capture_stopped();
}

void FileAudioDevice::stop_capture() {
    mic_state_ = MicState::Off;
    if (handlers_.on_capture_stopped) handlers_.on_capture_stopped();
}

AudioDeviceState FileAudioDevice::state() const {
    AudioDeviceState s;
    s.mic = mic_state_;
    s.mic_message = mic_message(mic_state_, MicState::Off, "");
    s.playback_running = true;
    return s;
}

void FileAudioDevice::pump() {
    const double now = clock_.now_ms();
    if (next_frame_ms_ < 0) next_frame_ms_ = now;
    if (now - next_frame_ms_ > kMaxCatchUpFrames * au::kFrameMs) next_frame_ms_ = now - au::kFrameMs;
    while (next_frame_ms_ <= now) {
        next_frame_ms_ += au::kFrameMs;
        if (mic_state_ == MicState::Live && handlers_.on_capture) {
            au::AudioFrame frame;
            for (float& s : frame) {
                s = input_[input_pos_];
                input_pos_ = (input_pos_ + 1) % input_.size();
            }
            // The frame's last sample is "captured" at its scheduled end time.
            const auto late = static_cast<std::uint32_t>(now - next_frame_ms_ + au::kFrameMs);
            handlers_.on_capture(frame.data(), frame.size(), clock_.media_time_ms() - late);
        }
        if (!handlers_.next_playback_frame) continue;
        const au::AudioFrame& out = handlers_.next_playback_frame(0);
        ++frames_played_;
        if (record_) recording_.insert(recording_.end(), out.begin(), out.end());
    }
}

}  // namespace posemeet
