// What the relay forwards to each receiver of a large room (issue 13): rooms up to the
// mesh size get everything, as peer to peer would; beyond it the relay is selective so
// that no receiver's bandwidth grows with the room. Audio: from the loudest few speakers
// only (core/loudest_speakers.hpp). Pose: at the full rate from the members a receiver has
// on screen (vcSetMediaReceive `visible`), at kBackgroundPoseHz from the others (keyframes
// always pass: server/pose_thinning.hpp applies the rate). Pure, no I/O.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/pose_tier.hpp"

namespace posemeet {

// Pose from members off a receiver's screen: enough for a paged-out tile to be current when
// it comes back. Every delta it gets still decodes: a sender references only frames every
// receiver acknowledged, else its newest keyframe (core/pose_stream_codec.hpp), and
// keyframes always pass.
inline constexpr int kBackgroundPoseHz = 2;
// Pose to a receiver whose outgoing queue is dropping media (it reads, or the server
// writes, slower than the room sends): fewer, current frames instead of a queue that drops
// most of what it takes. Pushing every pose into queues that are full is also what an
// overloaded media thread spends itself on, starving the writes that would drain them.
// Half the slowest tier's rate (a room of 10+ sends 10/s): less than any room sends.
inline constexpr int kCongestedPoseHz = 5;
// The most members a receiver may name as visible: a screen of tiles, with room to spare.
inline constexpr std::size_t kMaxVisibleMembers = 200;

// Rooms with more members than a peer-to-peer mesh holds are forwarded selectively.
constexpr bool is_selective_room(std::size_t members) {
    return members > static_cast<std::size_t>(kMaxPeerToPeerRoom);
}

// The members a receiver has on screen (vcSetMediaReceive `visible`). Unnamed (never said,
// or cleared with null) = it gets everyone's pose at its full rate, as in a small room.
class VisibleMembers {
  public:
    bool named() const { return named_; }
    bool contains(const std::string& user_id) const;
    // Sorted and deduplicated here; the caller checked the ids.
    void name(std::vector<std::string> user_ids);
    void clear();
    const std::vector<std::string>& user_ids() const { return user_ids_; }

  private:
    bool named_ = false;
    std::vector<std::string> user_ids_;  // sorted
};

// The pose rate a receiver gets from `sender` (0 = every pose): its own wish (`max_pose_hz`,
// 0 = none) for members on its screen and in rooms that are not selective; at most
// kBackgroundPoseHz for the others.
int pose_hz_for(const VisibleMembers& visible, int max_pose_hz, const std::string& sender,
                std::size_t room_members);

// `pose_hz` (as pose_hz_for gives it, 0 = every pose) for a receiver whose queue is dropping
// media: at most kCongestedPoseHz until it clears (server/outgoing_queue.hpp).
int pose_hz_while_congested(int pose_hz);

}  // namespace posemeet
