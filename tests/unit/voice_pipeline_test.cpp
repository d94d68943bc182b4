// voice_pipeline: the voice with no session, as the page's voice worker drives it: the room
// as the main thread describes it (VoiceRoom, and its JSON, which crosses to the worker),
// sending only while the room lets us speak, a member the room mutes going silent at once,
// and the heard frames a host on another thread replays into its own timeline (the pose
// playout there must see what the pipeline sees).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "client/voice_pipeline.hpp"
#include "core/audio/audio_sender.hpp"
#include "core/audio/tone_analysis.hpp"

using namespace posemeet;
namespace au = posemeet::audio;

namespace {

struct Sent {
    std::size_t bytes;
    std::uint32_t timestamp_ms;
};

struct PipelineHarness {
    std::vector<Sent> sent;
    VoicePipeline voice{AudioEngineConfig{}, [this](const std::vector<std::uint8_t>& payload, std::uint32_t ts) {
                            sent.push_back({payload.size(), ts});
                            return true;
                        }};
    double now = 1000;
    std::uint32_t media = 5000;
    au::AudioSender remote_sender{24000};
    std::uint16_t remote_sequence = 0;

    void capture(int frames) {
        for (int i = 0; i < frames; ++i) {
            const auto tone = au::make_tone(440.0f, 0.3f, au::kFrameSamples);
            media += au::kFrameMs;
            voice.on_capture(tone.data(), tone.size(), media);
        }
    }
    // `frames` steps of 20 ms: a packet of `user` arrives (30 ms after capture), one frame plays.
    std::vector<au::AudioFrame> play(const std::string& user, int frames, double playout_delay_ms = 40) {
        std::vector<au::AudioFrame> out;
        for (int i = 0; i < frames; ++i) {
            now += au::kFrameMs;
            media += au::kFrameMs;
            const auto tone = au::make_tone(660.0f, 0.3f, au::kFrameSamples, au::kSampleRate,
                                            2.0 * M_PI * 660.0 * remote_sequence * au::kFrameSamples / au::kSampleRate);
            au::AudioFrame f;
            std::copy(tone.begin(), tone.end(), f.begin());
            const auto payload = remote_sender.encode_frame(f);
            MediaHeader h;
            h.kind = MediaKind::Audio;
            h.sequence = remote_sequence++;
            h.timestamp_ms = media - 30;
            voice.on_packet(user, h, payload.data(), payload.size(), now, media);
            out.push_back(voice.next_playback_frame(now, media, playout_delay_ms));
        }
        return out;
    }
};

VoiceRoom room_with(bool mic_open, bool remote_mic_on) {
    VoiceRoom room;
    room.self_id = "me";
    room.mic_open = mic_open;
    room.self_media_id = 3;
    room.remotes["bob"] = remote_mic_on;
    room.user_by_media_id[7] = "bob";
    return room;
}

}  // namespace

TEST_SUITE_BEGIN("voice_pipeline");

TEST_CASE("the room crosses to the worker as JSON and back unchanged") {
    VoiceRoom room = room_with(true, false);
    room.remotes["cy"] = true;
    room.user_by_media_id[9] = "cy";
    const VoiceRoom back = VoiceRoom::from_json(protocol::Json::parse(room.to_json().dump()));
    CHECK(back == room);
    CHECK(back.user_by_media_id.at(9) == "cy");
    CHECK_FALSE(back.remotes.at("bob"));
    // Garbage gives an empty room, never a crash.
    CHECK(VoiceRoom::from_json(protocol::Json::parse("[1,2]")) == VoiceRoom{});
    CHECK(VoiceRoom::from_json(protocol::Json::parse(R"({"remotes":5,"media":{"x":"y"},"self_media":-1})")) ==
          VoiceRoom{});
}

TEST_CASE("frames go out only while the room lets us speak, stamped with their first sample's time") {
    PipelineHarness h;
    h.voice.set_room(room_with(false, true));
    h.capture(10);
    CHECK(h.sent.empty());
    CHECK(h.voice.input_level_dbfs() > -20.0f);  // the level meter still works while muted
    h.voice.set_room(room_with(true, true));
    h.capture(10);
    REQUIRE(h.sent.size() == 10);
    CHECK(h.sent.back().timestamp_ms == h.media - au::kFrameMs);
    CHECK(h.sent[1].timestamp_ms - h.sent[0].timestamp_ms == au::kFrameMs);
}

