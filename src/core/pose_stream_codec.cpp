// Keyframes, delta frames, reference choice and the receiver's frame history; the wire
// format is in pose_stream_codec.hpp.
//
// [SECTION] landmark tree and residual helpers
// [SECTION] frame history
// [SECTION] keyframes and deltas on the wire
// [SECTION] encoder
// [SECTION] decoder
#include "core/pose_stream_codec.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <utility>

#include "core/bit_io.hpp"

namespace posemeet {

using pose_quantizer::QuantizedPose;
namespace pq = pose_quantizer;

namespace {

// [SECTION] landmark tree and residual helpers

// Each landmark's parent in the body (always a lower index, so parents decode first): a
// hand's points move with the wrist, the face with the nose, so predicting a landmark's
// motion from its parent's leaves a small residual when the body moves as a whole.
constexpr std::array<std::int8_t, kLandmarkCount> kParent = {
    -1, 0,  0,  0,  0,  0,  0,  0,  0,  0,  0,       // nose; eyes, ears, mouth
    0,  11, 11, 12, 13, 14, 15, 16, 15, 16, 15, 16,  // shoulders, elbows, wrists, hands
    11, 23, 23, 24, 25, 26, 27, 28, 27, 28,          // hips, knees, ankles, heels, feet
};
// Which Exp-Golomb order a landmark's x and y use: 0 head, 1 torso and legs, 2 arms and hands
// (they move at very different speeds); every z shares group 3.
constexpr std::array<std::uint8_t, kLandmarkCount> kXYGroup = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,     //
    1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,  //
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1,        //
};
constexpr int kZGroup = 3;
constexpr int kOrderGroups = 4;
constexpr int kOrderBits = 4;
constexpr int kMaxOrder = (1 << kOrderBits) - 1;
constexpr int kShiftBits = 2;
// Delta precisions an encoder tries, finest first (shift of x,y; shift of z).
constexpr std::array<std::pair<int, int>, 6> kPrecisionLadder = {
    {{0, 0}, {0, 1}, {0, 2}, {0, 3}, {1, 3}, {2, 3}}};
// Longest zero prefix a decoder accepts: residuals span at most 2 x 2^12 levels, zigzagged.
constexpr int kMaxExpGolombPrefix = 16;

constexpr std::uint8_t kTypeMask = 0x03;
constexpr std::uint8_t kFlagPredictXY = 1u << 2;
constexpr std::uint8_t kFlagPredictZ = 1u << 3;
constexpr std::uint8_t kFlagSkipHidden = 1u << 4;
constexpr std::uint8_t kKnownDeltaFlags = kFlagPredictXY | kFlagPredictZ | kFlagSkipHidden;

std::uint32_t zigzag(std::int32_t r) {
    return r >= 0 ? static_cast<std::uint32_t>(r) * 2u
                  : static_cast<std::uint32_t>(-(r + 1)) * 2u + 1u;
}
std::int64_t unzigzag(std::uint32_t z) {
    return (z & 1u) ? -static_cast<std::int64_t>(z >> 1) - 1 : static_cast<std::int64_t>(z >> 1);
}

// "a after b" on the wrapping 16-bit frame ids.
std::int32_t id_distance(std::uint16_t a, std::uint16_t b) {
    return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b));
}

using Hidden = std::array<bool, kLandmarkCount>;

Hidden hidden_landmarks(const QuantizedPose& levels, bool skip_hidden) {
    Hidden hidden{};
    for (int i = 0; i < kLandmarkCount; ++i)
        hidden[i] = skip_hidden && levels[i][pq::kVisibility] <= pq::kHiddenVisibilityLevel;
    return hidden;
}

std::int32_t floor_div(std::int32_t a, std::int32_t unit) {
    return a >= 0 ? a / unit : -((-a + unit - 1) / unit);
}

// What the parent landmark's motion (in levels) predicts for landmark i, when predicting.
std::int32_t parent_motion(const std::array<std::int32_t, kLandmarkCount>& motion, int i,
                           bool predict) {
    return predict && kParent[i] >= 0 ? motion[kParent[i]] : 0;
}

// One component (x, y or z) of a delta as the encoder plans it: the residual to send for
// each landmark (zigzagged; unused for hidden ones) and the value the decoder will rebuild.
struct ComponentCode {
    std::array<std::uint32_t, kLandmarkCount> zz{};
    std::array<std::int32_t, kLandmarkCount> value{};
};

