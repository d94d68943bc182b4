// See voice_pipeline.hpp.
#include "client/voice_pipeline.hpp"

#include <algorithm>
#include <cmath>

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

Json VoiceRoom::to_json() const {
    Json r = Json::object();
    for (const auto& [id, mic_on] : remotes) r[id] = mic_on;
    Json media = Json::object();
    for (const auto& [media_id, id] : user_by_media_id) media[id] = media_id;
    return Json{{"self", self_id}, {"mic_open", mic_open}, {"remotes", std::move(r)},
                {"self_media", self_media_id}, {"media", std::move(media)}};
}

VoiceRoom VoiceRoom::from_json(const Json& j) {
    VoiceRoom room;
    if (!j.is_object()) return room;
    if (auto it = j.find("self"); it != j.end() && it->is_string()) room.self_id = it->get<std::string>();
    if (auto it = j.find("mic_open"); it != j.end() && it->is_boolean()) room.mic_open = it->get<bool>();
    if (auto it = j.find("remotes"); it != j.end() && it->is_object()) {
        for (auto r = it->begin(); r != it->end(); ++r) room.remotes[r.key()] = r->is_boolean() && r->get<bool>();
    }
    if (auto it = j.find("self_media"); it != j.end() && it->is_number_unsigned())
        room.self_media_id = static_cast<std::uint16_t>(it->get<unsigned>());
    if (auto it = j.find("media"); it != j.end() && it->is_object()) {
        for (auto m = it->begin(); m != it->end(); ++m)
            if (m->is_number_unsigned()) room.user_by_media_id[static_cast<std::uint16_t>(m->get<unsigned>())] = m.key();
    }
    return room;
}

VoicePipeline::VoicePipeline(AudioEngineConfig config, SendAudio send)
    : config_(std::move(config)), send_(std::move(send)) {
    if (config_.test_loss > 0 || config_.test_jitter_ms > 0)
        impairment_ = std::make_unique<au::NetworkImpairment>(config_.test_loss, config_.test_jitter_ms,
                                                               config_.test_seed);
}

void VoicePipeline::set_room(VoiceRoom room) {
    room_ = std::move(room);
    forget_departed();
}

// [SECTION] capture -> packets

void VoicePipeline::on_capture(const float* samples, std::size_t count, std::uint32_t end_media_ms) {
    assembler_.push(samples, count);
    au::AudioFrame frame;
    while (assembler_.pop(frame)) {
        ++frames_captured_;
        input_level_dbfs_ = au::rms_dbfs(frame);
        input_vad_.update(input_level_dbfs_);
        // The first sample of this frame was captured (pending + frame) samples before the end.
        const auto age_ms = static_cast<std::uint32_t>((assembler_.pending() + au::kFrameSamples) * 1000 /
                                                       au::kSampleRate);
        if (!room_.mic_open) continue;  // muted: measured for the level meter, never sent
        const int want = au::bitrate_for_room(static_cast<int>(room_.remotes.size()) + 1);
        if (want != sender_.bitrate()) sender_.set_bitrate(want);
        const auto payload = sender_.encode_frame(frame);
        if (!payload.empty() && send_ && send_(payload, end_media_ms - age_ms))
            stream_bytes_sent_ += payload.size() + kMediaHeaderBytes;
    }
}

void VoicePipeline::capture_stopped() {
    assembler_.clear();
    input_level_dbfs_ = au::kSilenceDbfs;
    input_vad_.reset();
}

// [SECTION] packets -> receivers

void VoicePipeline::on_packet(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                              std::size_t size, double now_ms, std::uint32_t media_now) {
    if (!impairment_) return deliver(user_id, header, payload, size, media_now);
    if (impairment_->drop()) return;
    const double release = now_ms + impairment_->extra_delay_ms();
    DelayedPacket d{release, user_id, header, std::vector<std::uint8_t>(payload, payload + size)};
    auto pos = std::upper_bound(delayed_.begin(), delayed_.end(), release,
                                [](double t, const DelayedPacket& p) { return t < p.release_ms; });
    delayed_.insert(pos, std::move(d));
}

void VoicePipeline::release_delayed(double now_ms, std::uint32_t media_now) {
    while (!delayed_.empty() && delayed_.front().release_ms <= now_ms) {
        DelayedPacket d = std::move(delayed_.front());
        delayed_.pop_front();
        deliver(d.user_id, d.header, d.payload.data(), d.payload.size(), media_now);
    }
}

