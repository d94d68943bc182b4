// See audio_engine.hpp.
#include "client/audio_engine.hpp"

namespace posemeet {

using protocol::Json;
namespace au = posemeet::audio;

VoiceRoom voice_room_of(const MeetingSession& session) {
    VoiceRoom room;
    if (session.self()) {
        room.self_id = session.self()->user_id;
        room.self_media_id = session.self()->media_id;
    }
    room.mic_open = session.mic_open();
    for (const auto& [user_id, media] : session.remotes()) {
        const UserRecord* user = session.find_user(user_id);
        room.remotes[user_id] = user && user->mic == 1;
        room.user_by_media_id[media.media_id] = user_id;
    }
    return room;
}

Json with_session_audio_counters(Json pipeline_state, const MeetingSession& session) {
    pipeline_state["sending"] = session.mic_open();
    pipeline_state["packets_sent"] = session.audio_packets_sent();
    pipeline_state["bytes_sent"] = session.audio_bytes_sent();
    pipeline_state["dropped_muted"] = session.audio_dropped_muted();
    return pipeline_state;
}

AudioEngine::AudioEngine(MeetingSession& session, AudioEngineConfig config)
    : session_(session),
      pipeline_(std::move(config), [&session](const std::vector<std::uint8_t>& payload, std::uint32_t ts) {
          return session.send_audio(payload, ts);
      }) {
    std::weak_ptr<bool> alive = alive_;
    session_.set_audio_listener([this, alive](const std::string& user_id, const MediaHeader& h,
                                              const std::uint8_t* payload, std::size_t size) {
        if (alive.expired()) return;
        sync_room();  // a packet may come from a member this engine has not met yet
        pipeline_.on_packet(user_id, h, payload, size, session_.clock().now_ms(), session_.clock().media_time_ms());
    });
    session_.set_heard_audio([this, alive](const std::string& user_id, double local_ms) {
        return alive.expired() ? std::nullopt : heard(user_id, local_ms);
    });
}

AudioEngine::~AudioEngine() {
    session_.set_audio_listener({});
    session_.set_heard_audio({});
}

void AudioEngine::attach_device(AudioDevice& device) {
    std::weak_ptr<bool> alive = alive_;
    AudioDevice::Handlers h;
    h.on_capture = [this, alive](const float* samples, std::size_t count, std::uint32_t end_media_ms) {
        if (!alive.expired()) on_capture(samples, count, end_media_ms);
    };
    h.on_capture_stopped = [this, alive] {
        if (!alive.expired()) capture_stopped();
    };
    h.next_playback_frame = [this, alive](double playout_delay_ms) -> const au::AudioFrame& {
        static const au::AudioFrame kSilence{};  // not the pipeline's: that one went with the engine
        return alive.expired() ? kSilence : next_playback_frame(playout_delay_ms);
    };
    device.set_handlers(std::move(h));
}

void AudioEngine::sync_room() {
    VoiceRoom room = voice_room_of(session_);
    if (!(room == pipeline_.room())) pipeline_.set_room(std::move(room));
}

void AudioEngine::on_capture(const float* samples, std::size_t count, std::uint32_t end_media_ms) {
    sync_room();
    pipeline_.on_capture(samples, count, end_media_ms);
}

const au::AudioFrame& AudioEngine::next_playback_frame(double playout_delay_ms) {
    sync_room();
    return pipeline_.next_playback_frame(session_.clock().now_ms(), session_.clock().media_time_ms(),
                                         playout_delay_ms);
}

Json AudioEngine::state_json() const {
    return with_session_audio_counters(pipeline_.state_json(), session_);
}

}  // namespace posemeet
