// See audio_payload.hpp.
#include "core/audio/audio_payload.hpp"

#include <algorithm>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

AudioPayloadParse parse_audio_payload(const std::uint8_t* data, std::size_t size) {
    if (size < kAudioPayloadHeaderBytes)
        return {std::nullopt, "audio payload shorter than its 2-byte header"};
    if (size == kAudioPayloadHeaderBytes)
        return {std::nullopt, "audio payload without an Opus packet"};
    if (size - kAudioPayloadHeaderBytes > kMaxOpusPacketBytes) {
        return {std::nullopt, "audio payload: Opus packet larger than 1000 bytes"};
    }
    const std::uint8_t flags = data[0];
    // Unknown flag bits mean a newer format we would misread; refuse rather than guess.
    if (flags & ~kAudioFlagVoiceActive) {
        return {std::nullopt, "audio payload: unknown flag bits " + std::to_string(flags)};
    }
    if (data[1] > kLevelSilence) {
        return {std::nullopt,
                "audio payload: level " + std::to_string(data[1]) + " out of range 0..127"};
    }
    AudioPayloadView v;
    v.voice_active = (flags & kAudioFlagVoiceActive) != 0;
    v.level_dbov = data[1];
    v.opus = data + kAudioPayloadHeaderBytes;
    v.opus_size = size - kAudioPayloadHeaderBytes;
    return {v, {}};
}

std::vector<std::uint8_t> encode_audio_payload(bool voice_active, std::uint8_t level_dbov,
                                               const std::vector<std::uint8_t>& opus) {
    std::vector<std::uint8_t> out;
    out.reserve(kAudioPayloadHeaderBytes + opus.size());
    out.push_back(voice_active ? kAudioFlagVoiceActive : 0);
    out.push_back(std::min(level_dbov, kLevelSilence));
    out.insert(out.end(), opus.begin(), opus.end());
    return out;
}

}  // namespace posemeet::audio