void VoicePipeline::deliver(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                            std::size_t size, std::uint32_t media_now) {
    remote(user_id).receiver->on_packet(header.sequence, header.timestamp_ms, payload, size, media_now);
}

VoicePipeline::Remote& VoicePipeline::remote(const std::string& user_id) {
    auto& slot = remotes_[user_id];
    if (!slot) slot = std::make_unique<Remote>(config_.jitter);
    return *slot;
}

void VoicePipeline::forget_departed() {
    for (auto it = remotes_.begin(); it != remotes_.end();) {
        if (room_.remotes.count(it->first)) ++it;
        else it = remotes_.erase(it);
    }
}

// [SECTION] receivers -> speaker

const au::AudioFrame& VoicePipeline::next_playback_frame(double now, std::uint32_t media_now,
                                                         double playout_delay_ms) {
    release_delayed(now, media_now);
    forget_departed();  // a packet may have come from someone the room no longer has
    RenderedFrame rendered{frames_played_, now, {}};
    for (auto& [user_id, r] : remotes_) {
        const bool muted = update_muted(user_id, *r);
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
        const bool audible = kind != au::Playout::Kind::Silence;
        const std::uint32_t sender_ms = audible ? r->receiver->last_timestamp_ms() : 0;
        if (audible) r->heard.frame(heard_at, sender_ms);
        else r->heard.silence(heard_at);
        if (keep_heard_events_) heard_events_.push_back({user_id, heard_at, audible, sender_ms});
        tap(r->tap, frame, kind, now);
        if (audible) {
            mixer_.add(frame, volume(user_id));
            rendered.voices.push_back({user_id, volume(user_id), frame});
        }
    }
    mixed_ = mixer_.mix();
    ++frames_played_;
    rendered_.push_back(std::move(rendered));
    if (rendered_.size() > kRevisableFrames) rendered_.pop_front();
    tap(mix_tap_, mixed_, au::Playout::Kind::Packet, now);  // what the speaker gets
    update_active_speaker(now);
    return mixed_;
}

bool VoicePipeline::silenced(const std::string& user_id) const {
    auto member = room_.remotes.find(user_id);
    return member == room_.remotes.end() || !member->second;
}

bool VoicePipeline::update_muted(const std::string& user_id, Remote& r) {
    // The moment the room mutes someone (their own click, the host, a mute-all) their
    // voice stops here too, instead of playing out what the jitter buffer still holds.
    const bool muted = silenced(user_id);
    if (muted && !r.muted) r.receiver = std::make_unique<au::AudioReceiver>(config_.jitter);
    r.muted = muted;
    return muted;
}

VoicePipeline::Revision VoicePipeline::revise_from(std::uint64_t first) {
    Revision out;
    for (auto& [user_id, r] : remotes_) update_muted(user_id, *r);
    auto gain_now = [&](const std::string& id) { return silenced(id) ? 0.0f : volume(id); };
    auto from = std::find_if(rendered_.begin(), rendered_.end(), [&](const RenderedFrame& f) { return f.number >= first; });
    const bool changed = std::any_of(from, rendered_.end(), [&](const RenderedFrame& f) {
        return std::any_of(f.voices.begin(), f.voices.end(),
                           [&](const RenderedFrame::Voice& v) { return v.gain != gain_now(v.user_id); });
    });
    if (!changed) return out;
    out.first = from->number;
    au::Mixer mixer;  // not mixer_: its count of limited samples is of what first went out
    for (auto f = from; f != rendered_.end(); ++f) {
        for (RenderedFrame::Voice& v : f->voices) {
            const float gain = gain_now(v.user_id);
            if (gain == 0.0f && v.gain != 0.0f) {
                // Not heard after all: the tap says so (a volume of 0 is still their voice, not played).
                auto r = remotes_.find(v.user_id);
                if (r != remotes_.end() && r->second->muted)
                    retap(r->second->tap, silence_, au::Playout::Kind::Silence, f->at_ms);
            }
            v.gain = gain;
            if (gain != 0.0f) mixer.add(v.samples, gain);
        }
        out.frames.push_back(mixer.mix());
        retap(mix_tap_, out.frames.back(), au::Playout::Kind::Packet, f->at_ms);
    }
    return out;
}

