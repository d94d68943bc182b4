// Fuzz target: pose stream payloads decoded against arbitrary reference state, the pose ack
// parser, and the encoder on whatever poses come out. The input is a little script:
//
//   byte 0       bits 0-1: keyframes to preload (0-3), to give deltas something to reference
//   per preload  u16 frame id (LE), 149 bytes of keyframe levels (padding bits forced to 0)
//   then         packets until the input ends: u16 frame id (LE), u8 length L, L payload
//                bytes (the last packet takes what is left)
//
// Each packet's payload goes to a PoseStreamDecoder (and to parse_pose_ack). Every decoded
// pose is then sent through a fresh encoder/decoder pair that acknowledges each frame: the
// pair must agree on every frame within the codec's error bounds.
// tests/fuzz/make_pose_stream_corpus.cpp writes the seed corpus from real encoder output.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/pose_ack.hpp"
#include "core/pose_quantizer.hpp"
#include "core/pose_stream_codec.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;
namespace pq = posemeet::pose_quantizer;

namespace {

void check_pose(const Pose& pose) {
    for (const auto& l : pose.landmarks) {
        FUZZ_CHECK(std::isfinite(l.x) && std::isfinite(l.y) && std::isfinite(l.z) &&
                   std::isfinite(l.visibility));
        FUZZ_CHECK(l.x >= pq::kXYMin && l.x <= pq::kXYMax);
        FUZZ_CHECK(l.y >= pq::kXYMin && l.y <= pq::kXYMax);
        FUZZ_CHECK(l.z >= pq::kZMin && l.z <= pq::kZMax);
        FUZZ_CHECK(l.visibility >= 0.0f && l.visibility <= 1.0f);
    }
}

// The encoder and a receiver that gets and acknowledges everything agree on every frame.
void check_encoder_agrees(const std::vector<Pose>& poses) {
    PoseStreamEncoder enc;
    PoseStreamDecoder dec;
    for (std::size_t k = 0; k < poses.size(); ++k) {
        const auto id = static_cast<std::uint16_t>(k);
        const auto ts = static_cast<std::uint32_t>(k * 33);
        const auto frame = enc.encode(poses[k], id, ts, {1});
        FUZZ_CHECK(frame.payload.size() <= (frame.type == PoseFrameType::Keyframe
                                                ? kKeyframePayloadBytes
                                                : kMaxDeltaPayloadBytes));
        const auto d = dec.decode(id, ts, frame.payload.data(), frame.payload.size());
        FUZZ_CHECK(d.status == PoseStreamDecoder::Status::Decoded);
        FUZZ_CHECK(d.type == frame.type);
        const auto want = pq::quantize(poses[k]);
        const auto got = pq::quantize(d.pose);
        for (int i = 0; i < kLandmarkCount; ++i) {
            const bool hidden = got[i][pq::kVisibility] <= pq::kHiddenVisibilityLevel;
            const int unit_xy =
                frame.type == PoseFrameType::Keyframe ? 0 : (1 << kDefaultMaxShiftXY) / 2;
            const int unit_z =
                frame.type == PoseFrameType::Keyframe ? 0 : (1 << kDefaultMaxShiftZ) / 2;
            const int vis = frame.type == PoseFrameType::Keyframe ? 0 : kDefaultVisibilityDeadband;
            FUZZ_CHECK(std::abs(want[i][pq::kVisibility] - got[i][pq::kVisibility]) <= vis);
            if (hidden && frame.type == PoseFrameType::Delta) continue;
            FUZZ_CHECK(std::abs(want[i][pq::kX] - got[i][pq::kX]) <= unit_xy);
            FUZZ_CHECK(std::abs(want[i][pq::kY] - got[i][pq::kY]) <= unit_xy);
            FUZZ_CHECK(std::abs(want[i][pq::kZ] - got[i][pq::kZ]) <= unit_z);
        }
        enc.on_ack(1, *dec.ack(0));
    }
    FUZZ_CHECK(enc.stats().keyframes + enc.stats().deltas == poses.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    std::size_t at = 1;
    PoseStreamDecoder decoder;
    std::vector<Pose> decoded;
    std::uint64_t calls = 0;
    const int preload = data[0] & 3;
    for (int n = 0; n < preload && at + 2 + 149 <= size; ++n) {
        const auto id = static_cast<std::uint16_t>(data[at] | (data[at + 1] << 8));
        std::vector<std::uint8_t> key(data + at + 2, data + at + 2 + 149);
        key.insert(key.begin(), 0);  // keyframe, no flags
        key.back() &= 0x0F;          // 1188 bits: the top 4 bits of the last byte are padding
        at += 2 + 149;
        const auto r = decoder.decode(id, 0, key.data(), key.size());
        ++calls;
        FUZZ_CHECK(r.status == PoseStreamDecoder::Status::Decoded);
        check_pose(r.pose);
        const auto ack = decoder.ack(0);
        FUZZ_CHECK(ack && !ack->holds_nothing);
        decoded.push_back(r.pose);
    }
    while (at + 3 <= size) {
        const auto id = static_cast<std::uint16_t>(data[at] | (data[at + 1] << 8));
        const std::size_t len = std::min<std::size_t>(data[at + 2], size - at - 3);
        const std::uint8_t* payload = data + at + 3;
        at += 3 + len;

        if (auto ack = parse_pose_ack(payload, len)) {
            FUZZ_CHECK(len == kPoseAckBytes);
            const auto again = encode_pose_ack(*ack);
            FUZZ_CHECK(std::memcmp(again.data(), payload, len) == 0);
        }

        const auto before = decoder.stats();
        const auto r = decoder.decode(id, 0, payload, len);
        ++calls;
        const auto& after = decoder.stats();
        switch (r.status) {
            case PoseStreamDecoder::Status::Decoded: {
                check_pose(r.pose);
                FUZZ_CHECK(r.error.empty());
                const auto ack = decoder.ack(7);
                FUZZ_CHECK(ack && !ack->holds_nothing && ack->stream == 7);
                // It holds what it just decoded, unless that was far behind its newest.
                const auto behind = static_cast<std::uint16_t>(ack->newest - id);
                if (behind < kPoseHistoryFrames) FUZZ_CHECK(ack->holds(id));
                decoded.push_back(r.pose);
                break;
            }
            case PoseStreamDecoder::Status::MissingReference:
                FUZZ_CHECK(r.type == PoseFrameType::Delta);
                FUZZ_CHECK(after.missing_reference == before.missing_reference + 1);
                FUZZ_CHECK(!r.error.empty());
                FUZZ_CHECK(decoder.ack(7)->wants_keyframe || decoder.stats().keyframes > 0);
                break;
            case PoseStreamDecoder::Status::Malformed:
                FUZZ_CHECK(after.malformed == before.malformed + 1);
                FUZZ_CHECK(!r.error.empty());
                break;
        }
    }
    const auto& s = decoder.stats();
    FUZZ_CHECK(s.keyframes + s.deltas + s.missing_reference + s.malformed == calls);
    if (decoded.size() > 40) decoded.resize(40);  // keeps each input fast
    check_encoder_agrees(decoded);
    return 0;
}
