// Thin owners of a libopus encoder and decoder set up for PoseMeet's voice: 48 kHz mono,
// 20 ms frames. The encoder runs OPUS_APPLICATION_VOIP with in-band FEC (each packet also
// carries a coarse copy of the previous frame, which the receiver's jitter buffer uses when
// exactly one packet is missing) and without DTX (a packet every 20 ms keeps the receiver's
// jitter estimate and media clock alive; muting stops sending altogether). Complexity 5 is
// about half the CPU of the default 10 for a barely audible difference, which matters in
// the browser where this runs as wasm.
//
// libopus stays out of this header (forward declarations only), so code that only moves
// audio around does not see opus.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/audio/audio_format.hpp"

struct OpusEncoder;  // libopus' opaque types (opus.h: typedef struct OpusEncoder OpusEncoder)
struct OpusDecoder;

namespace posemeet::audio {

class OpusVoiceEncoder {
public:
    explicit OpusVoiceEncoder(int bitrate_bps = 24000);

    bool ok() const { return enc_ != nullptr; }
    const std::string& error() const { return error_; }

    // One Opus packet (1..kMaxOpusPacketBytes bytes) for the frame; empty on failure (and
    // error() says why). Non-finite samples are encoded as 0.
    std::vector<std::uint8_t> encode(const AudioFrame& frame);

    // Clamped to Opus' 6..510 kbit/s.
    void set_bitrate(int bps);
    int bitrate() const { return bitrate_; }
    // Tells the encoder how much FEC to spend (0..100; default 10): libopus only adds in-band
    // FEC when it expects loss, and spends more bits on it the more it expects.
    void set_expected_loss_percent(int pct);
    int expected_loss_percent() const { return loss_pct_; }

private:
    struct Free {
        void operator()(OpusEncoder* e) const;
    };
    std::unique_ptr<OpusEncoder, Free> enc_;
    std::string error_;
    int bitrate_ = 0;
    int loss_pct_ = 10;
};

class OpusVoiceDecoder {
public:
    OpusVoiceDecoder();

    bool ok() const { return dec_ != nullptr; }
    const std::string& error() const { return error_; }

    // Decodes one 20 ms packet. Corrupt input, or a packet that is not exactly 20 ms of
    // audio, gives false and a silent `out` (the decoder state is left as it was).
    bool decode(const std::uint8_t* data, std::size_t size, AudioFrame& out);
    // The packet *before* `next` was lost: rebuilds it from the FEC data carried in `next`
    // (or, if `next` has none, libopus' concealment). Afterwards decode `next` itself as
    // usual. False (and `out` concealed) when `next` is corrupt.
    bool decode_fec(const std::uint8_t* next, std::size_t size, AudioFrame& out);
    // Packet loss concealment: extrapolates the last decoded audio, fading out over a few
    // frames of consecutive loss.
    void conceal(AudioFrame& out);
    // Forgets all history, e.g. when a stream restarts after a long pause.
    void reset();

private:
    struct Free {
        void operator()(OpusDecoder* d) const;
    };
    std::unique_ptr<OpusDecoder, Free> dec_;
    std::string error_;
};

// Bitrate for each sender given the room size: every participant decodes everyone else,
// so larger rooms get cheaper streams (speech stays intelligible at 16 kbit/s).
int bitrate_for_room(int participants);

}  // namespace posemeet::audio
