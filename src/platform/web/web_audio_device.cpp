// See web_audio_device.hpp. JS calls back through static trampolines with this object as
// user data; strings and samples it hands over are JS's and only valid during the call.
#include "platform/web/web_audio_device.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/audio/audio_format.hpp"
#include "platform/web/web_clock.hpp"

extern "C" {
void pm_audio_init(void* ud, void (*on_capture)(void*, float*, int, double),
                   void (*on_mic_state)(void*, int, const char*), void (*on_devices)(void*, const char*),
                   void (*on_playback_tick)(void*), int processing);
void pm_audio_release();
void pm_audio_start_capture(const char* device_id);
void pm_audio_stop_tracks();
double pm_audio_queued_ms();
double pm_audio_output_latency_ms();
void pm_audio_play(const float* samples, int count);
int pm_audio_underruns();
int pm_audio_clock_slips();
double pm_audio_clock_slip_ms();
double pm_voice_queued_ms();
}

namespace posemeet::web {

namespace au = posemeet::audio;

namespace {
// Audio queued for the speaker. Enough to ride out a slow animation frame on a
// software-rendered page (the main thread feeds the queue), small enough to keep
// mouth-to-ear latency low.
constexpr double kSpeakerQueueMs = 60;
constexpr int kMaxFramesPerPump = 10;
}  // namespace

WebAudioDevice::WebAudioDevice(const Clock& clock, bool processing) : clock_(clock) {
    pm_audio_init(this, &WebAudioDevice::on_capture, &WebAudioDevice::on_mic_state, &WebAudioDevice::on_devices,
                  &WebAudioDevice::on_playback_tick, processing ? 1 : 0);
}

WebAudioDevice::~WebAudioDevice() { pm_audio_release(); }

void WebAudioDevice::start_capture(const std::string& device_id) {
    device_id_ = device_id;
    pm_audio_start_capture(device_id.c_str());
}

void WebAudioDevice::stop_capture() {
    pm_audio_stop_tracks();
    if (handlers_.on_capture_stopped) handlers_.on_capture_stopped();
    mic_state_ = MicState::Off;
    mic_message_.clear();
}

AudioDeviceState WebAudioDevice::state() const {
    AudioDeviceState s;
    s.mic = mic_state_;
    s.mic_message = mic_message_;
    s.input_device = device_id_;
    s.input_devices = devices_;
    s.playback_running = playback_running_;
    s.speaker_queue_ms = queue_ms_;
    s.output_latency_ms = pm_audio_output_latency_ms();
    s.underruns = pm_audio_underruns();
    s.clock_slips = pm_audio_clock_slips();
    s.clock_slip_ms = pm_audio_clock_slip_ms();
    return s;
}

void WebAudioDevice::pump() {
    if (!handlers_.next_playback_frame) {
        // The voice worker feeds the speaker (platform/web/worker_voice.hpp): only report it.
        const double queued = pm_voice_queued_ms();  // -1 while nothing plays
        playback_running_ = queued >= 0;
        queue_ms_ = std::max(0.0, queued);
        return;
    }
    double queued = pm_audio_queued_ms();
    playback_running_ = queued >= 0;
    const double now = clock_.now_ms();
    if (!playback_running_) {
        // Nothing plays (yet): keep the receive side moving at real-time pace.
        if (next_wall_frame_ms_ < 0 || now - next_wall_frame_ms_ > kMaxFramesPerPump * au::kFrameMs)
            next_wall_frame_ms_ = now;
        while (next_wall_frame_ms_ <= now) {
            handlers_.next_playback_frame(0);
            next_wall_frame_ms_ += au::kFrameMs;
        }
        return;
    }
    next_wall_frame_ms_ = -1;
    const double device_ms = pm_audio_output_latency_ms();
    for (int i = 0; i < kMaxFramesPerPump && queued < kSpeakerQueueMs; ++i) {
        const au::AudioFrame& frame = handlers_.next_playback_frame(queued + device_ms);
        pm_audio_play(frame.data(), static_cast<int>(frame.size()));
        queued += au::kFrameMs;
    }
    queue_ms_ = queued;
}

void WebAudioDevice::on_capture(void* self, float* samples, int count, double end_wall_ms) {
    auto* d = static_cast<WebAudioDevice*>(self);
    const std::uint32_t end_media = media_time_of_wall_ms(end_wall_ms);
    if (d->handlers_.on_capture) d->handlers_.on_capture(samples, static_cast<std::size_t>(count), end_media);
}

void WebAudioDevice::on_mic_state(void* self, int state, const char* detail) {
    auto* d = static_cast<WebAudioDevice*>(self);
    const MicState previous = d->mic_state_;
    d->mic_state_ = static_cast<MicState>(state);
    d->mic_message_ = mic_message(d->mic_state_, previous, detail ? detail : "");
    if (d->mic_state_ != MicState::Live && d->handlers_.on_capture_stopped) d->handlers_.on_capture_stopped();
}

void WebAudioDevice::on_devices(void* self, const char* json) {
    auto* d = static_cast<WebAudioDevice*>(self);
    auto list = nlohmann::json::parse(json ? json : "", nullptr, false);
    if (!list.is_array()) return;
    d->devices_.clear();
    for (const auto& item : list) {
        if (!item.is_object()) continue;
        std::string label = item.value("label", std::string());
        // Browsers hide labels until the page may use a microphone.
        if (label.empty()) label = "Microphone " + std::to_string(d->devices_.size() + 1);
        d->devices_.push_back({item.value("id", std::string()), std::move(label)});
    }
}

void WebAudioDevice::on_playback_tick(void* self) { static_cast<WebAudioDevice*>(self)->pump(); }

}  // namespace posemeet::web
