// Relayed pose to one slow reader at the rate it asked for (vcSetMediaReceive, pose_hz):
// of each sender's pose stream only as many frames a second pass, the rest are skipped
// here, before they take room in its outgoing queue. Keyframes always pass: a receiver
// that lost its reference waits for one. Skipping deltas is safe: each delta references a
// frame every receiver has acknowledged (core/pose_ack.hpp), and this reader acknowledges
// only what it got, so the next delta it gets still decodes.
#pragma once

#include <cstdint>
#include <map>

namespace posemeet::server {

class PoseThinning {
public:
    // The packet (a relayed pose packet, header included) from `sender` at `mono_ms`,
    // with the reader's wish `max_hz` (0 = every pose): true = forward it.
    bool admit(std::uint16_t sender, bool keyframe, int max_hz, std::int64_t mono_ms);

private:
    std::map<std::uint16_t, std::int64_t> last_forwarded_ms_;  // per sender
};

}  // namespace posemeet::server
