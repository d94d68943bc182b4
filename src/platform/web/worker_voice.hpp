// The served page's voice runs in a worker (src/app/voice_worker, web/posemeet-voice-worker.js)
// so that a busy main thread cannot stall it: the AudioWorklets exchange samples with that
// worker directly, and it sends and receives audio itself (peer links' voice channels, the
// server socket it holds: worker_signaling_socket.hpp). This is the main thread's side of
// it, as the app's VoiceControl: it tells the worker the room and any audio packet that
// still reaches the session, counts what the worker sent, and answers the UI and the page
// API from the worker's latest report
// (levels and speakers 50 times a second, the full state 10 times). It also keeps, for the
// pose playout, a copy of which sender time of each remote is heard when.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client/audio_device.hpp"
#include "client/meeting_session.hpp"
#include "client/voice_control.hpp"
#include "client/voice_pipeline.hpp"
#include "core/audio/heard_timeline.hpp"

namespace posemeet::web {

class WorkerVoice final : public VoiceControl {
public:
    // `worker_url`: web/posemeet-voice-worker.js as the page reaches it.
    WorkerVoice(MeetingSession& session, const AudioEngineConfig& config, const std::string& worker_url);
    ~WorkerVoice() override;
    WorkerVoice(const WorkerVoice&) = delete;
    WorkerVoice& operator=(const WorkerVoice&) = delete;

    // The microphone device (web::WebAudioDevice): its capture goes to the worker in JS;
    // here only its stops, and its speaker is left to the worker.
    void attach_device(AudioDevice& device);
    // Call often (every frame and timer tick): sends the room when it changed.
    void tick();

    void set_volume(const std::string& user_id, float gain) override;
    float volume(const std::string& user_id) const override;
    float input_level_dbfs() const override { return input_level_dbfs_; }
    bool speaking(const std::string& user_id) const override;
    std::string active_speaker() const override { return active_speaker_; }
    protocol::Json state_json() const override;
    void start_tap(std::vector<float> frequencies, std::size_t max_frames = 3000) override;
    protocol::Json take_tap() override;

    // "libopus 1.x" once the worker has reported; "" before.
    const std::string& codec_version() const { return codec_version_; }
    // Why the voice worker could not start or stopped (the browser's words); "" while fine.
    const std::string& failure() const { return failure_; }

private:
    static void on_report(void* self, const char* json);
    // The worker sent one of our audio packets to the room, `bytes` in all on the wire.
    static void on_sent(void* self, double bytes);
    static void replace_or_append_tap_frame(protocol::Json& frames, const protocol::Json& frame);
    void apply_report(const protocol::Json& report);

    MeetingSession& session_;
    VoiceRoom room_sent_;
    bool room_ever_sent_ = false;
    std::map<std::string, float> volumes_;
    float input_level_dbfs_ = -100.0f;
    bool self_speaking_ = false;
    std::map<std::string, bool> speaking_;
    std::string active_speaker_;
    protocol::Json state_ = protocol::Json::object();
    std::string codec_version_;
    std::string failure_;
    std::map<std::string, audio::HeardTimeline> heard_;
    std::size_t tap_max_frames_ = 0;
    protocol::Json tap_ = protocol::Json::object();  // frames reported since the last take
};

}  // namespace posemeet::web
