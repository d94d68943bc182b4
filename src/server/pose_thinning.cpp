// See pose_thinning.hpp.
#include "server/pose_thinning.hpp"

#include <algorithm>

namespace posemeet::server {

namespace {
constexpr std::int64_t kJitterAllowanceMs = 10;
}

bool PoseThinning::admit(std::uint16_t sender, bool keyframe, int max_hz, std::int64_t mono_ms) {
    if (max_hz <= 0) {
        last_forwarded_ms_.erase(sender);
        return true;
    }
    // A frame passes once the wished interval, less 10 ms of arrival jitter, has gone by:
    // a 30/s stream comes out at 10/s for a wish of 10 (every third frame), not at 7.5/s.
    const std::int64_t min_gap_ms = std::max<std::int64_t>(1, 1000 / max_hz - kJitterAllowanceMs);
    auto it = last_forwarded_ms_.find(sender);
    if (!keyframe && it != last_forwarded_ms_.end() && mono_ms - it->second < min_gap_ms) return false;
    last_forwarded_ms_[sender] = mono_ms;
    return true;
}

}  // namespace posemeet::server
