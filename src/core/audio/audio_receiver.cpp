// See audio_receiver.hpp.
#include "core/audio/audio_receiver.hpp"

#include "core/audio/audio_payload.hpp"

namespace posemeet::audio {

AudioReceiver::AudioReceiver(JitterBufferConfig config) : buffer_(config) {}

void AudioReceiver::on_packet(std::uint16_t sequence, std::uint32_t timestamp_ms,
                              const std::uint8_t* payload, std::size_t size, std::uint32_t now_ms) {
    const AudioPayloadParse parsed = parse_audio_payload(payload, size);
    if (!parsed.payload) {
        ++malformed_;
        return;
    }
    // Only the Opus bytes are queued: flags and level describe the sender's view, and we
    // measure our own from what we decode.
    const AudioPayloadView& v = *parsed.payload;
    buffer_.push(sequence, timestamp_ms, std::vector<std::uint8_t>(v.opus, v.opus + v.opus_size),
                 now_ms);
}

const AudioFrame& AudioReceiver::next_frame(std::uint32_t now_ms) {
    Playout p = buffer_.pop(now_ms);
    if (p.kind != Playout::Kind::Silence && last_kind_ == Playout::Kind::Silence) {
        // A (re)started stream: PLC or FEC must not extrapolate from audio before the pause.
        decoder_.reset();
    }
    switch (p.kind) {
        case Playout::Kind::Packet:
            if (!decoder_.decode(p.payload.data(), p.payload.size(), frame_)) {
                ++decode_errors_;
                decoder_.conceal(frame_);
            }
            break;
        case Playout::Kind::FecFromNext:
            if (!decoder_.decode_fec(p.payload.data(), p.payload.size(), frame_)) ++decode_errors_;
            break;
        case Playout::Kind::Conceal:
            decoder_.conceal(frame_);
            break;
        case Playout::Kind::Silence:
            frame_.fill(0.0f);
            break;
    }
    last_kind_ = p.kind;
    last_timestamp_ms_ = p.timestamp_ms;
    level_dbfs_ = rms_dbfs(frame_);
    vad_.update(level_dbfs_);
    return frame_;
}

}  // namespace posemeet::audio
