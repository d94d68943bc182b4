// What an avatar shows when no pose drives it (camera off, or the camera sees nobody): a
// calm upright figure with its arms at rest that only breathes, so a tile never looks
// frozen and never pretends to be someone's real motion.
#pragma once

#include <cstdint>

#include "core/pose.hpp"

namespace posemeet {

// The idle figure at media-clock time `media_time_ms` (the breathing phase follows it).
Pose idle_pose(std::uint32_t media_time_ms);

}  // namespace posemeet
