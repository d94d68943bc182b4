// audio_engine: the client's audio on a real MeetingSession (fake socket, manual clock, the
// server's truth from a real Room): what goes out while the room lets us speak and what
// does not, what comes out of the speaker for each remote (tone, level, volume), the mic
// rule applied to incoming audio, speaking / active speaker, loss recovery, and latency.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "client/audio_engine.hpp"
#include "core/audio/audio_payload.hpp"
#include "core/audio/audio_sender.hpp"
#include "core/audio/tone_analysis.hpp"
#include "core/pose_stream_codec.hpp"
#include "session_test_support.hpp"

using namespace posemeet;
using namespace posemeet::test;
namespace au = posemeet::audio;

namespace {

constexpr float kAmp = 0.3f;

// A remote participant that speaks a tone into the room, packet by packet (through the
// relay, as the server would forward it).
struct RemoteSpeaker {
    std::string user_id;
    float frequency;
    au::AudioSender sender{24000};
    std::uint16_t sequence = 0;
    std::size_t sample = 0;

    Bytes next_packet(std::uint16_t media_id, std::uint32_t capture_ms) {
        const auto tone = au::make_tone(frequency, kAmp, au::kFrameSamples, au::kSampleRate,
                                        2.0 * M_PI * frequency * static_cast<double>(sample) / au::kSampleRate);
        sample += au::kFrameSamples;
        au::AudioFrame frame;
        std::copy(tone.begin(), tone.end(), frame.begin());
        MediaHeader h;
        h.kind = MediaKind::Audio;
        h.sender = media_id;
        h.sequence = sequence++;
        h.timestamp_ms = capture_ms;
        return encode_media_packet(h, sender.encode_frame(frame));
    }
};

struct AudioHarness : Harness {
    AudioEngine engine;
    explicit AudioHarness(AudioEngineConfig c = {}) : engine(session, c) {}

    void set_mic(const std::string& user_id, int on) {
        Outcome o = room.operate_self_device(user_id, Device::Mic, on);
        REQUIRE(o.code == ErrorCode::Ok);
        deliver(o);
    }

    // Our microphone: `frames` frames of a tone, one every 20 ms of clock.
    void speak(int frames, float frequency = 440.0f) {
        for (int i = 0; i < frames; ++i) {
            const auto tone = au::make_tone(frequency, kAmp, au::kFrameSamples);
            clock.now += au::kFrameMs;
            engine.on_capture(tone.data(), tone.size(), clock.media_time_ms());
        }
    }

    // Audio packets we sent (relay frames unwrapped), in order.
    std::vector<MediaHeader> sent_audio() const {
        std::vector<MediaHeader> out;
        for (const Bytes& b : socket.sent_binary) {
            auto frame = parse_relay_frame(b.data(), b.size());
            REQUIRE(frame.frame);
            auto p = parse_media_packet(frame.frame->packet, frame.frame->packet_size);
            REQUIRE(p.packet);
            if (p.packet->header.kind == MediaKind::Audio) out.push_back(p.packet->header);
        }
        return out;
    }

    // 20 ms steps: each speaker's packet arrives (captured `transit` ms earlier), then the
    // speaker plays one frame. Returns the played frames.
    std::vector<au::AudioFrame> play(int frames, std::vector<RemoteSpeaker*> speakers, std::uint32_t transit = 30) {
        std::vector<au::AudioFrame> out;
        for (int i = 0; i < frames; ++i) {
            clock.now += au::kFrameMs;
            for (RemoteSpeaker* s : speakers)
                socket.binary(s->next_packet(media_id(s->user_id), clock.media_time_ms() - transit));
            session.tick();
            out.push_back(engine.next_playback_frame(0));
        }
        return out;
    }
};

float magnitude(const au::AudioFrame& f, float hz) { return au::goertzel_magnitude(f.data(), f.size(), hz); }

}  // namespace

TEST_SUITE_BEGIN("audio_engine");