// Motion travels in units of 2^shift levels, rounded to the nearest unit; the rebuilt value
// is clamped to the component's range on both sides.
ComponentCode code_component(const QuantizedPose& ref, const QuantizedPose& target,
                             const Hidden& hidden, int c, bool predict, int shift) {
    ComponentCode code;
    const std::int32_t unit = 1 << shift;
    std::array<std::int32_t, kLandmarkCount> motion{};
    for (int i = 0; i < kLandmarkCount; ++i) {
        const std::int32_t pm = parent_motion(motion, i, predict);
        std::int32_t v;
        if (hidden[i]) {
            v = std::clamp(ref[i][c] + pm, 0, pq::max_level(c));
        } else {
            const std::int32_t units = floor_div(target[i][c] - ref[i][c] + unit / 2, unit);
            v = std::clamp(ref[i][c] + units * unit, 0, pq::max_level(c));
            code.zz[i] = zigzag(units - floor_div(pm, unit));
        }
        code.value[i] = v;
        motion[i] = v - ref[i][c];
    }
    return code;
}

// Bits of the residuals of `codes` in order group `group` with order k.
int group_bits(const std::vector<const ComponentCode*>& codes, const Hidden& hidden, int group,
               int k) {
    int bits = 0;
    for (int i = 0; i < kLandmarkCount; ++i) {
        if (hidden[i] || (group == kZGroup ? false : kXYGroup[i] != group)) continue;
        for (const ComponentCode* code : codes) bits += BitWriter::exp_golomb_bits(code->zz[i], k);
    }
    return bits;
}

struct OrderChoice {
    int order = 0;
    int bits = 0;
};
OrderChoice best_order(const std::vector<const ComponentCode*>& codes, const Hidden& hidden,
                       int group) {
    OrderChoice best{0, std::numeric_limits<int>::max()};
    for (int k = 0; k <= kMaxOrder; ++k) {
        const int bits = group_bits(codes, hidden, group, k);
        if (bits < best.bits) best = {k, bits};
    }
    return best;
}

}  // namespace

// [SECTION] frame history

const PoseFrameHistory::Frame* PoseFrameHistory::find(std::uint16_t id) const {
    const Frame& f = slots_[id % kPoseHistoryFrames];
    return f.valid && f.id == id ? &f : nullptr;
}

void PoseFrameHistory::store(std::uint16_t id, bool keyframe, std::uint32_t timestamp_ms,
                             const QuantizedPose& levels) {
    if (have_newest_) {
        const std::int32_t ahead = id_distance(id, newest_);
        if (ahead <= -kPoseHistoryFrames) return;
        if (ahead >= kPoseHistoryFrames) slots_ = {};
    }
    if (!have_newest_ || id_distance(id, newest_) > 0) newest_ = id;
    have_newest_ = true;
    slots_[id % kPoseHistoryFrames] = {true, keyframe, id, timestamp_ms, levels};
}

// [SECTION] keyframes and deltas on the wire

