// See opus_codec.hpp.
#include "core/audio/opus_codec.hpp"

#include <opus.h>

#include <algorithm>
#include <cmath>

namespace posemeet::audio {

void OpusVoiceEncoder::Free::operator()(OpusEncoder* e) const { opus_encoder_destroy(e); }
void OpusVoiceDecoder::Free::operator()(OpusDecoder* d) const { opus_decoder_destroy(d); }

OpusVoiceEncoder::OpusVoiceEncoder(int bitrate_bps) {
    int err = OPUS_OK;
    OpusEncoder* e = opus_encoder_create(kSampleRate, 1, OPUS_APPLICATION_VOIP, &err);
    if (err != OPUS_OK || !e) {
        error_ = std::string("opus_encoder_create: ") + opus_strerror(err);
        return;
    }
    enc_.reset(e);
    opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(1));
    opus_encoder_ctl(e, OPUS_SET_DTX(0));
    opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(5));
    opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(loss_pct_));
    set_bitrate(bitrate_bps);
}

void OpusVoiceEncoder::set_bitrate(int bps) {
    bitrate_ = std::clamp(bps, 6000, 510000);
    if (enc_) opus_encoder_ctl(enc_.get(), OPUS_SET_BITRATE(bitrate_));
}

void OpusVoiceEncoder::set_expected_loss_percent(int pct) {
    loss_pct_ = std::clamp(pct, 0, 100);
    if (enc_) opus_encoder_ctl(enc_.get(), OPUS_SET_PACKET_LOSS_PERC(loss_pct_));
}

std::vector<std::uint8_t> OpusVoiceEncoder::encode(const AudioFrame& frame) {
    if (!enc_) return {};
    // libopus' float path does not promise anything for NaN/Inf; a broken capture device
    // must not be able to wedge the encoder.
    AudioFrame clean;
    for (std::size_t i = 0; i < frame.size(); ++i)
        clean[i] = std::isfinite(frame[i]) ? frame[i] : 0.0f;
    std::vector<std::uint8_t> out(kMaxOpusPacketBytes);
    const opus_int32 n = opus_encode_float(enc_.get(), clean.data(), kFrameSamples, out.data(),
                                           static_cast<opus_int32>(out.size()));
    if (n < 0) {
        error_ = std::string("opus_encode_float: ") + opus_strerror(n);
        return {};
    }
    out.resize(static_cast<std::size_t>(n));
    return out;
}

OpusVoiceDecoder::OpusVoiceDecoder() {
    int err = OPUS_OK;
    OpusDecoder* d = opus_decoder_create(kSampleRate, 1, &err);
    if (err != OPUS_OK || !d) {
        error_ = std::string("opus_decoder_create: ") + opus_strerror(err);
        return;
    }
    dec_.reset(d);
}

bool OpusVoiceDecoder::decode(const std::uint8_t* data, std::size_t size, AudioFrame& out) {
    out.fill(0.0f);
    if (!dec_ || !data || size == 0 || size > kMaxOpusPacketBytes) return false;
    const auto len = static_cast<opus_int32>(size);
    // Check the duration first: a 40 or 60 ms packet would not fit the frame, and a 10 ms
    // one would leave half of it undefined. Senders only ever produce 20 ms packets.
    if (opus_packet_get_nb_samples(data, len, kSampleRate) != kFrameSamples) return false;
    const int n = opus_decode_float(dec_.get(), data, len, out.data(), kFrameSamples, 0);
    if (n != kFrameSamples) {
        out.fill(0.0f);
        return false;
    }
    return true;
}

bool OpusVoiceDecoder::decode_fec(const std::uint8_t* next, std::size_t size, AudioFrame& out) {
    if (!dec_) {
        out.fill(0.0f);
        return false;
    }
    const auto len = static_cast<opus_int32>(size);
    if (next && size > 0 && size <= kMaxOpusPacketBytes &&
        opus_packet_get_nb_samples(next, len, kSampleRate) == kFrameSamples &&
        opus_decode_float(dec_.get(), next, len, out.data(), kFrameSamples, 1) == kFrameSamples) {
        return true;
    }
    conceal(out);  // keep the output continuous even when `next` is garbage
    return false;
}

void OpusVoiceDecoder::conceal(AudioFrame& out) {
    if (!dec_ ||
        opus_decode_float(dec_.get(), nullptr, 0, out.data(), kFrameSamples, 0) != kFrameSamples) {
        out.fill(0.0f);
    }
}

void OpusVoiceDecoder::reset() {
    if (dec_) opus_decoder_ctl(dec_.get(), OPUS_RESET_STATE);
}

int bitrate_for_room(int participants) {
    if (participants <= 4) return 32000;
    if (participants <= 8) return 24000;
    return 16000;
}

}  // namespace posemeet::audio