std::vector<HeardEvent> VoicePipeline::take_heard_events() {
    std::vector<HeardEvent> out;
    out.swap(heard_events_);
    return out;
}

std::optional<MediaTimeAnchor> VoicePipeline::heard(const std::string& user_id, double local_ms) const {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end() || it->second->muted) return std::nullopt;
    return it->second->heard.at(local_ms);
}

void VoicePipeline::set_volume(const std::string& user_id, float gain) {
    if (!std::isfinite(gain)) return;
    volumes_[user_id] = std::clamp(gain, 0.0f, kMaxVolume);
}

float VoicePipeline::volume(const std::string& user_id) const {
    auto it = volumes_.find(user_id);
    return it == volumes_.end() ? 1.0f : it->second;
}

bool VoicePipeline::speaking(const std::string& user_id) const {
    if (!room_.self_id.empty() && room_.self_id == user_id) return room_.mic_open && input_vad_.active();
    auto it = remotes_.find(user_id);
    return it != remotes_.end() && !it->second->muted && it->second->receiver->speaking();
}

void VoicePipeline::update_active_speaker(double now_ms) {
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
    if (!room_.self_id.empty()) consider(room_.self_id, input_level_dbfs_);
    for (const auto& [id, r] : remotes_) consider(id, r->receiver->level_dbfs());
    if (loudest.empty() || loudest == active_speaker_) return;
    const bool current_quiet = active_speaker_.empty() || !speaking(active_speaker_);
    if (current_quiet || now_ms - active_since_ms_ >= kHoldMs) {
        active_speaker_ = loudest;
        active_since_ms_ = now_ms;
    }
}

// [SECTION] state and the test tap

Json VoicePipeline::state_json() const {
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
    return Json{{"input_level_dbfs", input_level_dbfs_},
                {"input_speaking", input_vad_.active()},
                {"bitrate", sender_.bitrate()},
                {"frames_captured", frames_captured_},
                {"frames_played", frames_played_},
                {"stream_bytes_sent", stream_bytes_sent_},
                {"limited_samples", mixer_.limited_samples()},
                {"active_speaker", active_speaker_},
                {"remotes", std::move(remotes)}};
}

void VoicePipeline::tap(std::deque<TapFrame>& into, const au::AudioFrame& frame, au::Playout::Kind kind,
                        double now_ms) {
    if (tap_frequencies_.empty()) return;
    into.push_back(analyse(frame, kind, now_ms));
    if (into.size() > tap_max_frames_) into.pop_front();
}

VoicePipeline::TapFrame VoicePipeline::analyse(const au::AudioFrame& frame, au::Playout::Kind kind,
                                               double at_ms) const {
    TapFrame t;
    t.at_ms = at_ms;
    t.kind = kind;
    t.rms_dbfs = au::rms_dbfs(frame);
    for (float f : tap_frequencies_) t.magnitudes.push_back(au::goertzel_magnitude(frame.data(), frame.size(), f));
    return t;
}

void VoicePipeline::retap(std::deque<TapFrame>& into, const au::AudioFrame& frame, au::Playout::Kind kind,
                          double at_ms) {
    if (tap_frequencies_.empty()) return;
    // Revised frames are recent: look among the last few only (revised ones may be appended
    // out of order, so no early stop on time).
    std::size_t looked = 0;
    for (auto it = into.rbegin(); it != into.rend() && looked < 2 * kRevisableFrames; ++it, ++looked) {
        if (it->at_ms != at_ms) continue;
        *it = analyse(frame, kind, at_ms);
        return;
    }
    tap(into, frame, kind, at_ms);  // already taken: the taker replaces it by its time
}

std::vector<float> VoicePipeline::tap_frequencies(const Json& list) {
    std::vector<float> freqs;
    if (list.is_array())
        for (const auto& f : list)
            if (f.is_number()) freqs.push_back(f.get<float>());
    return freqs;
}

void VoicePipeline::start_tap(std::vector<float> frequencies, std::size_t max_frames) {
    tap_frequencies_ = std::move(frequencies);
    tap_max_frames_ = std::max<std::size_t>(1, max_frames);
    for (auto& [id, r] : remotes_) r->tap.clear();
    mix_tap_.clear();
}

Json VoicePipeline::take_tap() {
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