namespace {

std::vector<std::uint8_t> write_keyframe(const QuantizedPose& levels) {
    std::vector<std::uint8_t> out;
    out.reserve(kKeyframePayloadBytes);
    out.push_back(static_cast<std::uint8_t>(PoseFrameType::Keyframe));
    BitWriter w(out);
    for (const auto& l : levels)
        for (int c = 0; c < 4; ++c)
            w.write(static_cast<std::uint32_t>(l[c]), pq::kComponentBits[c]);
    return out;
}

// Everything but the payload bytes: what a delta against `ref` sends and rebuilds.
struct DeltaPlan {
    std::uint8_t flags = 0;
    int shift_xy = 0, shift_z = 0;
    std::array<int, kOrderGroups> orders{};
    QuantizedPose rebuilt{};  // what the decoder will hold
    Hidden hidden{};
    std::array<ComponentCode, 3> codes;  // x, y, z
};

// Visibility as the delta sends it: changes smaller than the deadband are not sent.
QuantizedPose with_visibility_sent(const QuantizedPose& ref, const QuantizedPose& target,
                                   int deadband) {
    QuantizedPose out = target;
    for (int i = 0; i < kLandmarkCount; ++i) {
        const std::int32_t change = target[i][pq::kVisibility] - ref[i][pq::kVisibility];
        if (std::abs(change) <= deadband) out[i][pq::kVisibility] = ref[i][pq::kVisibility];
    }
    return out;
}

DeltaPlan plan_delta(const QuantizedPose& ref, const QuantizedPose& target_in, bool skip_hidden,
                     int shift_xy, int shift_z, int visibility_deadband) {
    DeltaPlan plan;
    plan.shift_xy = shift_xy;
    plan.shift_z = shift_z;
    const QuantizedPose target = with_visibility_sent(ref, target_in, visibility_deadband);
    plan.hidden = hidden_landmarks(target, skip_hidden);
    if (skip_hidden) plan.flags |= kFlagSkipHidden;
    // x and y: with and without prediction from the parent, whichever is smaller. Camera
    // jitter is independent per landmark (prediction doubles its variance); whole-body and
    // whole-arm motion is shared (prediction removes it). Each frame picks.
    int best_xy_bits = std::numeric_limits<int>::max();
    for (bool predict : {false, true}) {
        ComponentCode x = code_component(ref, target, plan.hidden, pq::kX, predict, shift_xy);
        ComponentCode y = code_component(ref, target, plan.hidden, pq::kY, predict, shift_xy);
        std::array<int, kOrderGroups> orders{};
        int bits = 0;
        for (int g = 0; g < kZGroup; ++g) {
            const OrderChoice o = best_order({&x, &y}, plan.hidden, g);
            orders[g] = o.order;
            bits += o.bits;
        }
        if (bits < best_xy_bits) {
            best_xy_bits = bits;
            plan.codes[0] = x;
            plan.codes[1] = y;
            std::copy(orders.begin(), orders.begin() + kZGroup, plan.orders.begin());
            plan.flags = static_cast<std::uint8_t>((plan.flags & ~kFlagPredictXY) |
                                                   (predict ? kFlagPredictXY : 0));
        }
    }
    int best_z_bits = std::numeric_limits<int>::max();
    for (bool predict : {false, true}) {
        ComponentCode z = code_component(ref, target, plan.hidden, pq::kZ, predict, shift_z);
        const OrderChoice o = best_order({&z}, plan.hidden, kZGroup);
        if (o.bits < best_z_bits) {
            best_z_bits = o.bits;
            plan.codes[2] = z;
            plan.orders[kZGroup] = o.order;
            plan.flags = static_cast<std::uint8_t>((plan.flags & ~kFlagPredictZ) |
                                                   (predict ? kFlagPredictZ : 0));
        }
    }
    plan.rebuilt = target;
    for (int i = 0; i < kLandmarkCount; ++i)
        for (int c = 0; c < 3; ++c) plan.rebuilt[i][c] = plan.codes[c].value[i];
    return plan;
}

std::vector<std::uint8_t> write_delta(const DeltaPlan& plan, std::uint8_t distance,
                                      const QuantizedPose& ref) {
    const QuantizedPose& target = plan.rebuilt;
    std::vector<std::uint8_t> out;
    out.reserve(kMaxDeltaPayloadBytes);
    out.push_back(
        static_cast<std::uint8_t>(static_cast<std::uint8_t>(PoseFrameType::Delta) | plan.flags));
    out.push_back(distance);
    BitWriter w(out);
    std::vector<int> changed;
    for (int i = 0; i < kLandmarkCount; ++i)
        if (target[i][pq::kVisibility] != ref[i][pq::kVisibility]) changed.push_back(i);
    w.write_exp_golomb(static_cast<std::uint32_t>(changed.size()), 0);
    int previous = -1;
    for (int i : changed) {
        const std::int32_t change = target[i][pq::kVisibility] - ref[i][pq::kVisibility];
        w.write_exp_golomb(static_cast<std::uint32_t>(i - previous - 1), 0);
        w.write(change < 0 ? 1u : 0u, 1);
        w.write_exp_golomb(static_cast<std::uint32_t>(std::abs(change) - 1), 0);
        previous = i;
    }
    w.write(static_cast<std::uint32_t>(plan.shift_xy), kShiftBits);
    w.write(static_cast<std::uint32_t>(plan.shift_z), kShiftBits);
    for (int order : plan.orders) w.write(static_cast<std::uint32_t>(order), kOrderBits);
    for (int i = 0; i < kLandmarkCount; ++i) {
        if (plan.hidden[i]) continue;
        w.write_exp_golomb(plan.codes[0].zz[i], plan.orders[kXYGroup[i]]);
        w.write_exp_golomb(plan.codes[1].zz[i], plan.orders[kXYGroup[i]]);
        w.write_exp_golomb(plan.codes[2].zz[i], plan.orders[kZGroup]);
    }
    return out;
}

// The last field ended in the last byte, and the bits after it are zero.
bool only_padding_left(BitReader& r, std::size_t size_bytes) {
    if ((r.bits_read() + 7) / 8 != size_bytes) return false;
    while (r.bits_read() < size_bytes * 8) {
        std::uint32_t bit = 0;
        if (!r.read(bit, 1) || bit) return false;
    }
    return true;
}

struct ParsedFrame {
    bool ok = false;
    std::string error;
    QuantizedPose levels{};
};

ParsedFrame read_keyframe(const std::uint8_t* data, std::size_t size) {
    if (size != kKeyframePayloadBytes)
        return {false, "keyframe must be " + std::to_string(kKeyframePayloadBytes) + " bytes", {}};
    if (data[0] != static_cast<std::uint8_t>(PoseFrameType::Keyframe))
        return {false, "keyframe flags must be 0", {}};
    ParsedFrame f;
    BitReader r(data + 1, size - 1);
    for (auto& l : f.levels) {
        for (int c = 0; c < 4; ++c) {
            std::uint32_t v = 0;
            r.read(v, pq::kComponentBits[c]);  // cannot run out: the size was checked
            l[c] = static_cast<std::int32_t>(v);
        }
    }
    if (!only_padding_left(r, size - 1)) return {false, "keyframe padding bits must be 0", {}};
    f.ok = true;
    return f;
}

// The bits of a delta after its two header bytes, against `ref`.
ParsedFrame read_delta_body(std::uint8_t flags, const QuantizedPose& ref, const std::uint8_t* data,
                            std::size_t size) {
    ParsedFrame f;
    f.levels = ref;
    BitReader r(data, size);
    auto fail = [](const char* why) { return ParsedFrame{false, why, {}}; };
    std::uint32_t n = 0;
    if (!r.read_exp_golomb(n, 0, kMaxExpGolombPrefix))
        return fail("delta truncated in its visibility changes");
    if (n > static_cast<std::uint32_t>(kLandmarkCount))
        return fail("more visibility changes than landmarks");
    int previous = -1;
    for (std::uint32_t k = 0; k < n; ++k) {
        std::uint32_t gap = 0, negative = 0, magnitude = 0;
        if (!r.read_exp_golomb(gap, 0, kMaxExpGolombPrefix) || !r.read(negative, 1) ||
            !r.read_exp_golomb(magnitude, 0, kMaxExpGolombPrefix))
            return fail("delta truncated in its visibility changes");
        const std::int64_t i = previous + 1 + static_cast<std::int64_t>(gap);
        if (i >= kLandmarkCount) return fail("visibility change past the last landmark");
        const std::int64_t change =
            (negative ? -1 : 1) * (static_cast<std::int64_t>(magnitude) + 1);
        const std::int64_t v = ref[i][pq::kVisibility] + change;
        if (v < 0 || v > pq::max_level(pq::kVisibility)) return fail("visibility out of range");
        f.levels[i][pq::kVisibility] = static_cast<std::int32_t>(v);
        previous = static_cast<int>(i);
    }
    std::uint32_t shift_xy = 0, shift_z = 0;
    if (!r.read(shift_xy, kShiftBits) || !r.read(shift_z, kShiftBits))
        return fail("delta truncated in its shifts");
    std::array<int, kOrderGroups> orders{};
    for (int& order : orders) {
        std::uint32_t v = 0;
        if (!r.read(v, kOrderBits)) return fail("delta truncated in its orders");
        order = static_cast<int>(v);
    }
    const Hidden hidden = hidden_landmarks(f.levels, flags & kFlagSkipHidden);
    std::array<std::array<std::int32_t, kLandmarkCount>, 3> motion{};
    for (int i = 0; i < kLandmarkCount; ++i) {
        for (int c = 0; c < 3; ++c) {
            const bool z = c == pq::kZ;
            const bool predict = flags & (z ? kFlagPredictZ : kFlagPredictXY);
            const std::int32_t pm = parent_motion(motion[c], i, predict);
            std::int64_t v;
            if (hidden[i]) {
                v = ref[i][c] + pm;
            } else {
                std::uint32_t zz = 0;
                if (!r.read_exp_golomb(zz, orders[z ? kZGroup : kXYGroup[i]], kMaxExpGolombPrefix))
                    return fail("delta truncated in its residuals");
                const std::int32_t unit = 1 << (z ? shift_z : shift_xy);
                v = ref[i][c] + (floor_div(pm, unit) + unzigzag(zz)) * unit;
            }
            v = std::clamp<std::int64_t>(v, 0, pq::max_level(c));
            f.levels[i][c] = static_cast<std::int32_t>(v);
            motion[c][i] = static_cast<std::int32_t>(v) - ref[i][c];
        }
    }
    if (!only_padding_left(r, size)) return fail("delta has bytes after its last field");
    f.ok = true;
    return f;
}

}  // namespace