TEST_CASE("nothing goes out while the room has our mic off; 50 packets a second once it is on") {
    AudioHarness h;
    h.join_as_me({"u-zed"});
    REQUIRE(h.session.self()->mic == 0);
    h.speak(25);
    CHECK(h.sent_audio().empty());
    CHECK(h.engine.input_level_dbfs() > -15.0f);  // the level meter works while muted

    h.set_mic("u-me", 1);
    h.speak(50);  // one second
    const auto sent = h.sent_audio();
    CHECK(sent.size() == 50);
    for (std::size_t i = 1; i < sent.size(); ++i) {
        CHECK(sent[i].sequence == static_cast<std::uint16_t>(sent[i - 1].sequence + 1));
        CHECK(sent[i].timestamp_ms - sent[i - 1].timestamp_ms == 20);  // capture times, 20 ms apart
    }
    // Stamped with the capture time of the frame's first sample, on the pose clock.
    CHECK(sent.back().timestamp_ms == h.clock.media_time_ms() - 20);
    CHECK(h.engine.state_json()["sending"] == true);
}

TEST_CASE("muting takes effect at the click, before the server answers") {
    AudioHarness h;
    h.join_as_me({"u-zed"});
    h.set_mic("u-me", 1);
    h.speak(5);
    REQUIRE(h.sent_audio().size() == 5);
    h.session.request("vcOperateSelfMic", Json{{"operate", 0}});
    h.speak(10);
    CHECK(h.sent_audio().size() == 5);
    CHECK(h.engine.state_json()["sending"] == false);
}

TEST_CASE("the host's mute-all stops our audio at once") {
    AudioHarness h;
    h.join_as_me({"u-zed"});  // u-zed is host
    h.set_mic("u-me", 1);
    h.speak(5);
    Outcome o = h.room.operate_all_mic("u-zed", 0, 0);
    h.deliver(o);
    h.speak(10);
    CHECK(h.sent_audio().size() == 5);
}

TEST_CASE("a remote's tone comes out of the speaker at its frequency and level") {
    AudioHarness h;
    h.join_as_me({"u-zed"});
    h.set_mic("u-zed", 1);
    RemoteSpeaker zed{"u-zed", 440.0f};
    const auto frames = h.play(100, {&zed});
    // After the jitter buffer has filled, every frame is the tone.
    int tone_frames = 0;
    for (std::size_t i = 20; i < frames.size(); ++i) {
        CAPTURE(i);
        CHECK(magnitude(frames[i], 440) == doctest::Approx(kAmp).epsilon(0.2));
        CHECK(magnitude(frames[i], 660) < 0.02f);
        ++tone_frames;
    }
    CHECK(tone_frames == 80);
    CHECK(h.engine.speaking("u-zed"));
    CHECK(h.engine.active_speaker() == "u-zed");
    const Json st = h.engine.state_json()["remotes"]["u-zed"];
    CHECK(st["jitter"]["received"] == 100);
    // Mouth to ear: 30 ms transit + the jitter buffer's delay.
    CHECK(st["mouth_to_ear_ms"]["median"].get<double>() >= 30);
    CHECK(st["mouth_to_ear_ms"]["median"].get<double>() <= 30 + 300);
}

TEST_CASE("two speakers are mixed, each with its own volume") {
    AudioHarness h;
    h.join_as_me({"u-zed", "u-ann"});
    h.set_mic("u-zed", 1);
    h.set_mic("u-ann", 1);
    RemoteSpeaker zed{"u-zed", 440.0f}, ann{"u-ann", 660.0f};
    h.engine.set_volume("u-ann", 0.5f);
    const auto frames = h.play(60, {&zed, &ann});
    const auto& last = frames.back();
    CHECK(magnitude(last, 440) == doctest::Approx(kAmp).epsilon(0.2));
    CHECK(magnitude(last, 660) == doctest::Approx(kAmp * 0.5f).epsilon(0.2));
    h.engine.set_volume("u-zed", 0.0f);
    const auto after = h.play(5, {&zed, &ann});
    CHECK(magnitude(after.back(), 440) < 0.01f);
    CHECK(magnitude(after.back(), 660) == doctest::Approx(kAmp * 0.5f).epsilon(0.2));
    CHECK(h.engine.volume("u-zed") == 0.0f);
    h.engine.set_volume("u-zed", 7.0f);  // clamped
    CHECK(h.engine.volume("u-zed") == 2.0f);
}