TEST_CASE("a member the room mutes goes silent at the next frame, with what was buffered dropped") {
    PipelineHarness h;
    h.voice.set_room(room_with(true, true));
    const auto heard = h.play("bob", 30);
    CHECK(au::goertzel_magnitude(heard.back().data(), heard.back().size(), 660.0f) > 0.2f);
    h.voice.set_room(room_with(true, false));
    const auto muted = h.play("bob", 1);
    CHECK(au::goertzel_magnitude(muted[0].data(), muted[0].size(), 660.0f) < 0.01f);
    CHECK_FALSE(h.voice.heard("bob", h.now).has_value());
}

TEST_CASE("frames still queued ahead of the speaker are mixed again: a mute or a volume change is heard at once") {
    PipelineHarness h;
    h.voice.set_room(room_with(true, true));
    h.voice.start_tap({660.0f});
    const auto heard = h.play("bob", 30);
    const double tone = au::goertzel_magnitude(heard.back().data(), heard.back().size(), 660.0f);
    REQUIRE(tone > 0.2f);
    REQUIRE(h.voice.frames_rendered() == 30);
    CHECK(h.voice.revise_from(25).frames.empty());  // nothing changed: nothing to replace

    // Bob's volume halves while frames 25-29 wait in the speaker's queue.
    h.voice.set_volume("bob", 0.5f);
    auto half = h.voice.revise_from(25);
    REQUIRE(half.frames.size() == 5);
    CHECK(half.first == 25);
    for (std::size_t i = 0; i < 5; ++i)
        CHECK(au::goertzel_magnitude(half.frames[i].data(), half.frames[i].size(), 660.0f) ==
              doctest::Approx(au::goertzel_magnitude(heard[25 + i].data(), heard[25 + i].size(), 660.0f) / 2).epsilon(0.01));

    // The room mutes him: the same frames come back silent, and his tap and the mix's say so.
    h.voice.take_tap();  // what was tapped so far was handed over: revisions come again by time
    h.voice.set_room(room_with(true, false));
    const auto muted = h.voice.revise_from(27);
    REQUIRE(muted.frames.size() == 3);
    CHECK(muted.first == 27);
    for (const auto& f : muted.frames) CHECK(au::goertzel_magnitude(f.data(), f.size(), 660.0f) < 1e-6f);
    CHECK_FALSE(h.voice.speaking("bob"));
    const auto tap = h.voice.take_tap();
    REQUIRE(tap["bob"].size() == 3);
    REQUIRE(tap["_mix"].size() == 3);
    for (const auto& f : tap["bob"]) CHECK(f["kind"] == "silence");
    CHECK(tap["bob"][0]["t"] == tap["_mix"][0]["t"]);
    CHECK(h.voice.revise_from(27).frames.empty());  // revised once: the queue has it now
    // Only the last kRevisableFrames are kept.
    h.voice.set_room(room_with(true, true));
    h.play("bob", 40);
    h.voice.set_room(room_with(true, false));
    CHECK(h.voice.revise_from(0).first == 70 - VoicePipeline::kRevisableFrames);
}

TEST_CASE("heard events replayed elsewhere give the same anchors as the pipeline's own timeline") {
    PipelineHarness h;
    h.voice.keep_heard_events();
    h.voice.set_room(room_with(true, true));
    h.play("bob", 40);
    au::HeardTimeline mirror;
    for (const HeardEvent& e : h.voice.take_heard_events()) {
        CHECK(e.user_id == "bob");
        if (e.audible) mirror.frame(e.heard_at_ms, e.sender_ms);
        else mirror.silence(e.heard_at_ms);
    }
    CHECK(h.voice.take_heard_events().empty());  // taken once
    for (double t = h.now - 100; t <= h.now + 40; t += 7) {
        const auto own = h.voice.heard("bob", t), copy = mirror.at(t);
        REQUIRE(own.has_value() == copy.has_value());
        if (own) {
            CHECK(own->local_ms == copy->local_ms);
            CHECK(own->sender_ms == copy->sender_ms);
        }
    }
    CHECK(h.voice.heard("bob", h.now + 20).has_value());  // a frame queued ahead is being heard
}

TEST_CASE("a member who left is forgotten with their receiver") {
    PipelineHarness h;
    h.voice.set_room(room_with(true, true));
    h.play("bob", 5);
    CHECK(h.voice.state_json()["remotes"].contains("bob"));
    VoiceRoom empty = room_with(true, true);
    empty.remotes.clear();
    empty.user_by_media_id.clear();
    h.voice.set_room(empty);
    CHECK_FALSE(h.voice.state_json()["remotes"].contains("bob"));
}

TEST_SUITE_END();
