// Fuzz target: the payload of an audio media packet as it arrives from a peer
// (parse_audio_payload), then its Opus bytes through a decoder the way a receiver uses
// them (normal decode, FEC for the frame before, concealment), and the whole payload
// through an AudioReceiver (jitter buffer + decoder + level meter).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/audio/audio_format.hpp"
#include "core/audio/audio_payload.hpp"
#include "core/audio/audio_receiver.hpp"
#include "core/audio/opus_codec.hpp"
#include "fuzz_check.hpp"

using namespace posemeet::audio;

namespace {
void check_frame(const AudioFrame& f) {
    for (float s : f) FUZZ_CHECK(std::isfinite(s));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const AudioPayloadParse parsed = parse_audio_payload(data, size);

    // The receiver path sees every input, valid or not.
    AudioReceiver receiver;
    receiver.on_packet(7, 1000, data, size, 5000);
    receiver.on_packet(8, 1020, data, size, 5020);  // same bytes again as the next packet
    for (std::uint32_t t = 5000; t < 5200; t += 20) {
        check_frame(receiver.next_frame(t));
        FUZZ_CHECK(std::isfinite(receiver.level_dbfs()));
    }
    FUZZ_CHECK(receiver.malformed() == (parsed.payload ? 0u : 2u));

    if (!parsed.payload) {
        FUZZ_CHECK(!parsed.error.empty());
        FUZZ_CHECK(size <= kAudioPayloadHeaderBytes ||
                   size > kAudioPayloadHeaderBytes + kMaxOpusPacketBytes ||
                   (data[0] & ~kAudioFlagVoiceActive) != 0 || data[1] > kLevelSilence);
        return 0;
    }
    const AudioPayloadView& p = *parsed.payload;
    FUZZ_CHECK(parsed.error.empty());
    FUZZ_CHECK(p.opus == data + kAudioPayloadHeaderBytes);
    FUZZ_CHECK(p.opus_size == size - kAudioPayloadHeaderBytes);
    FUZZ_CHECK(p.opus_size >= 1 && p.opus_size <= kMaxOpusPacketBytes);
    FUZZ_CHECK(p.level_dbov <= kLevelSilence);

    // Re-encoding gives back the input exactly.
    const std::vector<std::uint8_t> opus(p.opus, p.opus + p.opus_size);
    const auto again = encode_audio_payload(p.voice_active, p.level_dbov, opus);
    FUZZ_CHECK(again.size() == size && std::memcmp(again.data(), data, size) == 0);

    // The Opus bytes, as a receiver would use them.
    OpusVoiceDecoder dec;
    FUZZ_CHECK(dec.ok());
    AudioFrame f;
    const bool ok = dec.decode(p.opus, p.opus_size, f);
    check_frame(f);
    if (!ok) {
        for (float s : f) FUZZ_CHECK(s == 0.0f);
    }
    const bool fec_ok = dec.decode_fec(p.opus, p.opus_size, f);
    FUZZ_CHECK(fec_ok == ok);  // both accept exactly the well-formed 20 ms packets
    check_frame(f);
    dec.conceal(f);
    check_frame(f);
    (void)dec.decode(p.opus, p.opus_size, f);
    check_frame(f);
    return 0;
}
