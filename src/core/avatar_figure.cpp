// See avatar_figure.hpp. Sizes are fractions of the body's scale: the shoulders' width in 3D
// (z is on the same scale as x), which stays the same when the person turns, so limbs keep
// their thickness in a profile.
#include "core/avatar_figure.hpp"

#include <algorithm>
#include <cmath>

namespace posemeet {
namespace {

using L = Landmark;

// Landmarks below ~0.3 visibility are guesses (off screen, hidden): they fade out by 0.7.
float fade(float visibility) { return std::clamp((visibility - 0.3f) / 0.4f, 0.0f, 1.0f); }

float distance3(const LandmarkPoint& a, const LandmarkPoint& b) {
    return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y) + (a.z - b.z) * (a.z - b.z));
}

LandmarkPoint midpoint(const LandmarkPoint& a, const LandmarkPoint& b) {
    return {(a.x + b.x) * 0.5f, (a.y + b.y) * 0.5f, (a.z + b.z) * 0.5f, std::min(a.visibility, b.visibility)};
}

LandmarkPoint toward(const LandmarkPoint& a, const LandmarkPoint& b, float t) {
    return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t, a.z + (b.z - a.z) * t,
            std::min(a.visibility, b.visibility)};
}

// Thickness of each part, as fractions of the shoulders' width (a stylised adult).
constexpr float kUpperArm[2] = {0.12f, 0.095f};
constexpr float kForearm[2] = {0.09f, 0.065f};
constexpr float kHand[2] = {0.07f, 0.085f};  // wrist to knuckles: a mitten
constexpr float kThigh[2] = {0.16f, 0.11f};
constexpr float kShin[2] = {0.105f, 0.07f};
constexpr float kFoot[2] = {0.065f, 0.045f};
constexpr float kNeck = 0.13f;
constexpr float kShoulders = 0.14f;  // the bar through both shoulders: their roundness
constexpr float kChest = 0.42f;
constexpr float kPelvis = 0.36f;
constexpr float kHips = 0.2f;  // the bar through both hips

class Builder {
public:
    Builder(const Pose& pose, const TileRect& tile) : pose_(pose), tile_(tile) {
        side_ = std::min(tile.w, tile.h) * kFit;
        const float shoulders = distance3(pose[L::LeftShoulder], pose[L::RightShoulder]);
        const float hips = distance3(pose[L::LeftHip], pose[L::RightHip]);
        // The shoulders' width, or the hips' (narrower) when the shoulders are not seen; a
        // typical framing's width when neither is.
        float scale = 0.21f;
        if (std::min(pose[L::LeftShoulder].visibility, pose[L::RightShoulder].visibility) > 0.3f)
            scale = shoulders;
        else if (std::min(pose[L::LeftHip].visibility, pose[L::RightHip].visibility) > 0.3f)
            scale = hips * 1.5f;
        scale_px_ = std::clamp(scale, 0.05f, 0.6f) * side_;
    }

    void limb(const LandmarkPoint& a, const LandmarkPoint& b, const float (&r)[2], FigureLimb::Shade shade) {
        capsule(a, b, r[0] * scale_px_, r[1] * scale_px_, shade);
    }
    void capsule(const LandmarkPoint& a, const LandmarkPoint& b, float ra, float rb, FigureLimb::Shade shade) {
        const float opacity = std::min(fade(a.visibility), fade(b.visibility));
        if (opacity <= 0.01f) return;
        FigureLimb l;
        map_to_tile(tile_, a.x, a.y, l.from[0], l.from[1]);
        map_to_tile(tile_, b.x, b.y, l.to[0], l.to[1]);
        // Never thinner than a line that anti-aliases cleanly.
        l.r_from = std::max(ra, 1.5f);
        l.r_to = std::max(rb, 1.5f);
        l.opacity = opacity;
        l.shade = shade;
        out_.limbs.push_back(l);
    }

    // One side's arm and leg ("left" is the subject's left).
    void arm_and_leg(bool left, FigureLimb::Shade shade) {
        const Pose& p = pose_;
        const auto s = left ? L::LeftShoulder : L::RightShoulder, e = left ? L::LeftElbow : L::RightElbow,
                   w = left ? L::LeftWrist : L::RightWrist, i = left ? L::LeftIndex : L::RightIndex,
                   k = left ? L::LeftPinky : L::RightPinky, h = left ? L::LeftHip : L::RightHip,
                   n = left ? L::LeftKnee : L::RightKnee, a = left ? L::LeftAnkle : L::RightAnkle,
                   heel = left ? L::LeftHeel : L::RightHeel, toe = left ? L::LeftFootIndex : L::RightFootIndex;
        limb(p[h], p[n], kThigh, shade);
        limb(p[n], p[a], kShin, shade);
        limb(p[heel], p[toe], kFoot, shade);
        limb(p[s], p[e], kUpperArm, shade);
        limb(p[e], p[w], kForearm, shade);
        limb(p[w], midpoint(p[i], p[k]), kHand, shade);
    }

