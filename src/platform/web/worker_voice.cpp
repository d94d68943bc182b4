// See worker_voice.hpp. The JS half is in library_audio.js (pm_voice_*).
#include "platform/web/worker_voice.hpp"

#include <algorithm>
#include <cmath>

#include "client/audio_engine.hpp"

extern "C" {
void pm_voice_start(void* ud, const char* url, double test_loss, int test_jitter_ms,
                    void (*on_report)(void*, const char*), void (*on_sent)(void*, double));
void pm_voice_post_json(const char* type, const char* json);
void pm_voice_packet(const char* user_id, int sequence, double timestamp_ms, const std::uint8_t* payload, int size);
void pm_voice_set_volume(const char* user_id, double gain);
void pm_voice_capture_stopped();
}

namespace posemeet::web {

using protocol::Json;

WorkerVoice::WorkerVoice(MeetingSession& session, const AudioEngineConfig& config, const std::string& worker_url)
    : session_(session) {
    pm_voice_start(this, worker_url.c_str(), config.test_loss, config.test_jitter_ms, &WorkerVoice::on_report,
                   &WorkerVoice::on_sent);
    session_.set_audio_listener([this](const std::string& user_id, const MediaHeader& h, const std::uint8_t* payload,
                                       std::size_t size) {
        tick();  // the worker must know the sender before their first packet
        pm_voice_packet(user_id.c_str(), h.sequence, h.timestamp_ms, payload, static_cast<int>(size));
    });
    session_.set_heard_audio([this](const std::string& user_id, double local_ms) -> std::optional<MediaTimeAnchor> {
        auto member = room_sent_.remotes.find(user_id);
        auto timeline = heard_.find(user_id);
        if (member == room_sent_.remotes.end() || !member->second || timeline == heard_.end()) return std::nullopt;
        return timeline->second.at(local_ms);
    });
}

WorkerVoice::~WorkerVoice() {
    session_.set_audio_listener({});
    session_.set_heard_audio({});
}

void WorkerVoice::attach_device(AudioDevice& device) {
    AudioDevice::Handlers h;
    h.on_capture_stopped = [] { pm_voice_capture_stopped(); };
    device.set_handlers(std::move(h));
}

void WorkerVoice::tick() {
    VoiceRoom room = voice_room_of(session_);
    if (room_ever_sent_ && room == room_sent_) return;
    pm_voice_post_json("room", room.to_json().dump().c_str());
    room_sent_ = std::move(room);
    room_ever_sent_ = true;
    for (auto it = heard_.begin(); it != heard_.end();) {
        if (room_sent_.remotes.count(it->first)) ++it;
        else it = heard_.erase(it);
    }
}

void WorkerVoice::set_volume(const std::string& user_id, float gain) {
    if (!std::isfinite(gain)) return;
    volumes_[user_id] = std::clamp(gain, 0.0f, 2.0f);  // as VoicePipeline::set_volume
    pm_voice_set_volume(user_id.c_str(), gain);
}

float WorkerVoice::volume(const std::string& user_id) const {
    auto it = volumes_.find(user_id);
    return it == volumes_.end() ? 1.0f : it->second;
}

bool WorkerVoice::speaking(const std::string& user_id) const {
    if (!room_sent_.self_id.empty() && user_id == room_sent_.self_id) return session_.mic_open() && self_speaking_;
    auto it = speaking_.find(user_id);
    return it != speaking_.end() && it->second;
}

Json WorkerVoice::state_json() const {
    Json j = with_session_audio_counters(state_, session_);
    // Audio over the peer links' voice channels is the worker's: its muted drops count too.
    j["dropped_muted"] = session_.audio_dropped_muted() + state_.value("p2p_dropped_muted", std::uint64_t{0});
    if (!failure_.empty()) j["voice_error"] = failure_;
    return j;
}

void WorkerVoice::start_tap(std::vector<float> frequencies, std::size_t max_frames) {
    tap_max_frames_ = std::max<std::size_t>(1, max_frames);
    tap_ = Json::object();
    pm_voice_post_json("tap", Json(frequencies).dump().c_str());
}

Json WorkerVoice::take_tap() {
    Json out = Json::object();
    out.swap(tap_);
    if (!out.contains("_mix")) out["_mix"] = Json::array();
    return out;
}

// A frame the worker revised (a mute heard at once: VoicePipeline::revise_from) comes again
// with the time of the one it replaces; revisions are of the last half second only.
void WorkerVoice::replace_or_append_tap_frame(Json& frames, const Json& frame) {
    constexpr std::size_t kLookBack = 64;
    const auto t = frame.is_object() ? frame.find("t") : frame.end();
    for (std::size_t i = frames.size(), looked = 0; t != frame.end() && i > 0 && looked < kLookBack; --i, ++looked) {
        const auto old = frames[i - 1].find("t");
        if (old != frames[i - 1].end() && *old == *t) {
            frames[i - 1] = frame;
            return;
        }
    }
    frames.push_back(frame);
}

void WorkerVoice::on_report(void* self, const char* json) {
    auto report = Json::parse(json ? json : "", nullptr, false);
    if (report.is_object()) static_cast<WorkerVoice*>(self)->apply_report(report);
}

void WorkerVoice::on_sent(void* self, double bytes) {
    static_cast<WorkerVoice*>(self)->session_.note_audio_sent(static_cast<std::size_t>(bytes));
}

void WorkerVoice::apply_report(const Json& report) {
    if (auto it = report.find("failed"); it != report.end() && it->is_string()) {
        failure_ = it->get<std::string>();
        return;
    }
    input_level_dbfs_ = report.value("level", -100.0f);
    self_speaking_ = report.value("self_speaking", false);
    active_speaker_ = report.value("active", std::string());
    speaking_.clear();
    if (auto it = report.find("speaking"); it != report.end() && it->is_object())
        for (auto s = it->begin(); s != it->end(); ++s) speaking_[s.key()] = true;
    if (auto it = report.find("heard"); it != report.end() && it->is_array()) {
        for (const auto& e : *it) {
            if (!e.is_array() || e.size() != 4 || !e[0].is_string() || !e[1].is_number() || !e[2].is_boolean() ||
                !e[3].is_number_unsigned() || !room_sent_.remotes.count(e[0].get<std::string>()))
                continue;
            audio::HeardTimeline& timeline = heard_[e[0].get<std::string>()];
            if (e[2].get<bool>()) timeline.frame(e[1].get<double>(), e[3].get<std::uint32_t>());
            else timeline.silence(e[1].get<double>());
        }
    }
    if (auto it = report.find("state"); it != report.end() && it->is_object()) state_ = *it;
    if (auto it = report.find("codec"); it != report.end() && it->is_string()) codec_version_ = it->get<std::string>();
    if (auto it = report.find("tap"); it != report.end() && it->is_object()) {
        for (auto t = it->begin(); t != it->end(); ++t) {
            Json& frames = tap_[t.key()];
            if (!frames.is_array()) frames = Json::array();
            for (const auto& f : *t) replace_or_append_tap_frame(frames, f);
            if (frames.size() > tap_max_frames_) frames.erase(frames.begin(), frames.begin() + (frames.size() - tap_max_frames_));
        }
    }
}

}  // namespace posemeet::web
