// Capture side of one participant: frames from the microphone become audio payloads
// (flags + level + Opus, see audio_payload.hpp) ready to go into media packets. The caller
// adds sequence number and timestamp (media header) and sends; when muted it simply stops
// calling encode_frame, and receivers treat the gap as "sender stopped" (silence, no PLC).
#pragma once

#include <cstdint>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/audio/frame_assembler.hpp"
#include "core/audio/level_meter.hpp"
#include "core/audio/opus_codec.hpp"

namespace posemeet::audio {

class AudioSender {
public:
    explicit AudioSender(int bitrate_bps = 24000) : encoder_(bitrate_bps) {}

    bool ok() const { return encoder_.ok(); }
    // An audio payload for the frame; empty when the encoder failed.
    std::vector<std::uint8_t> encode_frame(const AudioFrame& frame);

    void set_bitrate(int bps) { encoder_.set_bitrate(bps); }
    int bitrate() const { return encoder_.bitrate(); }
    void set_expected_loss_percent(int pct) { encoder_.set_expected_loss_percent(pct); }

    // Of the last frame given to encode_frame.
    float last_level_dbfs() const { return last_level_dbfs_; }
    bool voice_active() const { return vad_.active(); }

private:
    OpusVoiceEncoder encoder_;
    VoiceActivity vad_;
    float last_level_dbfs_ = kSilenceDbfs;
};

}  // namespace posemeet::audio
