// Payload of MediaKind::Audio media packets (the bytes after the 9-byte media header).
// They come from other participants, so the parser treats them as untrusted.
//
//   byte 0  flags: bit0 = voice active (the sender's VAD); other bits must be 0
//   byte 1  level: the sender's frame level in -dBov, 0..127 (127 = silence), as in
//           RFC 6464, so a receiver can show who speaks without decoding
//   2..     one Opus packet (20 ms, mono), 1..kMaxOpusPacketBytes bytes
//
// Sequence number and media timestamp are in the media header, not repeated here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace posemeet::audio {

constexpr std::size_t kAudioPayloadHeaderBytes = 2;
constexpr std::uint8_t kAudioFlagVoiceActive = 0x01;
constexpr std::uint8_t kLevelSilence = 127;

struct AudioPayloadView {
    bool voice_active = false;
    std::uint8_t level_dbov = kLevelSilence;
    const std::uint8_t* opus = nullptr;  // points into the parsed buffer
    std::size_t opus_size = 0;
};

struct AudioPayloadParse {
    std::optional<AudioPayloadView> payload;
    std::string error;  // set when payload is empty
};
AudioPayloadParse parse_audio_payload(const std::uint8_t* data, std::size_t size);

// `level_dbov` is clamped to 0..127. The Opus packet is copied as is: callers pass what
// OpusVoiceEncoder produced (1..1000 bytes); anything else would not parse at the receiver.
std::vector<std::uint8_t> encode_audio_payload(bool voice_active, std::uint8_t level_dbov,
                                               const std::vector<std::uint8_t>& opus);

}  // namespace posemeet::audio
