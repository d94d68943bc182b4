// The pose stream codec: one sender's poses as keyframes and delta frames, for an unreliable,
// unordered channel. A delta names its reference frame, and the sender only names frames
// every current receiver has acknowledged (pose_ack.hpp), else its newest keyframe, so each
// packet decodes from its reference alone and loss costs at most the frames up to the next
// keyframe. One encoder per sender makes one byte stream: the relay fans out the same bytes.
//
// Payload of a MediaKind::Pose packet; the frame id is the media header's sequence number
// (bytes 3-4). Integers are pose_quantizer levels (x, y: 12 bits; z: 8; visibility: 4).
// Bit fields are packed LSB-first (core/bit_io.hpp), padded with zero bits to a whole byte;
// a payload with bytes after its last field is refused.
//
//   byte 0     bits 0-1  frame type: 0 keyframe, 1 delta (2, 3 refused)
//              bits 2-7  keyframe: 0. delta flags:
//                        bit 2  x, y residuals are predicted from the parent landmark's motion
//                        bit 3  z residuals likewise
//                        bit 4  hidden landmarks (new visibility level <= 4) carry no position:
//                               they move with their parent (or stay, without prediction)
//                        bits 5-7  0
// Keyframe (payload 150 bytes, packet 159):
//   33 x (x u12, y u12, z u8, visibility u4)                         1188 bits, 149 bytes
// Delta (packet at most kMaxDeltaPacketBytes = 64, or the encoder sends a keyframe instead):
//   byte 1     reference distance d, 1..31: the reference is frame (id - d) mod 2^16
//   then bits:
//     visibility  n = landmarks whose level changed: EG0(n); then for each, in index order,
//                 EG0(index - previous index - 1) (previous starts at -1), a sign bit
//                 (1 = lower) and EG0(|change| - 1)
//     shifts      u2 sxy, u2 sz: x,y motion travels in units of 2^sxy levels, z in 2^sz
//     orders      4 x u4: Exp-Golomb order k for x,y of the head (0-10), of the torso and
//                 legs (11, 12, 23-32), of the arms and hands (13-22), and for every z
//     residuals   for each landmark 0..32 not hidden: EGk(zz(rx)), EGk(zz(ry)), EGkz(zz(rz))
//   A landmark's motion in units u = 2^shift is m = r + floor(p / u), where p is the parent
//   landmark's motion in levels (already decoded: parents have lower indices) when the flag
//   says so, else 0; its value is clamp(reference + m * u) to the component's range, and a
//   hidden landmark's is clamp(reference + p). zz(r) = 2r for r >= 0, -2r - 1 below.
// EGk = order-k Exp-Golomb (BitWriter::write_exp_golomb).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose.hpp"
#include "core/pose_ack.hpp"
#include "core/pose_quantizer.hpp"

namespace posemeet {

constexpr std::size_t kKeyframePayloadBytes = 150;
constexpr std::size_t kMaxDeltaPacketBytes = 64;
constexpr std::size_t kMaxDeltaPayloadBytes = kMaxDeltaPacketBytes - kMediaHeaderBytes;
// Frames a receiver keeps and a delta may reach back (the ack's mask covers the same span).
constexpr int kPoseHistoryFrames = 32;
constexpr int kMaxReferenceDistance = kPoseHistoryFrames - 1;

enum class PoseFrameType : std::uint8_t { Keyframe = 0, Delta = 1 };

// Whether a pose payload is a keyframe, from its first byte alone (no decoding): what a relay
// needs to choose which poses it may skip (a delta; never a keyframe). False when empty.
bool is_pose_keyframe(const std::uint8_t* payload, std::size_t size);

// The last kPoseHistoryFrames decoded frames of one stream, by frame id (a ring: frame id
// modulo its size picks the slot, and each slot remembers its full id).
class PoseFrameHistory {
  public:
    struct Frame {
        bool valid = false;
        bool keyframe = false;
        std::uint16_t id = 0;
        std::uint32_t timestamp_ms = 0;
        pose_quantizer::QuantizedPose levels{};
    };
    const Frame* find(std::uint16_t id) const;
    // Keeps a frame unless it is too far behind the newest to hold (then its slot belongs to
    // a newer frame a sender may still reference). A jump far ahead forgets everything.
    void store(std::uint16_t id, bool keyframe, std::uint32_t timestamp_ms,
               const pose_quantizer::QuantizedPose& levels);
    bool empty() const { return !have_newest_; }
    std::uint16_t newest() const { return newest_; }
    void clear() { *this = PoseFrameHistory(); }

