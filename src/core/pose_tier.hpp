// How often each participant sends its pose, by room size (the original design's rule):
// up to 4 people 30 poses/s, up to 9 people 20/s, more 10/s, so that what each browser
// uploads and decodes stays about the same as a room grows. Peer-to-peer media is a full
// mesh (every sender uploads one copy per other member), so such a room holds at most
// kMaxPeerToPeerRoom people; only a room whose members all use the server relay may be
// larger (up to the server's --max-participants).
#pragma once

namespace posemeet {

inline constexpr int kMaxPeerToPeerRoom = 16;

// The tiers, fastest first; a receiver reports a sender's tier as one of these.
inline constexpr int kPoseTiers[] = {30, 20, 10};

// Poses per second each member sends in a room of `participants` people (self included).
constexpr int pose_rate_for_room(int participants) {
    if (participants <= 4) return 30;
    if (participants <= 9) return 20;
    return 10;
}

// The tier nearest a measured rate (what a receiver infers from the sender's timestamps),
// 0 when nothing was measured. A sender forced to another rate (a bot's --pose-rate) shows
// as the nearest tier; the measured rate is reported beside it.
constexpr int pose_tier_for_rate(double hz) {
    if (!(hz > 0)) return 0;
    int best = kPoseTiers[0];
    for (int tier : kPoseTiers) {
        const double d = hz > tier ? hz - tier : tier - hz;
        const double best_d = hz > best ? hz - best : best - hz;
        if (d < best_d) best = tier;
    }
    return best;
}

}  // namespace posemeet
