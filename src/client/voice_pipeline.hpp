// The client's voice between microphone samples and speaker frames, with no session, clock
// or I/O of its own: encodes our speech while the room lets us speak, keeps one receiver
// (jitter buffer + Opus decoder) per remote speaker, mixes them with per-person volume, and
// measures what the UI and tests show (input level, who is speaking, the active speaker,
// jitter-buffer depth, loss recovery, mouth-to-ear latency, which sender time is heard when).
//
// Two hosts drive it: the AudioEngine (client/audio_engine.hpp) in the same thread as the
// session (native bots, the file:// page), and the voice worker of the served page
// (src/app/voice_worker), where it runs beside the AudioWorklet so a busy page cannot stall
// the voice. Either host tells it the room (set_room), the time, and hands packets over.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/audio/audio_receiver.hpp"
#include "core/audio/audio_sender.hpp"
#include "core/audio/frame_assembler.hpp"
#include "core/audio/heard_timeline.hpp"
#include "core/audio/level_meter.hpp"
#include "core/audio/mixer.hpp"
#include "core/audio/network_impairment.hpp"
#include "core/media_packet.hpp"
#include "core/protocol.hpp"

namespace posemeet {

struct AudioEngineConfig {
    audio::JitterBufferConfig jitter;
    // Test-only: loss and jitter applied to every audio packet we receive (0 = none), so a
    // test can show that concealment and FEC keep speech continuous on a bad network.
    double test_loss = 0.0;
    int test_jitter_ms = 0;
    std::uint32_t test_seed = 1;
};

// What the voice needs to know of the room, from the session's mirror.
struct VoiceRoom {
    std::string self_id;         // "" until joined
    bool mic_open = false;       // our audio may go out (MeetingSession::mic_open)
    std::map<std::string, bool> remotes;  // every other member: true = the room has their mic on
    // Media ids (the sender field of packets): ours, and every other member's.
    std::uint16_t self_media_id = 0;
    std::map<std::uint16_t, std::string> user_by_media_id;
    bool operator==(const VoiceRoom& o) const {
        return self_id == o.self_id && mic_open == o.mic_open && remotes == o.remotes &&
               self_media_id == o.self_media_id && user_by_media_id == o.user_by_media_id;
    }
    protocol::Json to_json() const;
    static VoiceRoom from_json(const protocol::Json& j);
};

// One frame handed to the speaker, as a HeardTimeline entry of one remote: hosts that keep
// the pose playout elsewhere (the page's main thread) replay these into their own timeline.
struct HeardEvent {
    std::string user_id;
    double heard_at_ms = 0;  // host clock
    bool audible = false;
    std::uint32_t sender_ms = 0;
};

class VoicePipeline {
public:
    // Sends one encoded frame stamped with its first sample's capture time; false when it
    // did not go out (the room muted us meanwhile).
    using SendAudio = std::function<bool(const std::vector<std::uint8_t>& payload, std::uint32_t timestamp_ms)>;

    VoicePipeline(AudioEngineConfig config, SendAudio send);

    void set_room(VoiceRoom room);
    const VoiceRoom& room() const { return room_; }

    // Microphone samples (48 kHz mono, any chunk size); `end_media_ms` is the media-clock
    // time of the last sample.
    void on_capture(const float* samples, std::size_t count, std::uint32_t end_media_ms);
    void capture_stopped();

    // An audio packet of `user_id` (the session has already dropped those of muted members),
    // arriving at local time `now_ms` / media time `media_now`.
    void on_packet(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                   std::size_t size, double now_ms, std::uint32_t media_now);

    // The next 20 ms for the speaker, first heard `playout_delay_ms` after `now_ms`. Frames
    // are numbered from 0 (frames_rendered() - 1 is the one just returned).
    const audio::AudioFrame& next_playback_frame(double now_ms, std::uint32_t media_now, double playout_delay_ms);
    std::uint64_t frames_rendered() const { return frames_played_; }

    // The frames from number `first` on (at most the last kRevisableFrames), mixed again
    // with who is muted and each volume as they are now; empty when that changes none of
    // them. A host that queues frames ahead of the speaker (the voice worker) replaces the
    // ones still queued, so a mute or a volume change is heard at once instead of after
    // the queue. Muted voices' tap frames are replaced too (silence), as is the mix's.
    static constexpr std::size_t kRevisableFrames = 25;  // 500 ms: the longest speaker queue
    struct Revision {
        std::uint64_t first = 0;
        std::vector<audio::AudioFrame> frames;
    };
    Revision revise_from(std::uint64_t first);

    void set_volume(const std::string& user_id, float gain);  // 0 (silent) .. 2 (double); 1 by default
    float volume(const std::string& user_id) const;
    std::optional<MediaTimeAnchor> heard(const std::string& user_id, double local_ms) const;

