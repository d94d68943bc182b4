// Pose helpers that are not part of the wire format.
#include "core/pose.hpp"

namespace posemeet {

Pose lerp(const Pose& a, const Pose& b, float t) {
    Pose out;
    for (int i = 0; i < kLandmarkCount; ++i) {
        const auto& p = a.landmarks[i];
        const auto& q = b.landmarks[i];
        out.landmarks[i] = {p.x + (q.x - p.x) * t, p.y + (q.y - p.y) * t, p.z + (q.z - p.z) * t,
                            p.visibility + (q.visibility - p.visibility) * t};
    }
    return out;
}

}  // namespace posemeet
