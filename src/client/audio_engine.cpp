// See audio_engine.hpp.
#include "client/audio_engine.hpp"

#include <algorithm>
#include <cmath>

#include "core/audio/level_meter.hpp"
#include "core/audio/opus_codec.hpp"
#include "core/audio/tone_analysis.hpp"
#include "core/percentile.hpp"

namespace posemeet {

using protocol::Json;
namespace au = posemeet::audio;

namespace {

constexpr std::size_t kLatencyWindow = 1500;  // ~30 s of played frames per remote
constexpr float kMaxVolume = 2.0f;

const char* kind_name(au::Playout::Kind k) {
    switch (k) {
        case au::Playout::Kind::Packet: return "packet";
        case au::Playout::Kind::FecFromNext: return "fec";
        case au::Playout::Kind::Conceal: return "conceal";
        case au::Playout::Kind::Silence: return "silence";
    }
    return "?";
}

}  // namespace

AudioEngine::AudioEngine(MeetingSession& session, AudioEngineConfig config)
    : session_(session), config_(std::move(config)) {
    if (config_.test_loss > 0 || config_.test_jitter_ms > 0)
        impairment_ = std::make_unique<au::NetworkImpairment>(config_.test_loss, config_.test_jitter_ms,
                                                               config_.test_seed);
    std::weak_ptr<bool> alive = alive_;
    session_.set_audio_listener([this, alive](const std::string& user_id, const MediaHeader& h,
                                              const std::uint8_t* payload, std::size_t size) {
        if (!alive.expired()) on_packet(user_id, h, payload, size);
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
        static const au::AudioFrame kSilence{};  // not silence_: that one went with the engine
        return alive.expired() ? kSilence : next_playback_frame(playout_delay_ms);
    };
    device.set_handlers(std::move(h));
}

// [SECTION] capture -> packets

void AudioEngine::on_capture(const float* samples, std::size_t count, std::uint32_t end_media_ms) {
    assembler_.push(samples, count);
    au::AudioFrame frame;
    while (assembler_.pop(frame)) {
        ++frames_captured_;
        input_level_dbfs_ = au::rms_dbfs(frame);
        input_vad_.update(input_level_dbfs_);
        // The first sample of this frame was captured (pending + frame) samples before the end.
        const auto age_ms = static_cast<std::uint32_t>((assembler_.pending() + au::kFrameSamples) * 1000 /
                                                       au::kSampleRate);
        if (!session_.mic_open()) continue;  // muted: measured for the level meter, never sent
        const int want = au::bitrate_for_room(static_cast<int>(session_.remotes().size()) + 1);
        if (want != sender_.bitrate()) sender_.set_bitrate(want);
        const auto payload = sender_.encode_frame(frame);
        if (!payload.empty() && session_.send_audio(payload, end_media_ms - age_ms))
            stream_bytes_sent_ += payload.size() + kMediaHeaderBytes;
    }
}

void AudioEngine::capture_stopped() {
    assembler_.clear();
    input_level_dbfs_ = au::kSilenceDbfs;
    input_vad_.reset();
}

// [SECTION] packets -> receivers

void AudioEngine::on_packet(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                            std::size_t size) {
    const double now = session_.clock().now_ms();
    if (!impairment_) return deliver(user_id, header, payload, size);
    if (impairment_->drop()) return;
    const double release = now + impairment_->extra_delay_ms();
    DelayedPacket d{release, user_id, header, std::vector<std::uint8_t>(payload, payload + size)};
    auto pos = std::upper_bound(delayed_.begin(), delayed_.end(), release,
                                [](double t, const DelayedPacket& p) { return t < p.release_ms; });
    delayed_.insert(pos, std::move(d));
}

void AudioEngine::release_delayed(double now_ms) {
    while (!delayed_.empty() && delayed_.front().release_ms <= now_ms) {
        DelayedPacket d = std::move(delayed_.front());
        delayed_.pop_front();
        deliver(d.user_id, d.header, d.payload.data(), d.payload.size());
    }
}

void AudioEngine::deliver(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                          std::size_t size) {
    remote(user_id).receiver->on_packet(header.sequence, header.timestamp_ms, payload, size,
                                       session_.clock().media_time_ms());
}

AudioEngine::Remote& AudioEngine::remote(const std::string& user_id) {
    auto& slot = remotes_[user_id];
    if (!slot) slot = std::make_unique<Remote>(config_.jitter);
    return *slot;
}

void AudioEngine::forget_departed() {
    const auto& present = session_.remotes();
    for (auto it = remotes_.begin(); it != remotes_.end();) {
        if (present.count(it->first)) ++it;
        else it = remotes_.erase(it);
    }
}

// [SECTION] receivers -> speaker

const au::AudioFrame& AudioEngine::next_playback_frame(double playout_delay_ms) {
    const double now = session_.clock().now_ms();
    const std::uint32_t media_now = session_.clock().media_time_ms();
    release_delayed(now);
    forget_departed();
    for (auto& [user_id, r] : remotes_) {
        // The moment the room mutes someone (their own click, the host, a mute-all) their
        // voice stops here too, instead of playing out what the jitter buffer still holds.
        const UserRecord* user = session_.find_user(user_id);
        const bool muted = !user || user->mic != 1;
        if (muted && !r->muted) r->receiver = std::make_unique<au::AudioReceiver>(config_.jitter);
        r->muted = muted;
        const au::AudioFrame& frame = muted ? silence_ : r->receiver->next_frame(media_now);
        const au::Playout::Kind kind = muted ? au::Playout::Kind::Silence : r->receiver->last_kind();
        if (kind == au::Playout::Kind::Packet || kind == au::Playout::Kind::FecFromNext) {
            // Sender's capture time of this frame -> when its first sample reaches the ear.
            const auto heard = static_cast<std::int32_t>(media_now + static_cast<std::uint32_t>(playout_delay_ms) -
                                                         r->receiver->last_timestamp_ms());
            r->latency_ms.push_back(heard);
            if (r->latency_ms.size() > kLatencyWindow) r->latency_ms.pop_front();
        }
        // Heard from now + what is queued ahead of it. A frame played while concealing
        // carries the sender time the jitter buffer says it stands for (a wait repeats the
        // previous one), so the pose pauses or skips with the voice.
        const double heard_at = now + playout_delay_ms;
        if (kind == au::Playout::Kind::Silence) r->heard.silence(heard_at);
        else r->heard.frame(heard_at, r->receiver->last_timestamp_ms());
        tap(r->tap, frame, kind, now);
        if (kind != au::Playout::Kind::Silence) mixer_.add(frame, volume(user_id));
    }
    mixed_ = mixer_.mix();
    ++frames_played_;
    tap(mix_tap_, mixed_, au::Playout::Kind::Packet, now);  // what the speaker gets
    update_active_speaker(now);
    return mixed_;
}

std::optional<MediaTimeAnchor> AudioEngine::heard(const std::string& user_id, double local_ms) const {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end() || it->second->muted) return std::nullopt;
    return it->second->heard.at(local_ms);
}

void AudioEngine::set_volume(const std::string& user_id, float gain) {
    if (!std::isfinite(gain)) return;
    volumes_[user_id] = std::clamp(gain, 0.0f, kMaxVolume);
}

float AudioEngine::volume(const std::string& user_id) const {
    auto it = volumes_.find(user_id);
    return it == volumes_.end() ? 1.0f : it->second;
}

bool AudioEngine::speaking(const std::string& user_id) const {
    if (session_.self() && session_.self()->user_id == user_id) return session_.mic_open() && input_vad_.active();
    auto it = remotes_.find(user_id);
    return it != remotes_.end() && !it->second->muted && it->second->receiver->speaking();
}

void AudioEngine::update_active_speaker(double now_ms) {
    // The loudest person speaking becomes the active speaker, but only after the current
    // one has been quiet or held it for a moment, so two people talking over each other do
    // not make the highlight flicker. Nobody speaking: the last speaker stays active.
    constexpr double kHoldMs = 800;
    std::string loudest;
    float loudest_level = au::kSilenceDbfs;
    auto consider = [&](const std::string& id, float level) {
        if (speaking(id) && level > loudest_level) {
            loudest = id;
            loudest_level = level;
        }
    };
    if (session_.self()) consider(session_.self()->user_id, input_level_dbfs_);
    for (const auto& [id, r] : remotes_) consider(id, r->receiver->level_dbfs());
    if (loudest.empty() || loudest == active_speaker_) return;
    const bool current_quiet = active_speaker_.empty() || !speaking(active_speaker_);
    if (current_quiet || now_ms - active_since_ms_ >= kHoldMs) {
        active_speaker_ = loudest;
        active_since_ms_ = now_ms;
    }
}

// [SECTION] state and the test tap

Json AudioEngine::state_json() const {
    Json remotes = Json::object();
    for (const auto& [id, r] : remotes_) {
        const au::JitterStats js = r->receiver->stats();
        std::vector<double> lat(r->latency_ms.begin(), r->latency_ms.end());
        remotes[id] = Json{{"level_dbfs", r->receiver->level_dbfs()},
                           {"speaking", speaking(id)},
                           {"muted", r->muted},
                           {"volume", volume(id)},
                           {"last_kind", kind_name(r->receiver->last_kind())},
                           {"jitter", Json{{"target_delay_ms", js.target_delay_ms},
                                           {"depth_ms", js.current_depth_ms},
                                           {"received", js.received},
                                           {"late", js.late},
                                           {"duplicates", js.duplicates},
                                           {"lost", js.lost},
                                           {"concealed", js.concealed},
                                           {"fec_recovered", js.fec_recovered},
                                           {"dropped", js.dropped},
                                           {"restarts", js.restarts},
                                           {"spread_ms", js.jitter_ms},
                                           {"pop_spread_ms", js.pop_jitter_ms},
                                           {"min_transit_ms", js.min_transit_ms}}},
                           {"malformed", r->receiver->malformed()},
                           {"mouth_to_ear_ms", Json{{"median", percentile(lat, 0.5)},
                                                    {"p99", percentile(lat, 0.99)},
                                                    {"samples", lat.size()}}}};
    }
    return Json{{"sending", session_.mic_open()},
                {"input_level_dbfs", input_level_dbfs_},
                {"input_speaking", input_vad_.active()},
                {"bitrate", sender_.bitrate()},
                {"frames_captured", frames_captured_},
                {"frames_played", frames_played_},
                {"packets_sent", session_.audio_packets_sent()},
                {"bytes_sent", session_.audio_bytes_sent()},
                {"stream_bytes_sent", stream_bytes_sent_},
                {"dropped_muted", session_.audio_dropped_muted()},
                {"limited_samples", mixer_.limited_samples()},
                {"active_speaker", active_speaker_},
                {"remotes", std::move(remotes)}};
}

void AudioEngine::tap(std::deque<TapFrame>& into, const au::AudioFrame& frame, au::Playout::Kind kind,
                      double now_ms) {
    if (tap_frequencies_.empty()) return;
    TapFrame t;
    t.at_ms = now_ms;
    t.kind = kind;
    t.rms_dbfs = au::rms_dbfs(frame);
    for (float f : tap_frequencies_) t.magnitudes.push_back(au::goertzel_magnitude(frame.data(), frame.size(), f));
    into.push_back(std::move(t));
    if (into.size() > tap_max_frames_) into.pop_front();
}

void AudioEngine::start_tap(std::vector<float> frequencies, std::size_t max_frames) {
    tap_frequencies_ = std::move(frequencies);
    tap_max_frames_ = std::max<std::size_t>(1, max_frames);
    for (auto& [id, r] : remotes_) r->tap.clear();
    mix_tap_.clear();
}

Json AudioEngine::take_tap() {
    auto frames_json = [](std::deque<TapFrame>& tap) {
        Json frames = Json::array();
        for (const TapFrame& t : tap) {
            frames.push_back(Json{{"t", t.at_ms}, {"kind", kind_name(t.kind)}, {"rms", t.rms_dbfs},
                                  {"mag", t.magnitudes}});
        }
        tap.clear();
        return frames;
    };
    Json out = Json::object();
    for (auto& [id, r] : remotes_) out[id] = frames_json(r->tap);
    out["_mix"] = frames_json(mix_tap_);
    return out;
}

}  // namespace posemeet