TEST_CASE("audio from a member the room says is muted is dropped, even if it arrives") {
    AudioHarness h;
    h.join_as_me({"u-zed", "u-ann"});  // u-zed host, u-ann visitor
    h.set_mic("u-ann", 1);
    RemoteSpeaker ann{"u-ann", 660.0f};
    auto frames = h.play(30, {&ann});
    REQUIRE(magnitude(frames.back(), 660) > 0.2f);
    // Mute-all: the notification reaches us; a misbehaving sender keeps sending anyway.
    h.deliver(h.room.operate_all_mic("u-zed", 0, 0));
    frames = h.play(10, {&ann});
    CHECK(h.session.audio_dropped_muted() == 10);
    // Silent from the very next frame: what the jitter buffer still held is not played.
    for (const auto& f : frames) CHECK(au::rms_dbfs(f) == au::kSilenceDbfs);
    CHECK_FALSE(h.engine.speaking("u-ann"));
    // Unmuted again (with permission): heard again after the jitter buffer refills.
    h.deliver(h.room.operate_all_mic("u-zed", 1, 1));
    h.set_mic("u-ann", 1);
    frames = h.play(30, {&ann});
    CHECK(magnitude(frames.back(), 660) > 0.2f);
}

TEST_CASE("10% loss and 40 ms jitter: the tone stays continuous") {
    AudioEngineConfig c;
    c.test_loss = 0.10;
    c.test_jitter_ms = 40;
    c.test_seed = 7;
    AudioHarness h(c);
    h.join_as_me({"u-zed"});
    h.set_mic("u-zed", 1);
    RemoteSpeaker zed{"u-zed", 440.0f};
    h.engine.start_tap({440.0f, 660.0f});
    const auto frames = h.play(500, {&zed});  // 10 s
    int silent_after_start = 0;
    bool started = false;
    for (const auto& f : frames) {
        const bool tone = magnitude(f, 440) > kAmp * 0.3f;
        started = started || tone;
        if (started && au::rms_dbfs(f) < -40.0f) ++silent_after_start;
    }
    CHECK(started);
    CHECK(silent_after_start == 0);
    const Json st = h.engine.state_json()["remotes"]["u-zed"]["jitter"];
    CHECK(st["fec_recovered"].get<int>() + st["concealed"].get<int>() > 0);
    CHECK(st["target_delay_ms"].get<int>() >= 40);
    // The tap saw the same frames.
    const Json tap = h.engine.take_tap();
    REQUIRE(tap.contains("u-zed"));
    CHECK(tap["u-zed"].size() >= 495);  // from the first packet that arrived (jitter delays it)
    CHECK(tap["u-zed"].back()["mag"][0].get<float>() > kAmp * 0.5f);
    CHECK(h.engine.take_tap()["u-zed"].empty());  // taking clears
}

// A pose whose nose x is the sender time mod 10 s (/10000), so the time a rendered pose
// shows can be read back from it (to ~2 ms through the codec's quantization).
Bytes clock_pose_packet(Harness& h, const std::string& user_id, std::uint32_t ts, std::uint16_t seq) {
    Pose p = SyntheticPoseSource(pose_seed_for_user(user_id)).pose_at(ts);
    p[Landmark::Nose].x = static_cast<float>(ts % 10000) / 10000.0f;
    MediaHeader hd;
    hd.kind = MediaKind::Pose;
    hd.sender = h.media_id(user_id);
    hd.sequence = seq;
    hd.timestamp_ms = ts;
    return encode_media_packet(hd, PoseStreamEncoder().encode(p, seq, ts, {}).payload);  // a keyframe
}

