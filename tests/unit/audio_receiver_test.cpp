// audio_receiver: the whole receive chain (payload parse -> jitter buffer -> Opus decode
// with FEC/PLC -> level/VAD), fed by a real AudioSender through a lossy, jittery network.
#include "core/audio/audio_receiver.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "audio_test_helpers.hpp"
#include "core/audio/audio_sender.hpp"
#include "core/audio/level_meter.hpp"
#include "core/audio/network_impairment.hpp"
#include "core/audio/tone_analysis.hpp"

using namespace posemeet::audio;
using namespace posemeet::audio::test;
using Kind = Playout::Kind;

namespace {

using Bytes = std::vector<std::uint8_t>;

struct InFlight {
    std::uint16_t seq;
    std::uint32_t ts;
    std::uint32_t arrival;
    Bytes payload;
};

// One sender, one receiver, 20 ms ticks. Each tick the sender encodes a frame (unless
// `silent_from` says it stopped) and the packet goes out with the network's fate; then
// due packets are delivered and the receiver plays one frame.
struct Link {
    AudioSender sender{24000};
    AudioReceiver receiver;
    NetworkImpairment net;
    std::vector<InFlight> in_flight;
    std::vector<float> heard;
    std::vector<Kind> kinds;
    std::vector<std::uint32_t> timestamps;
    std::uint16_t seq = 0xFFF0;       // wraps during the test
    std::uint32_t ts0 = 0xFFFFF000u;  // so does the media clock
    std::uint32_t clock0 = 123456;    // local clock
    std::uint32_t transit = 25;
    int tick = 0;

    Link(double loss, int jitter, std::uint32_t seed) : net(loss, jitter, seed) {}

    // `drop` overrides the impairment for this frame when set.
    void step(const AudioFrame* frame, int force = 0 /* 1 drop, 2 deliver 200 ms late */) {
        const std::uint32_t now = clock0 + 20u * static_cast<std::uint32_t>(tick);
        if (frame) {
            Bytes payload = sender.encode_frame(*frame);
            REQUIRE(!payload.empty());
            const bool dropped = net.drop();
            std::uint32_t delay = transit + net.extra_delay_ms();
            if (force == 2) delay += 200;
            if (force != 1 && (!dropped || force == 2)) {
                in_flight.push_back({seq, ts0 + 20u * static_cast<std::uint32_t>(tick), now + delay,
                                     std::move(payload)});
            }
            ++seq;
        }
        // Playback runs 13 ms behind the capture tick (any phase works).
        const std::uint32_t play = now + 13;
        std::stable_sort(
            in_flight.begin(), in_flight.end(),
            [](const InFlight& a, const InFlight& b) { return a.arrival < b.arrival; });
        while (!in_flight.empty() && in_flight.front().arrival <= play) {
            const InFlight& p = in_flight.front();
            receiver.on_packet(p.seq, p.ts, p.payload.data(), p.payload.size(), p.arrival);
            in_flight.erase(in_flight.begin());
        }
        const AudioFrame& out = receiver.next_frame(play);
        append(heard, out);
        kinds.push_back(receiver.last_kind());
        timestamps.push_back(receiver.last_timestamp_ms());
        ++tick;
    }
};

std::size_t first_sound(const std::vector<float>& v) {
    for (std::size_t i = 0; i < v.size(); ++i)
        if (std::fabs(v[i]) > 1e-3f) return i;
    return v.size();
}

}  // namespace

TEST_SUITE_BEGIN("audio_receiver");

