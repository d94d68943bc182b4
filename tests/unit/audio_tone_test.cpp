// tone_analysis and network_impairment: the measuring tools of the audio tests (and of the
// bot's --audio-probe report, summarize_probed_frames).
#include <doctest/doctest.h>

#include <cmath>
#include <set>
#include <vector>

#include "core/audio/network_impairment.hpp"
#include "core/audio/tone_analysis.hpp"

using namespace posemeet::audio;

TEST_SUITE_BEGIN("audio_tone");

TEST_CASE("goertzel_magnitude reads a tone's amplitude and ignores other tones") {
    for (float hz : {200.0f, 440.0f, 660.0f, 1000.0f, 3150.0f}) {
        for (float amp : {1.0f, 0.5f, 0.01f}) {
            CAPTURE(hz);
            CAPTURE(amp);
            // 20 ms (not a whole number of periods for most) and 100 ms, any phase.
            for (std::size_t n : {std::size_t{960}, std::size_t{4800}}) {
                const auto t = make_tone(hz, amp, n, kSampleRate, 0.7);
                CHECK(goertzel_magnitude(t.data(), t.size(), hz) ==
                      doctest::Approx(amp).epsilon(0.02));
            }
        }
    }
    // 440 and 660 Hz mixed: each reads its own amplitude.
    auto a = make_tone(440, 0.6f, 4800);
    const auto b = make_tone(660, 0.2f, 4800, kSampleRate, 1.0);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
    CHECK(goertzel_magnitude(a.data(), a.size(), 440) == doctest::Approx(0.6f).epsilon(0.02));
    CHECK(goertzel_magnitude(a.data(), a.size(), 660) == doctest::Approx(0.2f).epsilon(0.03));
    const auto only660 = make_tone(660, 1.0f, 960);
    CHECK(goertzel_magnitude(only660.data(), only660.size(), 440) < 0.01f);

    CHECK(goertzel_magnitude(nullptr, 0, 440) == 0.0f);
    const auto other_rate = make_tone(440, 0.5f, 1600, 16000);
    CHECK(goertzel_magnitude(other_rate.data(), other_rate.size(), 440, 16000) ==
          doctest::Approx(0.5f).epsilon(0.02));
}

TEST_CASE("make_tone: amplitude, frequency and phase") {
    const auto t = make_tone(1000, 0.5f, 48, kSampleRate, 0);
    CHECK(t.size() == 48);
    CHECK(t[0] == 0.0f);
    CHECK(t[12] == doctest::Approx(0.5f));  // a quarter period of 1 kHz at 48 kHz
    CHECK(t[36] == doctest::Approx(-0.5f));
    const auto c = make_tone(1000, 0.5f, 1, kSampleRate, 3.14159265358979 / 2);
    CHECK(c[0] == doctest::Approx(0.5f));
}

TEST_CASE("summarize_probed_frames: medians, audible and concealed frames, the longest gap") {
    // probe 0 reads 0.5 except one concealed frame, probe 1 reads a rising ramp.
    auto frame = [](float rms, bool concealed, float m0, float m1) {
        return ProbedFrame{rms, concealed, {m0, m1}};
    };
    const std::vector<ProbedFrame> frames = {
        frame(-90, false, 0.0f, 0.0f),    // silence before the talker: not a gap
        frame(-90, false, 0.0f, 0.0f),
        frame(-12, false, 0.5f, 0.1f),
        frame(-12, false, 0.5f, 0.2f),
        frame(-60, false, 0.5f, 0.3f),    // a gap of 3 frames
        frame(-45, true, 0.05f, 0.4f),
        frame(-40, false, 0.5f, 0.5f),    // exactly the threshold: still silent
        frame(-39, false, 0.5f, 0.6f),
        frame(-80, false, 0.5f, 0.7f),    // then a gap of 1
        frame(-10, false, 0.5f, 0.8f),
        frame(-10, true, 0.5f, 0.9f),
    };
    const ToneProbeSummary s = summarize_probed_frames(frames, 2);
    CHECK(s.frames == 11);
    CHECK(s.audible_frames == 5);
    CHECK(s.concealed_frames == 2);
    CHECK(s.longest_gap_frames == 3);
    REQUIRE(s.median_magnitudes.size() == 2);
    CHECK(s.median_magnitudes[0] == doctest::Approx(0.5));
    CHECK(s.median_magnitudes[1] == doctest::Approx(0.4));  // the 6th of 11

    // A trailing silence is a gap too (the talker stopped).
    const ToneProbeSummary stopped = summarize_probed_frames(
        {frame(-10, false, 1, 1), frame(-90, false, 0, 0), frame(-90, false, 0, 0)}, 2);
    CHECK(stopped.longest_gap_frames == 2);
    CHECK(stopped.median_magnitudes[0] == doctest::Approx(0.0));
}