  private:
    std::array<Frame, kPoseHistoryFrames> slots_{};
    bool have_newest_ = false;
    std::uint16_t newest_ = 0;
};

// Largest error of a decoded landmark against the pose encoded: a keyframe's is the
// quantizer's half level; a delta adds half its motion unit (x,y: up to 2^max_shift_xy levels)
// and, for visibility, the deadband.
constexpr float max_delta_error_xy(int shift_xy) {
    return pose_quantizer::kMaxErrorXY * (shift_xy == 0 ? 1 : (1 << shift_xy) + 1);
}
constexpr float max_delta_error_z(int shift_z) {
    return pose_quantizer::kMaxErrorZ * (shift_z == 0 ? 1 : (1 << shift_z) + 1);
}
constexpr float max_delta_error_visibility(int deadband) {
    return pose_quantizer::kMaxErrorVisibility * (2 * deadband + 1);
}
// The encoder's default precision limits (PoseStreamEncoder::Config) and the error bounds of
// everything such an encoder sends (what the page API tells tests to expect).
constexpr int kDefaultMaxShiftXY = 2;
constexpr int kDefaultMaxShiftZ = 3;
constexpr int kDefaultVisibilityDeadband = 1;
constexpr float kPoseMaxErrorXY = max_delta_error_xy(kDefaultMaxShiftXY);
constexpr float kPoseMaxErrorZ = max_delta_error_z(kDefaultMaxShiftZ);
constexpr float kPoseMaxErrorVisibility = max_delta_error_visibility(kDefaultVisibilityDeadband);

// One sender's encoder. Feed it every pose in order with consecutive frame ids.
class PoseStreamEncoder {
  public:
    struct Config {
        // While some receiver has acknowledged nothing recent, deltas reference the newest
        // keyframe and a new keyframe goes out this often (their loss ends at the next one).
        std::uint32_t keyframe_interval_ms = 500;
        // Leave hidden landmarks' positions out of deltas (bit 4): they are not drawn.
        bool skip_hidden_positions = true;
        // How coarse a delta may carry motion when the finest does not fit in 64 bytes (noisy
        // landmarks, fast motion): x,y in units of up to 2^max_shift_xy levels, z likewise.
        // Beyond that the encoder sends a keyframe. See max_delta_error_xy().
        int max_shift_xy = kDefaultMaxShiftXY;
        int max_shift_z = kDefaultMaxShiftZ;
        // Visibility changes of this many levels or fewer are not sent in deltas (pose models
        // report visibility with a flicker that would otherwise cost bits in every frame).
        int visibility_deadband = kDefaultVisibilityDeadband;
    };
    struct Stats {
        std::uint64_t keyframes = 0, deltas = 0, payload_bytes = 0;
        // Why keyframes went out: the first one, a receiver appeared or one was asked for,
        // the interval while not every receiver is in sync, a delta that would not fit.
        // (on demand: a receiver appeared, wished for one, or request_keyframe() was called)
        std::uint64_t first_keyframes = 0, on_demand_keyframes = 0, periodic_keyframes = 0,
                      oversized_delta_keyframes = 0;
        // Deltas whose reference every receiver acknowledged (else: the newest keyframe), and
        // deltas that carried x,y motion coarser than one level.
        std::uint64_t acknowledged_reference_deltas = 0, coarse_deltas = 0;
    };
    struct Frame {
        PoseFrameType type = PoseFrameType::Keyframe;
        std::vector<std::uint8_t> payload;
        std::uint16_t reference = 0;  // deltas: the frame id they build on
    };

    PoseStreamEncoder() = default;
    explicit PoseStreamEncoder(Config config) : config_(config) {}

    // Encodes frame `frame_id` for the receivers now in the room (their media ids): acks of
    // receivers not listed are forgotten, and a receiver listed for the first time gets a
    // keyframe right away.
    Frame encode(const Pose& pose, std::uint16_t frame_id, std::uint32_t timestamp_ms,
                 const std::vector<std::uint16_t>& receivers);
    // An ack from `receiver` (the caller checks it is about our stream). Older ones than the
    // receiver's newest are ignored: they arrived out of order. A wish for a keyframe is
    // granted with the next frame unless a keyframe went out after the undecodable frame.
    void on_ack(std::uint16_t receiver, const PoseAck& ack);
    void request_keyframe() { keyframe_requested_ = true; }
    const Stats& stats() const { return stats_; }

  private:
    struct ReceiverState {
        bool acked = false;
        PoseAck latest;
    };
    bool every_receiver_holds(std::uint16_t id) const;

    Config config_;
    Stats stats_;
    PoseFrameHistory sent_;  // what receivers reconstruct, by frame id
    std::map<std::uint16_t, ReceiverState> receivers_;
    bool keyframe_requested_ = false;
    bool have_keyframe_ = false;
    std::uint16_t newest_keyframe_ = 0;
    std::uint32_t newest_keyframe_ms_ = 0;
};

// One receiver's decoder for one sender's stream.
class PoseStreamDecoder {
  public:
    enum class Status { Decoded, MissingReference, Malformed };
    struct Result {
        Status status = Status::Malformed;
        PoseFrameType type = PoseFrameType::Keyframe;
        Pose pose;          // when Decoded
        std::string error;  // otherwise
    };
    struct Stats {
        std::uint64_t keyframes = 0, deltas = 0;  // decoded
        std::uint64_t missing_reference = 0;      // deltas whose reference we do not hold
        std::uint64_t malformed = 0;
    };

    // `timestamp_ms` (the packet's media time) is only kept with the frame.
    Result decode(std::uint16_t frame_id, std::uint32_t timestamp_ms, const std::uint8_t* payload,
                  std::size_t size);
    // What we hold now, as an ack for the sender's stream `stream`, wishing for a keyframe
    // when a delta arrived whose reference we lack and no keyframe has come since; nullopt
    // before any pose arrived.
    std::optional<PoseAck> ack(std::uint16_t stream) const;
    const Stats& stats() const { return stats_; }

  private:
    PoseFrameHistory history_;
    Stats stats_;
    bool have_undecodable_ = false, have_keyframe_ = false;
    std::uint16_t newest_undecodable_ = 0, newest_keyframe_ = 0;
};

}  // namespace posemeet