TEST_CASE("clean network: the tone arrives intact and in time") {
    Link link(0.0, 0, 1);
    for (int i = 0; i < 150; ++i) {
        const AudioFrame f = tone_frame(440, 0.3f, static_cast<std::size_t>(i));
        link.step(&f);
    }
    const std::size_t start = first_sound(link.heard);
    // Latency: 25 ms network + 40 ms buffer (+ phase) + 6.5 ms codec look-ahead.
    CHECK(start < 5 * kFrameSamples);
    const std::size_t from = start + 10 * kFrameSamples;
    const float m = goertzel_magnitude(link.heard.data() + from, link.heard.size() - from, 440);
    CHECK(std::fabs(db(m / 0.3f)) < 1.5f);
    const JitterStats s = link.receiver.stats();
    CHECK(s.lost == 0);
    CHECK(s.concealed == 0);
    CHECK(link.receiver.malformed() == 0);
    CHECK(link.receiver.decode_errors() == 0);
    CHECK(link.receiver.speaking());
    CHECK(link.receiver.level_dbfs() == doctest::Approx(-13.5f).epsilon(0.1));
    // The frame just played is the one sent (40 + 20 + 13 ms) / 20 ms = 3-4 ticks ago.
    const std::uint32_t newest_sent = link.ts0 + 20u * 149u;
    CHECK(static_cast<std::int32_t>(newest_sent - link.receiver.last_timestamp_ms()) >= 60);
    CHECK(static_cast<std::int32_t>(newest_sent - link.receiver.last_timestamp_ms()) <= 80);
}

TEST_CASE("a lost packet is recovered from FEC when the next is there, concealed when not") {
    Link link(0.0, 0, 1);
    for (int i = 0; i < 100; ++i) {
        const AudioFrame f = tone_frame(440, 0.3f, static_cast<std::size_t>(i));
        // 30 lost; 60 lost and 61 late (so at 60's turn there is nothing to take FEC from).
        link.step(&f, i == 30 || i == 60 ? 1 : i == 61 ? 2 : 0);
    }
    const auto count = [&](Kind k) { return std::count(link.kinds.begin(), link.kinds.end(), k); };
    CHECK(count(Kind::FecFromNext) == 2);  // frames 30 and 61
    CHECK(count(Kind::Conceal) == 1);      // frame 60
    // The played timestamps run on without a gap or a repeat.
    std::vector<std::uint32_t> ts;
    for (std::size_t k = 0; k < link.kinds.size(); ++k)
        if (link.kinds[k] != Kind::Silence) ts.push_back(link.timestamps[k]);
    for (std::size_t k = 1; k < ts.size(); ++k) CHECK(ts[k] - ts[k - 1] == 20u);
    // No hole in the sound.
    const std::size_t start = first_sound(link.heard);
    CHECK(longest_quiet_run(link.heard, start, 1e-3f) < 200);
    const JitterStats s = link.receiver.stats();
    CHECK(s.lost == 3);
    CHECK(s.late == 1);
}

TEST_CASE("10% loss and 40 ms jitter: continuous output, no silent run longer than a frame") {
    for (std::uint32_t seed : {1u, 2u, 3u}) {
        CAPTURE(seed);
        Link link(0.10, 40, seed);
        constexpr int kFrames = 300;  // 6 s
        for (int i = 0; i < kFrames; ++i) {
            const AudioFrame f = tone_frame(440, 0.3f, static_cast<std::size_t>(i));
            link.step(&f);
        }
        const std::size_t start = first_sound(link.heard);
        REQUIRE(start < 10 * kFrameSamples);
        // (The requirement is "no silent run longer than a frame"; in fact FEC and PLC keep
        // the tone going, so hold it to a few milliseconds.)
        const std::size_t quiet = longest_quiet_run(link.heard, start, 1e-3f);
        CHECK(quiet <= kFrameSamples);
        CHECK(quiet < kFrameSamples / 4);
        // Every frame after the start carries sound, whatever produced it.
        for (std::size_t k = start / kFrameSamples + 1; k < link.kinds.size(); ++k) {
            AudioFrame f;
            std::copy_n(link.heard.begin() + static_cast<std::ptrdiff_t>(k * kFrameSamples),
                        kFrameSamples, f.begin());
            CHECK(rms_dbfs(f) > -40.0f);
        }
        CHECK(std::count(link.kinds.begin() + 10, link.kinds.end(), Kind::Silence) == 0);

        const JitterStats s = link.receiver.stats();
        CHECK(s.lost >= 15);  // ~10% of 300
        CHECK(s.fec_recovered > 0);
        CHECK(s.fec_recovered + s.concealed >= s.lost);
        CHECK(s.target_delay_ms >= 55);
        CHECK(s.restarts == 1);
        // Still a 440 Hz tone at about its level, nothing at 660.
        const std::size_t from = start + 10 * kFrameSamples;
        const float m = goertzel_magnitude(link.heard.data() + from, link.heard.size() - from, 440);
        CHECK(std::fabs(db(m / 0.3f)) < 3.0f);
        CHECK(goertzel_magnitude(link.heard.data() + from, link.heard.size() - from, 660) < 0.03f);
        CHECK(link.receiver.speaking());
    }
}