    void torso() {
        const Pose& p = pose_;
        const LandmarkPoint shoulders = midpoint(p[L::LeftShoulder], p[L::RightShoulder]);
        const LandmarkPoint hips = midpoint(p[L::LeftHip], p[L::RightHip]);
        const auto body = FigureLimb::Shade::Body;
        // A tapered trunk from the chest (a little below the shoulders, so its round top
        // stays under them) to the pelvis, with the shoulders and hips as rounded bars.
        limb(p[L::LeftShoulder], p[L::RightShoulder], {kShoulders, kShoulders}, body);
        limb(toward(shoulders, hips, 0.3f), hips, {kChest, kPelvis}, body);
        limb(p[L::LeftHip], p[L::RightHip], {kHips, kHips}, body);
        // The neck, up to the head's centre (the head covers its top).
        if (head_visible_) capsule(shoulders, head_point_, kNeck * scale_px_, kNeck * scale_px_, body);
    }

    void head() {
        const Pose& p = pose_;
        const LandmarkPoint& le = p[L::LeftEar];
        const LandmarkPoint& re = p[L::RightEar];
        const LandmarkPoint& nose = p[L::Nose];
        // The skull's centre lies between the ears; with an ear hidden, between the eyes.
        const bool ears = std::min(le.visibility, re.visibility) > 0.3f;
        LandmarkPoint centre = ears ? midpoint(le, re) : midpoint(p[L::LeftEye], p[L::RightEye]);
        centre.visibility = std::max(centre.visibility, nose.visibility);
        // A little wider than the ears (their distance in 3D, so it holds in a profile): a
        // cartoon's big head, with room for the initials; never a pinhead by the shoulders.
        const float radius = std::max(ears ? 0.85f * distance3(le, re) : 0.0f, 0.4f * scale_px_ / side_);
        FigureHead& h = out_.head;
        map_to_tile(tile_, centre.x, centre.y, h.center[0], h.center[1]);
        h.radius = radius * side_;
        // The nose's offset from the centre, in head radii: ~0 facing the viewer, ~1 in a
        // profile (the nose then sticks out to a side).
        float fx = (nose.x - centre.x) / radius, fy = (nose.y - centre.y) / radius;
        const float length = std::hypot(fx, fy);
        if (length > 1.0f) fx /= length, fy /= length;
        h.facing[0] = fx;
        h.facing[1] = fy;
        h.opacity = fade(centre.visibility);
        head_visible_ = h.opacity > 0.01f;
        head_point_ = centre;
    }

    AvatarFigure take() { return std::move(out_); }

    // Which side's limbs are behind the torso: the one whose shoulder is further from the
    // camera by a clear margin (facing the camera, neither is).
    int far_side() const {
        const float dz = pose_[L::LeftShoulder].z - pose_[L::RightShoulder].z;
        const float margin = 0.15f * scale_px_ / side_;
        return dz > margin ? 0 : dz < -margin ? 1 : -1;  // 0: left, 1: right, -1: neither
    }

    static constexpr float kFit = 0.92f;  // the image square's share of the tile (map_to_tile)

private:
    const Pose& pose_;
    TileRect tile_;
    float side_ = 0, scale_px_ = 0;
    bool head_visible_ = false;
    LandmarkPoint head_point_;
    AvatarFigure out_;
};

}  // namespace

void map_to_tile(const TileRect& tile, float nx, float ny, float& out_x, float& out_y) {
    const float side = std::min(tile.w, tile.h) * Builder::kFit;
    const float ox = tile.x + (tile.w - side) * 0.5f;
    const float oy = tile.y + (tile.h - side) * 0.5f;
    out_x = ox + nx * side;
    out_y = oy + ny * side;
}

AvatarFigure avatar_figure(const Pose& pose, const TileRect& tile) {
    Builder b(pose, tile);
    b.head();  // first: the neck reaches up to it
    const int far = b.far_side();
    if (far >= 0) b.arm_and_leg(far == 0, FigureLimb::Shade::FarLimb);
    b.torso();
    for (int side = 0; side < 2; ++side)
        if (side != far) b.arm_and_leg(side == 0, FigureLimb::Shade::Limb);
    return b.take();
}

}  // namespace posemeet