    float input_level_dbfs() const { return input_level_dbfs_; }
    bool input_speaking() const { return input_vad_.active(); }
    bool speaking(const std::string& user_id) const;
    const std::string& active_speaker() const { return active_speaker_; }
    int bitrate() const { return sender_.bitrate(); }

    // The pipeline's part of state().audio (the host adds the session's counters).
    protocol::Json state_json() const;

    // From now on, record every frame's heard entry per remote for take_heard_events().
    void keep_heard_events() { keep_heard_events_ = true; }
    std::vector<HeardEvent> take_heard_events();

    // Test hook: analyse every played frame of every remote at these frequencies (Goertzel),
    // keeping the last `max_frames` per remote; take_tap() returns
    // { user_id: [{t, kind, rms, mag: [...]}, ...], "_mix": [...] } and clears it. A frame
    // revised after it was taken comes again with the same `t`: the taker replaces it.
    void start_tap(std::vector<float> frequencies, std::size_t max_frames = 3000);
    // The tap's frequencies from a JSON array of numbers, as the page API passes them (other
    // entries are skipped).
    static std::vector<float> tap_frequencies(const protocol::Json& list);
    bool tapping() const { return !tap_frequencies_.empty(); }
    protocol::Json take_tap();

private:
    struct TapFrame {
        double at_ms = 0;
        audio::Playout::Kind kind = audio::Playout::Kind::Silence;
        float rms_dbfs = 0;
        std::vector<float> magnitudes;
    };
    struct Remote {
        std::unique_ptr<audio::AudioReceiver> receiver;
        bool muted = false;             // the room has their mic off: nothing plays
        std::deque<double> latency_ms;  // capture -> playback, recent frames
        std::deque<TapFrame> tap;
        audio::HeardTimeline heard;  // which of their frames reaches the ear when
        explicit Remote(const audio::JitterBufferConfig& c) : receiver(std::make_unique<audio::AudioReceiver>(c)) {}
    };
    // A frame as it went to the speaker: each voice in it before its gain, for revise_from.
    struct RenderedFrame {
        std::uint64_t number = 0;
        double at_ms = 0;
        struct Voice {
            std::string user_id;
            float gain = 1.0f;
            audio::AudioFrame samples;
        };
        std::vector<Voice> voices;
    };
    struct DelayedPacket {
        double release_ms;
        std::string user_id;
        MediaHeader header;
        std::vector<std::uint8_t> payload;
    };

    void deliver(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                 std::size_t size, std::uint32_t media_now);
    void release_delayed(double now_ms, std::uint32_t media_now);
    void forget_departed();
    void update_active_speaker(double now_ms);
    void tap(std::deque<TapFrame>& into, const audio::AudioFrame& frame, audio::Playout::Kind kind, double now_ms);
    TapFrame analyse(const audio::AudioFrame& frame, audio::Playout::Kind kind, double at_ms) const;
    // As tap(), but replacing the frame of the same time if the tap still holds it.
    void retap(std::deque<TapFrame>& into, const audio::AudioFrame& frame, audio::Playout::Kind kind, double at_ms);
    // The room has this remote's mic off (or no longer has them): their voice must not play.
    bool silenced(const std::string& user_id) const;
    // Brings a remote's muted flag up to the room; a remote newly muted starts over.
    bool update_muted(const std::string& user_id, Remote& r);
    Remote& remote(const std::string& user_id);

    AudioEngineConfig config_;
    SendAudio send_;
    VoiceRoom room_;

    audio::AudioSender sender_;
    audio::FrameAssembler assembler_;
    audio::VoiceActivity input_vad_;
    float input_level_dbfs_ = audio::kSilenceDbfs;
    std::uint64_t frames_captured_ = 0;
    std::uint64_t stream_bytes_sent_ = 0;  // one copy of each audio packet (what one listener gets)

    std::map<std::string, std::unique_ptr<Remote>> remotes_;
    std::map<std::string, float> volumes_;
    audio::Mixer mixer_;
    audio::AudioFrame mixed_{};
    const audio::AudioFrame silence_{};
    std::uint64_t frames_played_ = 0;
    std::deque<RenderedFrame> rendered_;  // the last kRevisableFrames

    std::unique_ptr<audio::NetworkImpairment> impairment_;
    std::deque<DelayedPacket> delayed_;  // ordered by release time

    std::string active_speaker_;
    double active_since_ms_ = 0;

    bool keep_heard_events_ = false;
    std::vector<HeardEvent> heard_events_;

    std::vector<float> tap_frequencies_;
    std::size_t tap_max_frames_ = 0;
    std::deque<TapFrame> mix_tap_;
};

}  // namespace posemeet
