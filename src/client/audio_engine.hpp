// The client's voice in the session's own thread: a VoicePipeline (client/voice_pipeline.hpp)
// wired to a MeetingSession, which routes the packets and applies the room's mic rule, and
// to an AudioDevice (client/audio_device.hpp: WAV files for bots, the browser's microphone
// and speaker for the file:// page) that calls on_capture() with 48 kHz mono samples and
// next_playback_frame() once per 20 ms of audio to play. It also tells the session which of
// each remote's media time is being heard (heard()), so their pose plays with their voice.
// The served page runs the same pipeline in a worker instead (platform/web/worker_voice.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/audio_device.hpp"
#include "client/meeting_session.hpp"
#include "client/voice_control.hpp"
#include "client/voice_pipeline.hpp"

namespace posemeet {

// The room as the voice sees it, from the session's mirror.
VoiceRoom voice_room_of(const MeetingSession& session);

// Adds the session's audio counters (packets and bytes sent, muted packets dropped, whether
// we are sending) to the pipeline's part of state().audio.
protocol::Json with_session_audio_counters(protocol::Json pipeline_state, const MeetingSession& session);

class AudioEngine final : public VoiceControl {
public:
    AudioEngine(MeetingSession& session, AudioEngineConfig config = {});
    ~AudioEngine() override;
    AudioEngine(const AudioEngine&) = delete;
    AudioEngine& operator=(const AudioEngine&) = delete;

    // From now on `device` drives this engine: its capture comes in, its speaker asks for
    // frames. The device may outlive the engine (its handlers then do nothing).
    void attach_device(AudioDevice& device);

    // Microphone samples (48 kHz mono, any chunk size). `end_media_ms` is the media-clock
    // time of the last sample; packets are stamped with their first sample's time, the
    // clock pose packets use too, so a receiver can line a pose up with its audio.
    void on_capture(const float* samples, std::size_t count, std::uint32_t end_media_ms);
    void capture_stopped() { pipeline_.capture_stopped(); }

    // The next 20 ms for the speaker. `playout_delay_ms` is how long until its first
    // sample is heard (audio queued in the device plus the output latency the platform
    // reports), for the latency estimate and for heard().
    const audio::AudioFrame& next_playback_frame(double playout_delay_ms);

    // The sender media time of `user_id`'s voice reaching the ear at local time `local_ms`
    // (Clock::now_ms), while their audio plays; empty while it does not.
    std::optional<MediaTimeAnchor> heard(const std::string& user_id, double local_ms) const {
        return pipeline_.heard(user_id, local_ms);
    }

    void set_volume(const std::string& user_id, float gain) override { pipeline_.set_volume(user_id, gain); }
    float volume(const std::string& user_id) const override { return pipeline_.volume(user_id); }
    float input_level_dbfs() const override { return pipeline_.input_level_dbfs(); }
    bool input_speaking() const { return pipeline_.input_speaking(); }
    bool speaking(const std::string& user_id) const override { return pipeline_.speaking(user_id); }
    std::string active_speaker() const override { return pipeline_.active_speaker(); }
    protocol::Json state_json() const override;
    void start_tap(std::vector<float> frequencies, std::size_t max_frames = 3000) override {
        pipeline_.start_tap(std::move(frequencies), max_frames);
    }
    protocol::Json take_tap() override { return pipeline_.take_tap(); }

private:
    void sync_room();

    MeetingSession& session_;
    VoicePipeline pipeline_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace posemeet