TEST_CASE("summarize_probed_frames: no frames, no probes, short frames") {
    const ToneProbeSummary none = summarize_probed_frames({}, 3);
    CHECK(none.frames == 0);
    CHECK(none.audible_frames == 0);
    CHECK(none.longest_gap_frames == 0);
    CHECK(none.median_magnitudes == std::vector<double>{0, 0, 0});

    const std::vector<ProbedFrame> silent(5, ProbedFrame{});  // default: silent, no magnitudes
    const ToneProbeSummary quiet = summarize_probed_frames(silent, 1);
    CHECK(quiet.frames == 5);
    CHECK(quiet.audible_frames == 0);
    CHECK(quiet.longest_gap_frames == 0);  // nobody ever spoke: no gap
    CHECK(quiet.median_magnitudes == std::vector<double>{0});

    CHECK(summarize_probed_frames(silent, 0).median_magnitudes.empty());
}

TEST_CASE("summarize_probed_frames reads the tone of real frames") {
    // 20 ms frames of a 440 Hz tone at 0.3 with 660 Hz at 0.1, analysed as the client's tap does.
    std::vector<ProbedFrame> frames;
    for (int i = 0; i < 10; ++i) {
        auto t = make_tone(440, 0.3f, 960, kSampleRate, 0.2 * i);
        const auto u = make_tone(660, 0.1f, 960, kSampleRate, 0.5 * i);
        for (std::size_t n = 0; n < t.size(); ++n) t[n] += u[n];
        frames.push_back(ProbedFrame{-12, false,
                                     {goertzel_magnitude(t.data(), t.size(), 440),
                                      goertzel_magnitude(t.data(), t.size(), 660)}});
    }
    const ToneProbeSummary s = summarize_probed_frames(frames, 2);
    CHECK(s.audible_frames == 10);
    CHECK(s.median_magnitudes[0] == doctest::Approx(0.3).epsilon(0.03));
    CHECK(s.median_magnitudes[1] == doctest::Approx(0.1).epsilon(0.05));
}

TEST_CASE("NetworkImpairment: seeded, deterministic, the asked-for rates") {
    NetworkImpairment a(0.1, 40, 7), b(0.1, 40, 7), c(0.1, 40, 8);
    int drops = 0, differ = 0;
    std::set<std::uint32_t> delays;
    double delay_sum = 0;
    constexpr int n = 20000;
    for (int i = 0; i < n; ++i) {
        const bool d = a.drop();
        CHECK(d == b.drop());
        differ += d != c.drop();
        drops += d;
        const std::uint32_t j = a.extra_delay_ms();
        CHECK(j == b.extra_delay_ms());
        (void)c.extra_delay_ms();
        CHECK(j <= 40u);
        delays.insert(j);
        delay_sum += j;
    }
    CHECK(drops > n * 0.09);
    CHECK(drops < n * 0.11);
    CHECK(differ > 0);           // another seed, another pattern
    CHECK(delays.size() == 41);  // every value 0..40 occurs
    CHECK(delay_sum / n == doctest::Approx(20.0).epsilon(0.05));

    NetworkImpairment perfect(0.0, 0);
    NetworkImpairment all_lost(1.0, 0);
    for (int i = 0; i < 100; ++i) {
        CHECK_FALSE(perfect.drop());
        CHECK(perfect.extra_delay_ms() == 0);
        CHECK(all_lost.drop());
    }
}

TEST_SUITE_END();