TEST_CASE("a remote's pose plays in step with its voice: within 20 ms through loss and jitter") {
    AudioEngineConfig c;
    c.test_loss = 0.05;
    c.test_jitter_ms = 40;
    c.test_seed = 3;
    AudioHarness h(c);
    h.join_as_me({"u-zed"});
    h.set_mic("u-zed", 1);
    RemoteSpeaker zed{"u-zed", 440.0f};
    // Zed's poses: 30/s, 10-50 ms in transit (so out of order at times), 5 % lost.
    std::uint32_t rng = 12345;
    auto uniform = [&rng] {
        rng = rng * 1664525u + 1013904223u;
        return static_cast<double>(rng >> 8) / 16777216.0;
    };
    std::vector<std::pair<double, Bytes>> in_flight;
    std::uint16_t pose_seq = 0;
    double next_pose = h.clock.now, next_audio = h.clock.now, next_frame = h.clock.now;
    const double start = h.clock.now;
    // The speaker's queue plus the output latency the platform reports.
    constexpr double kSpeakerDelayMs = 45;
    double worst_skew = 0;
    int compared = 0, followed = 0;
    auto pose_time = [](const Pose& p) { return static_cast<double>(p[Landmark::Nose].x) * 10000.0; };
    auto mod10s = [](double d) {  // difference of two times mod 10 s, in (-5 s, 5 s]
        d = std::fmod(d, 10000.0);
        if (d > 5000) d -= 10000;
        if (d <= -5000) d += 10000;
        return d;
    };
    for (double t = start; t < start + 4000; t += 1) {
        h.clock.now = t;
        const std::uint32_t media_now = h.clock.media_time_ms();
        if (t >= next_audio) {  // a 20 ms frame captured 30 ms ago arrives (the engine adds jitter and loss)
            h.socket.binary(zed.next_packet(h.media_id("u-zed"), media_now - 30));
            next_audio += au::kFrameMs;
        }
        if (t >= next_pose) {
            const auto ts = static_cast<std::uint32_t>(media_now);
            Bytes packet = clock_pose_packet(h, "u-zed", ts, pose_seq++);
            if (uniform() >= 0.05) in_flight.emplace_back(t + 10 + 40 * uniform(), std::move(packet));
            next_pose += 1000.0 / 30;
        }
        for (auto it = in_flight.begin(); it != in_flight.end();) {
            if (it->first <= t) {
                h.socket.binary(it->second);
                it = in_flight.erase(it);
            } else {
                ++it;
            }
        }
        h.session.tick();
        if (std::fmod(t - start, au::kFrameMs) == 0) h.engine.next_playback_frame(kSpeakerDelayMs);
        if (t >= next_frame) {  // a 60 Hz display frame
            next_frame += 1000.0 / 60;
            const auto pose = h.session.remote_pose_now("u-zed");
            const auto heard = h.engine.heard("u-zed", t);
            if (t - start < 1500 || !pose) continue;  // the jitter buffers settle first
            REQUIRE(heard);  // the voice is playing
            ++compared;
            if ((*participant(h.session.state_json(), "u-zed"))["pose_playout"]["follows_audio"] == true) ++followed;
            const double heard_ms = static_cast<double>(heard->sender_ms % 10000) + (t - heard->local_ms);
            const double skew = mod10s(pose_time(*pose) - heard_ms);
            worst_skew = std::max(worst_skew, std::abs(skew));
        }
    }
    INFO("worst |pose time - voice time| = " << worst_skew << " ms over " << compared << " frames");
    CHECK(compared > 140);
    CHECK(followed == compared);
    CHECK(worst_skew <= 20.0);
    // The voice is heard as late as the engine's own mouth-to-ear figure says.
    const Json audio = h.engine.state_json()["remotes"]["u-zed"];
    const auto heard = h.engine.heard("u-zed", h.clock.now);
    REQUIRE(heard);
    const double behind =
        static_cast<double>(h.clock.media_time_ms() - heard->sender_ms) - (h.clock.now - heard->local_ms);
    CHECK(std::abs(behind - audio["mouth_to_ear_ms"]["median"].get<double>()) <= 25);

    // Zed is muted: his voice stops and his pose goes back to its own playout delay.
    h.set_mic("u-zed", 0);
    h.engine.next_playback_frame(kSpeakerDelayMs);
    h.clock.now += 100;
    CHECK_FALSE(h.engine.heard("u-zed", h.clock.now));
    h.session.remote_pose_now("u-zed");
    CHECK((*participant(h.session.state_json(), "u-zed"))["pose_playout"]["follows_audio"] == false);
}

TEST_CASE("a departed member's receiver is dropped") {
    AudioHarness h;
    h.join_as_me({"u-zed", "u-ann"});
    h.set_mic("u-ann", 1);
    RemoteSpeaker ann{"u-ann", 660.0f};
    h.play(10, {&ann});
    REQUIRE(h.engine.state_json()["remotes"].contains("u-ann"));
    h.deliver(h.room.leave("u-ann", h.server_ms++));
    h.engine.next_playback_frame(0);
    CHECK_FALSE(h.engine.state_json()["remotes"].contains("u-ann"));
}

TEST_SUITE_END();
