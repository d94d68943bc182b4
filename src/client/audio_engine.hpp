// The client's audio, platform-free: microphone samples in, one mixed 20 ms frame out per
// playback tick. Sits on a MeetingSession, which routes the packets and applies the room's
// mic rule; this class encodes our speech while the room lets us speak, keeps one
// receiver (jitter buffer + Opus decoder) per remote speaker, mixes them with per-person
// volume, and measures what the UI and tests show: input level, who is speaking, the
// active speaker, jitter-buffer depth, loss recovery and mouth-to-ear latency. It also tells
// the session which of each remote's media time is being heard (heard()), so their pose
// plays in step with their voice.
//
// The platform drives it through an AudioDevice (client/audio_device.hpp; the browser's
// microphone and speaker, or the bot's WAV files) given to attach_device(): the device
// calls on_capture() with 48 kHz mono samples and next_playback_frame() once per 20 ms of
// audio to play.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/audio_device.hpp"
#include "client/meeting_session.hpp"
#include "core/audio/audio_format.hpp"
#include "core/audio/audio_receiver.hpp"
#include "core/audio/audio_sender.hpp"
#include "core/audio/frame_assembler.hpp"
#include "core/audio/heard_timeline.hpp"
#include "core/audio/mixer.hpp"
#include "core/audio/network_impairment.hpp"
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

// One analysed playback frame of one remote, for tests (see AudioEngine::start_tap).
struct TapFrame {
    double at_ms = 0;                 // local clock when it was played
    audio::Playout::Kind kind = audio::Playout::Kind::Silence;
    float rms_dbfs = 0;
    std::vector<float> magnitudes;    // at the tap's frequencies
};

class AudioEngine {
public:
    AudioEngine(MeetingSession& session, AudioEngineConfig config = {});
    ~AudioEngine();
    AudioEngine(const AudioEngine&) = delete;
    AudioEngine& operator=(const AudioEngine&) = delete;

    // From now on `device` drives this engine: its capture comes in, its speaker asks for
    // frames. The device may outlive the engine (its handlers then do nothing).
    void attach_device(AudioDevice& device);

    // Microphone samples (48 kHz mono, any chunk size). `end_media_ms` is the media-clock
    // time of the last sample; packets are stamped with their first sample's time, the
    // clock pose packets use too, so a receiver can line a pose up with its audio.
    void on_capture(const float* samples, std::size_t count, std::uint32_t end_media_ms);
    // The capture device stopped or was never there: forget partial frames and the level.
    void capture_stopped();

    // The next 20 ms for the speaker. `playout_delay_ms` is how long until its first
    // sample is heard (audio queued in the device plus the output latency the platform
    // reports), for the latency estimate and for heard().
    const audio::AudioFrame& next_playback_frame(double playout_delay_ms);

    // Output volume for one participant, 0 (silent) to 2 (double); 1 by default.
    void set_volume(const std::string& user_id, float gain);
    float volume(const std::string& user_id) const;

    // The sender media time of `user_id`'s voice reaching the ear at local time `local_ms`
    // (Clock::now_ms), while their audio plays; empty while it does not (muted, silent,
    // not started). The session asks this to play their pose at the same time.
    std::optional<MediaTimeAnchor> heard(const std::string& user_id, double local_ms) const;

    float input_level_dbfs() const { return input_level_dbfs_; }
    bool input_speaking() const { return input_vad_.active(); }
    bool speaking(const std::string& user_id) const;
    const std::string& active_speaker() const { return active_speaker_; }

    // state().audio of the JS API and the bot's stats.
    protocol::Json state_json() const;

    // Test hook: from now on, analyse every played frame of every remote at these
    // frequencies (Goertzel), keeping the last `max_frames` per remote.
    void start_tap(std::vector<float> frequencies, std::size_t max_frames = 3000);
    // { user_id: [{t, kind, rms, mag: [...]}, ...], "_mix": [...] } and clears what it
    // returned. Per remote: their decoded voice before volume; _mix: what the speaker gets.
    protocol::Json take_tap();

private:
    struct Remote {
        std::unique_ptr<audio::AudioReceiver> receiver;
        bool muted = false;             // the room has their mic off: nothing plays
        std::deque<double> latency_ms;  // capture -> playback, recent frames
        std::deque<TapFrame> tap;
        audio::HeardTimeline heard;  // which of their frames reaches the ear when
        explicit Remote(const audio::JitterBufferConfig& c) : receiver(std::make_unique<audio::AudioReceiver>(c)) {}
    };
    struct DelayedPacket {
        double release_ms;
        std::string user_id;
        MediaHeader header;
        std::vector<std::uint8_t> payload;
    };

    void on_packet(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                   std::size_t size);
    // Into the sender's receiver, arriving now.
    void deliver(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                 std::size_t size);
    void release_delayed(double now_ms);
    void forget_departed();
    void update_active_speaker(double now_ms);
    // Test tap: analyses a played frame into `into` (bounded), when a tap is running.
    void tap(std::deque<TapFrame>& into, const audio::AudioFrame& frame, audio::Playout::Kind kind, double now_ms);
    Remote& remote(const std::string& user_id);

    MeetingSession& session_;
    AudioEngineConfig config_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);

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

    std::unique_ptr<audio::NetworkImpairment> impairment_;
    std::deque<DelayedPacket> delayed_;  // ordered by release time

    std::string active_speaker_;
    double active_since_ms_ = 0;

    std::vector<float> tap_frequencies_;
    std::size_t tap_max_frames_ = 0;
    std::deque<TapFrame> mix_tap_;
};

}  // namespace posemeet
