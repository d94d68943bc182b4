// Receive side for one remote sender: audio payloads in (as they come off the network),
// one 20 ms frame out per playback tick. Combines the jitter buffer, the Opus decoder (FEC
// and concealment included) and a level meter with a VAD for the "speaking" indicator,
// which is measured on the decoded audio rather than trusted from the sender's flags.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/audio/audio_format.hpp"
#include "core/audio/jitter_buffer.hpp"
#include "core/audio/level_meter.hpp"
#include "core/audio/opus_codec.hpp"

namespace posemeet::audio {

class AudioReceiver {
public:
    explicit AudioReceiver(JitterBufferConfig config = {});

    // `payload` is an audio payload (audio_payload.hpp) from a media packet with this
    // sequence number and timestamp; malformed ones are dropped and counted.
    void on_packet(std::uint16_t sequence, std::uint32_t timestamp_ms, const std::uint8_t* payload,
                   std::size_t size, std::uint32_t now_ms);

    // The next 20 ms to play; call once per 20 ms of playback. Always a full frame:
    // decoded, recovered from FEC, concealed, or silence. Valid until the next call.
    const AudioFrame& next_frame(std::uint32_t now_ms);

    Playout::Kind last_kind() const { return last_kind_; }
    // Sender media-clock time of the frame just returned (to line poses up with audio).
    std::uint32_t last_timestamp_ms() const { return last_timestamp_ms_; }

    float level_dbfs() const { return level_dbfs_; }
    bool speaking() const { return vad_.active(); }

    JitterStats stats() const { return buffer_.stats(); }
    std::uint64_t malformed() const { return malformed_; }
    // Packets that parsed but that Opus refused (played as concealment).
    std::uint64_t decode_errors() const { return decode_errors_; }

private:
    JitterBuffer buffer_;
    OpusVoiceDecoder decoder_;
    VoiceActivity vad_;
    AudioFrame frame_{};
    Playout::Kind last_kind_ = Playout::Kind::Silence;
    std::uint32_t last_timestamp_ms_ = 0;
    float level_dbfs_ = kSilenceDbfs;
    std::uint64_t malformed_ = 0;
    std::uint64_t decode_errors_ = 0;
};

}  // namespace posemeet::audio