// [SECTION] encoder

bool PoseStreamEncoder::every_receiver_holds(std::uint16_t id) const {
    for (const auto& [media_id, r] : receivers_)
        if (!r.acked || !r.latest.holds(id)) return false;
    return true;
}

void PoseStreamEncoder::on_ack(std::uint16_t receiver, const PoseAck& ack) {
    auto it = receivers_.find(receiver);
    if (it == receivers_.end()) return;  // not (or no longer) one of ours
    ReceiverState& r = it->second;
    if (ack.wants_keyframe &&
        (!have_keyframe_ || id_distance(ack.undecodable, newest_keyframe_) > 0))
        keyframe_requested_ = true;
    if (ack.holds_nothing) return;  // tells nothing new about what it holds
    if (r.acked && id_distance(ack.newest, r.latest.newest) < 0) return;
    r.acked = true;
    r.latest = ack;
}

PoseStreamEncoder::Frame PoseStreamEncoder::encode(const Pose& pose, std::uint16_t frame_id,
                                                   std::uint32_t timestamp_ms,
                                                   const std::vector<std::uint16_t>& receivers) {
    // Receivers that left are forgotten; new ones cannot decode a delta yet.
    for (auto it = receivers_.begin(); it != receivers_.end();)
        it = std::find(receivers.begin(), receivers.end(), it->first) == receivers.end()
                 ? receivers_.erase(it)
                 : std::next(it);
    for (std::uint16_t id : receivers)
        if (receivers_.try_emplace(id).second && have_keyframe_) keyframe_requested_ = true;

    const QuantizedPose target = pq::quantize(pose);
    Frame frame;
    std::uint64_t* keyframe_reason = nullptr;
    if (!have_keyframe_)
        keyframe_reason = &stats_.first_keyframes;
    else if (keyframe_requested_)
        keyframe_reason = &stats_.on_demand_keyframes;

    // The reference: the newest frame every receiver holds, else the newest keyframe (and
    // while that is the case, a keyframe every interval ends any receiver's loss).
    const PoseFrameHistory::Frame* acknowledged = nullptr;
    const PoseFrameHistory::Frame* keyframe = nullptr;
    if (!keyframe_reason) {
        for (int d = 1; d <= kMaxReferenceDistance && !acknowledged; ++d) {
            const auto* f = sent_.find(static_cast<std::uint16_t>(frame_id - d));
            if (f && every_receiver_holds(f->id)) acknowledged = f;
        }
        keyframe = sent_.find(newest_keyframe_);
        if (keyframe && id_distance(frame_id, keyframe->id) > kMaxReferenceDistance)
            keyframe = nullptr;
        const bool interval_passed =
            static_cast<std::int32_t>(timestamp_ms - newest_keyframe_ms_) >=
            static_cast<std::int32_t>(config_.keyframe_interval_ms);
        if (!acknowledged && (!keyframe || interval_passed))
            keyframe_reason = &stats_.periodic_keyframes;
    }

    if (!keyframe_reason) {
        // The finest precision that fits: depth (which nothing draws) coarsens first.
        const PoseFrameHistory::Frame* ref = acknowledged ? acknowledged : keyframe;
        const auto distance = static_cast<std::uint8_t>(id_distance(frame_id, ref->id));
        for (const auto& [shift_xy, shift_z] : kPrecisionLadder) {
            if (shift_xy > config_.max_shift_xy || shift_z > config_.max_shift_z) continue;
            const DeltaPlan plan = plan_delta(ref->levels, target, config_.skip_hidden_positions,
                                              shift_xy, shift_z, config_.visibility_deadband);
            auto bytes = write_delta(plan, distance, ref->levels);
            if (bytes.size() > kMaxDeltaPayloadBytes) continue;
            if (ref == acknowledged) ++stats_.acknowledged_reference_deltas;
            if (shift_xy > 0) ++stats_.coarse_deltas;
            ++stats_.deltas;
            frame.type = PoseFrameType::Delta;
            frame.reference = ref->id;
            frame.payload = std::move(bytes);
            sent_.store(frame_id, false, timestamp_ms, plan.rebuilt);
            break;
        }
        if (frame.payload.empty()) keyframe_reason = &stats_.oversized_delta_keyframes;
    }
    if (keyframe_reason) {
        ++*keyframe_reason;
        ++stats_.keyframes;
        frame.type = PoseFrameType::Keyframe;
        frame.payload = write_keyframe(target);
        sent_.store(frame_id, true, timestamp_ms, target);
        have_keyframe_ = true;
        keyframe_requested_ = false;
        newest_keyframe_ = frame_id;
        newest_keyframe_ms_ = timestamp_ms;
    }
    stats_.payload_bytes += frame.payload.size();
    return frame;
}

