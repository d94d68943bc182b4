// mixer: summing remote streams with a soft limiter that never clips and leaves quiet
// sums untouched.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "audio_test_helpers.hpp"
#include "core/audio/mixer.hpp"

using namespace posemeet::audio;
using namespace posemeet::audio::test;

namespace {
float peak(const AudioFrame& f) {
    float m = 0;
    for (float s : f) m = std::max(m, std::fabs(s));
    return m;
}
}  // namespace

TEST_SUITE_BEGIN("audio_mixer");

TEST_CASE("two full-scale tones never leave [-1, 1]") {
    Mixer m;
    for (std::size_t i = 0; i < 20; ++i) {
        m.add(tone_frame(440, 1.0f, i), 1.0f);
        m.add(tone_frame(440, 1.0f, i), 1.0f);  // in phase: the sum peaks at 2
        const AudioFrame out = m.mix();
        CHECK(peak(out) <= 1.0f);
        CHECK(peak(out) > 0.9f);  // limited, not muted
    }
    CHECK(m.limited_samples() > 0);

    // Different tones, some gain, and the limiter keeps the waveform's sign and order.
    m.add(tone_frame(440, 1.0f, 0), 1.5f);
    m.add(tone_frame(700, 1.0f, 0), 1.0f);
    AudioFrame a = tone_frame(440, 1.0f, 0), b = tone_frame(700, 1.0f, 0);
    const AudioFrame out = m.mix();
    for (std::size_t i = 0; i < out.size(); ++i) {
        const float sum = a[i] * 1.5f + b[i];
        CHECK(std::fabs(out[i]) <= 1.0f);
        CHECK(std::fabs(out[i]) <= std::fabs(sum) + 1e-6f);
        if (std::fabs(sum) > 1e-3f) CHECK((out[i] > 0) == (sum > 0));
    }
}

TEST_CASE("quiet sums pass bit for bit") {
    Mixer m;
    const std::uint64_t before = m.limited_samples();
    m.add(tone_frame(300, 0.3f, 0), 1.0f);
    m.add(tone_frame(500, 0.25f, 0), 1.0f);
    m.add(tone_frame(800, 0.4f, 0), 0.5f);
    const AudioFrame out = m.mix();
    const AudioFrame a = tone_frame(300, 0.3f, 0), b = tone_frame(500, 0.25f, 0),
                     c = tone_frame(800, 0.4f, 0);
    for (std::size_t i = 0; i < out.size(); ++i) {
        float expect = 0.0f;
        expect += a[i] * 1.0f;
        expect += b[i] * 1.0f;
        expect += c[i] * 0.5f;
        CHECK(out[i] == expect);
    }
    CHECK(m.limited_samples() == before);

    // A single stream is not touched either.
    m.add(tone_frame(440, 0.7f, 3));
    CHECK(m.mix() == tone_frame(440, 0.7f, 3));
}

TEST_CASE("the limiter curve is continuous, monotonic and bounded") {
    CHECK(soft_limit(0.0f) == 0.0f);
    CHECK(soft_limit(Mixer::kKnee) == Mixer::kKnee);
    CHECK(soft_limit(-Mixer::kKnee) == -Mixer::kKnee);
    CHECK(soft_limit(Mixer::kKnee + 1e-4f) == doctest::Approx(Mixer::kKnee + 1e-4f).epsilon(1e-4));
    float prev = -1.0f;
    for (float x = -4.0f; x <= 4.0f; x += 0.001f) {
        const float y = soft_limit(x);
        CHECK(y >= prev);
        CHECK(std::fabs(y) <= 1.0f);
        prev = y;
    }
    CHECK(soft_limit(1e30f) <= 1.0f);
    CHECK(soft_limit(std::numeric_limits<float>::infinity()) == 1.0f);
    CHECK(soft_limit(-std::numeric_limits<float>::infinity()) == -1.0f);
    CHECK(soft_limit(std::numeric_limits<float>::quiet_NaN()) == 0.0f);
}

TEST_CASE("mix starts the next frame; clear drops a half-built one; bad input is ignored") {
    Mixer m;
    m.add(tone_frame(440, 0.5f, 0));
    CHECK(m.inputs() == 1);
    (void)m.mix();
    CHECK(m.inputs() == 0);
    CHECK(peak(m.mix()) == 0.0f);  // nothing added since

    m.add(tone_frame(440, 0.5f, 0));
    m.clear();
    CHECK(peak(m.mix()) == 0.0f);

    AudioFrame bad = tone_frame(440, 0.5f, 0);
    bad[5] = std::numeric_limits<float>::quiet_NaN();
    bad[6] = std::numeric_limits<float>::infinity();
    m.add(bad);
    m.add(tone_frame(440, 0.5f, 0), std::numeric_limits<float>::quiet_NaN());  // ignored
    const AudioFrame out = m.mix();
    CHECK(out[5] == 0.0f);
    CHECK(out[6] == 0.0f);
    CHECK(out[100] == bad[100]);
}

TEST_SUITE_END();
