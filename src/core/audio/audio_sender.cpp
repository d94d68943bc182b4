// See audio_sender.hpp.
#include "core/audio/audio_sender.hpp"

#include "core/audio/audio_payload.hpp"

namespace posemeet::audio {

std::vector<std::uint8_t> AudioSender::encode_frame(const AudioFrame& frame) {
    last_level_dbfs_ = rms_dbfs(frame);
    vad_.update(last_level_dbfs_);
    const std::vector<std::uint8_t> opus = encoder_.encode(frame);
    if (opus.empty()) return {};
    return encode_audio_payload(vad_.active(), level_to_dbov(last_level_dbfs_), opus);
}

}  // namespace posemeet::audio