// [SECTION] decoder

PoseStreamDecoder::Result PoseStreamDecoder::decode(std::uint16_t frame_id,
                                                    std::uint32_t timestamp_ms,
                                                    const std::uint8_t* payload, std::size_t size) {
    Result result;
    auto refuse = [&](Status status, std::string error) {
        (status == Status::MissingReference ? stats_.missing_reference : stats_.malformed)++;
        result.status = status;
        result.error = std::move(error);
        return result;
    };
    if (size == 0) return refuse(Status::Malformed, "empty pose payload");
    const std::uint8_t type = payload[0] & kTypeMask;
    ParsedFrame parsed;
    if (type == static_cast<std::uint8_t>(PoseFrameType::Keyframe)) {
        result.type = PoseFrameType::Keyframe;
        parsed = read_keyframe(payload, size);
    } else if (type == static_cast<std::uint8_t>(PoseFrameType::Delta)) {
        result.type = PoseFrameType::Delta;
        const std::uint8_t flags = payload[0] & ~kTypeMask;
        if (flags & ~kKnownDeltaFlags) return refuse(Status::Malformed, "unknown delta flags");
        if (size < 2) return refuse(Status::Malformed, "delta without its reference");
        const std::uint8_t distance = payload[1];
        if (distance == 0 || distance > kMaxReferenceDistance)
            return refuse(Status::Malformed, "bad reference distance");
        const auto* ref = history_.find(static_cast<std::uint16_t>(frame_id - distance));
        if (!ref) {
            if (!have_undecodable_ || id_distance(frame_id, newest_undecodable_) > 0)
                newest_undecodable_ = frame_id;
            have_undecodable_ = true;
            return refuse(Status::MissingReference, "reference frame not held");
        }
        parsed = read_delta_body(flags, ref->levels, payload + 2, size - 2);
    } else {
        return refuse(Status::Malformed, "unknown pose frame type");
    }
    if (!parsed.ok) return refuse(Status::Malformed, parsed.error);
    history_.store(frame_id, result.type == PoseFrameType::Keyframe, timestamp_ms, parsed.levels);
    if (result.type == PoseFrameType::Keyframe &&
        (!have_keyframe_ || id_distance(frame_id, newest_keyframe_) > 0)) {
        newest_keyframe_ = frame_id;
        have_keyframe_ = true;
    }
    (result.type == PoseFrameType::Keyframe ? stats_.keyframes : stats_.deltas)++;
    result.status = Status::Decoded;
    result.pose = pq::dequantize(parsed.levels);
    return result;
}

std::optional<PoseAck> PoseStreamDecoder::ack(std::uint16_t stream) const {
    if (history_.empty() && !have_undecodable_) return std::nullopt;
    PoseAck ack;
    ack.stream = stream;
    ack.holds_nothing = history_.empty();
    ack.wants_keyframe =
        have_undecodable_ &&
        (!have_keyframe_ || id_distance(newest_undecodable_, newest_keyframe_) > 0);
    if (ack.wants_keyframe) ack.undecodable = newest_undecodable_;
    if (ack.holds_nothing) return ack;
    ack.newest = history_.newest();
    for (int i = 0; i < kPoseAckMaskFrames; ++i)
        if (history_.find(static_cast<std::uint16_t>(ack.newest - 1 - i))) ack.held_mask |= 1u << i;
    return ack;
}

bool is_pose_keyframe(const std::uint8_t* payload, std::size_t size) {
    return size > 0 && (payload[0] & kTypeMask) == static_cast<std::uint8_t>(PoseFrameType::Keyframe);
}

}  // namespace posemeet
