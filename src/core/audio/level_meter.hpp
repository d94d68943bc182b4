// Frame level and a speaking flag. The sender puts the level into every audio payload
// (RFC 6464 style, -dBov) and its VAD decision into the flags; receivers compute the same
// from the decoded audio to light the "speaking" ring on a tile.
#pragma once

#include <cstdint>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

constexpr float kSilenceDbfs = -127.0f;

// RMS level of the frame in dB relative to full scale (a full-scale square wave is 0 dBFS,
// a full-scale sine about -3). Digital silence, and anything quieter than -127, is -127.
// Non-finite samples count as 0.
float rms_dbfs(const AudioFrame& frame);

// -dBFS rounded and clamped to the 0..127 of the payload's level byte (127 = silence).
std::uint8_t level_to_dbov(float dbfs);

// Speaking flag from frame levels: on as soon as a frame reaches the threshold, and kept on
// for `hangover_frames` quieter frames after the last loud one, so the short dips between
// words and syllables do not make the flag (and the UI ring) flicker. 10 frames (200 ms):
// long enough for those dips, short enough that the ring goes out within 300 ms of silence.
class VoiceActivity {
public:
    explicit VoiceActivity(float threshold_dbfs = -50.f, int hangover_frames = 10);

    // Feeds one frame's level; returns active().
    bool update(float frame_dbfs);
    bool active() const { return remaining_ > 0; }
    void reset() { remaining_ = 0; }

private:
    float threshold_dbfs_;
    int hangover_frames_;
    int remaining_ = 0;  // frames the flag stays on without another loud frame
};

}  // namespace posemeet::audio