TEST_CASE("a muted sender: speaking ends after the hangover, silence without buzz, clean restart") {
    Link link(0.0, 0, 1);
    for (int i = 0; i < 50; ++i) {
        const AudioFrame f = tone_frame(300, 0.3f, static_cast<std::size_t>(i));
        link.step(&f);
    }
    CHECK(link.receiver.speaking());
    for (int i = 0; i < 100; ++i) link.step(nullptr);  // muted: nothing sent for 2 s
    CHECK_FALSE(link.receiver.speaking());
    CHECK(link.receiver.last_kind() == Kind::Silence);
    CHECK(link.receiver.level_dbfs() == -127.0f);
    // The tail after the last packet: a few concealed frames, then exact zeros.
    const std::size_t mute_start = 50 * kFrameSamples;
    std::size_t zeros_from = link.heard.size();
    while (zeros_from > mute_start && link.heard[zeros_from - 1] == 0.0f) --zeros_from;
    CHECK(zeros_from < mute_start + 12 * kFrameSamples);

    for (int i = 150; i < 200; ++i) {
        const AudioFrame f = tone_frame(300, 0.3f, static_cast<std::size_t>(i));
        link.step(&f);
    }
    CHECK(link.receiver.speaking());
    CHECK(link.receiver.last_kind() == Kind::Packet);
    const JitterStats s = link.receiver.stats();
    CHECK(s.lost == 0);
    CHECK(s.restarts == 2);
    const std::size_t from = 180 * kFrameSamples;
    const float m = goertzel_magnitude(link.heard.data() + from, link.heard.size() - from, 300);
    CHECK(std::fabs(db(m / 0.3f)) < 1.5f);
}

TEST_CASE("malformed payloads are dropped and counted; a bad Opus packet is concealed") {
    AudioReceiver r;
    const Bytes bad_flags = {0x04, 10, 0x08};
    const Bytes too_short = {0x01};
    r.on_packet(1, 0, bad_flags.data(), bad_flags.size(), 0);
    r.on_packet(2, 20, too_short.data(), too_short.size(), 20);
    r.on_packet(3, 40, nullptr, 0, 40);
    CHECK(r.malformed() == 3);
    CHECK(r.stats().received == 0);

    // Parses as an audio payload, but the Opus bytes are garbage (code 3 without a count).
    AudioSender s;
    const Bytes good = s.encode_frame(tone_frame(440, 0.3f, 0));
    const Bytes garbage = {0x01, 10, 0x03};
    r.on_packet(10, 1000, good.data(), good.size(), 1000);
    r.on_packet(11, 1020, garbage.data(), garbage.size(), 1020);
    const Bytes good2 = s.encode_frame(tone_frame(440, 0.3f, 1));
    r.on_packet(12, 1040, good2.data(), good2.size(), 1040);
    std::vector<Kind> kinds;
    for (std::uint32_t t = 1000; t < 1200; t += 20) {
        const AudioFrame& f = r.next_frame(t);
        kinds.push_back(r.last_kind());
        for (float x : f) REQUIRE(std::isfinite(x));
    }
    CHECK(r.decode_errors() == 1);
    CHECK(std::count(kinds.begin(), kinds.end(), Kind::Packet) == 3);
}

TEST_SUITE_END();
