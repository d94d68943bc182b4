// level_meter: frame levels in dBFS / -dBov and the speaking flag with hangover.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "audio_test_helpers.hpp"
#include "core/audio/level_meter.hpp"

using namespace posemeet::audio;
using namespace posemeet::audio::test;

TEST_SUITE_BEGIN("audio_level");

TEST_CASE("rms_dbfs: silence, full-scale square and sines") {
    AudioFrame f{};
    CHECK(rms_dbfs(f) == -127.0f);

    for (std::size_t i = 0; i < f.size(); ++i) f[i] = (i / 48) % 2 ? 1.0f : -1.0f;
    CHECK(rms_dbfs(f) == doctest::Approx(0.0f).epsilon(1e-4));

    // A sine's RMS is its amplitude / sqrt(2): -3.01 dB.
    CHECK(rms_dbfs(tone_frame(1000, 1.0f, 0)) == doctest::Approx(-3.0103f).epsilon(0.002));
    CHECK(rms_dbfs(tone_frame(1000, 0.1f, 0)) == doctest::Approx(-23.0103f).epsilon(0.002));
    CHECK(rms_dbfs(tone_frame(1000, 0.001f, 0)) == doctest::Approx(-63.0103f).epsilon(0.002));

    // Quieter than -127 dB reads as silence; non-finite samples count as 0.
    f.fill(1e-9f);
    CHECK(rms_dbfs(f) == -127.0f);
    f = tone_frame(1000, 0.1f, 0);
    f[3] = std::numeric_limits<float>::quiet_NaN();
    f[7] = std::numeric_limits<float>::infinity();
    CHECK(std::isfinite(rms_dbfs(f)));
    CHECK(rms_dbfs(f) == doctest::Approx(-23.0f).epsilon(0.01));
}

TEST_CASE("level_to_dbov clamps to the payload's 0..127") {
    CHECK(level_to_dbov(0.0f) == 0);
    CHECK(level_to_dbov(3.0f) == 0);  // hotter than full scale
    CHECK(level_to_dbov(-3.01f) == 3);
    CHECK(level_to_dbov(-23.6f) == 24);
    CHECK(level_to_dbov(-127.0f) == 127);
    CHECK(level_to_dbov(-500.0f) == 127);
    CHECK(level_to_dbov(-std::numeric_limits<float>::infinity()) == 127);
    CHECK(level_to_dbov(std::numeric_limits<float>::quiet_NaN()) == 127);
}

TEST_CASE("VoiceActivity: on at the threshold, kept on for the hangover, then off") {
    VoiceActivity vad(-50.0f, 15);
    CHECK_FALSE(vad.active());
    CHECK_FALSE(vad.update(-80.0f));
    CHECK_FALSE(vad.update(-50.5f));
    CHECK(vad.update(-50.0f));
    CHECK(vad.update(-20.0f));
    // 15 quiet frames after the last loud one: still speaking.
    for (int i = 0; i < 15; ++i) CHECK(vad.update(-127.0f));
    // The 16th: done.
    CHECK_FALSE(vad.update(-127.0f));
    CHECK_FALSE(vad.active());
}

TEST_CASE("VoiceActivity does not flicker across pauses between words") {
    VoiceActivity vad;  // -50 dBFS, 10 frames (200 ms)
    // Words of 200 ms with 160 ms pauses: one continuous "speaking".
    int transitions = 0;
    bool prev = false;
    for (int word = 0; word < 6; ++word) {
        for (int i = 0; i < 10; ++i) {
            const bool a = vad.update(-25.0f);
            transitions += a != prev;
            prev = a;
        }
        for (int i = 0; i < 8; ++i) {
            const bool a = vad.update(-70.0f);
            transitions += a != prev;
            prev = a;
        }
    }
    CHECK(transitions == 1);
    CHECK(vad.active());
    // A real pause (1 s) ends it.
    for (int i = 0; i < 50; ++i) vad.update(-70.0f);
    CHECK_FALSE(vad.active());
    vad.update(-10.0f);
    vad.reset();
    CHECK_FALSE(vad.active());
}

TEST_CASE("the default VoiceActivity lets go within 300 ms of silence (the UI's speaking ring)") {
    VoiceActivity vad;
    for (int i = 0; i < 20; ++i) vad.update(-20.0f);
    int frames_on = 0;
    while (vad.update(-90.0f)) ++frames_on;
    CHECK(frames_on * 20 < 300);
}

TEST_CASE("VoiceActivity with no hangover follows the level frame by frame") {
    VoiceActivity vad(-40.0f, 0);
    CHECK(vad.update(-30.0f));
    CHECK_FALSE(vad.update(-45.0f));
    CHECK(vad.update(-40.0f));
    VoiceActivity negative(-40.0f, -5);  // treated as 0
    CHECK(negative.update(-30.0f));
    CHECK_FALSE(negative.update(-45.0f));
}

TEST_SUITE_END();
