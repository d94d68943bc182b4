// avatar_figure: the body shapes drawn for a pose (a torso, tapered limbs, a head that shows
// which way the face points), in tile pixels.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "core/avatar_figure.hpp"
#include "core/idle_pose.hpp"

using namespace posemeet;

namespace {

const TileRect kTile{100, 50, 400, 300};

// The resting figure turned so that its nose points to the picture's left (a profile): the
// nose moves left of the ears, the ears close up in x and part in depth.
Pose looking_left() {
    Pose p = idle_pose(0);
    p[Landmark::Nose].x -= 0.06f;
    p[Landmark::LeftEar].x = 0.51f;
    p[Landmark::LeftEar].z = 0.09f;
    p[Landmark::RightEar].x = 0.49f;
    p[Landmark::RightEar].z = -0.02f;
    return p;
}

}  // namespace

TEST_SUITE_BEGIN("avatar_figure");

TEST_CASE("facing the viewer the head faces forward; turned, it points the nose's way") {
    const AvatarFigure front = avatar_figure(idle_pose(0), kTile);
    CHECK(std::hypot(front.head.facing[0], front.head.facing[1]) < 0.35f);
    CHECK(front.head.opacity == doctest::Approx(1.0f));
    const AvatarFigure left = avatar_figure(looking_left(), kTile);
    CHECK(left.head.facing[0] < -0.6f);
    CHECK(std::hypot(left.head.facing[0], left.head.facing[1]) <= 1.0001f);
    // The ears' distance is taken in 3D: a profile's head is not smaller.
    CHECK(left.head.radius >= front.head.radius * 0.8f);
}

TEST_CASE("the head sits above the shoulders, inside the tile, sized like a head") {
    const AvatarFigure f = avatar_figure(idle_pose(0), kTile);
    float sx, sy;
    map_to_tile(kTile, 0.5f, 0.36f, sx, sy);  // between the resting shoulders
    CHECK(f.head.center[1] < sy);
    CHECK(f.head.center[0] == doctest::Approx(sx).epsilon(0.01));
    CHECK(f.head.center[1] - f.head.radius > kTile.y);
    const float side = std::min(kTile.w, kTile.h) * 0.92f;
    CHECK(f.head.radius > 0.05f * side);
    CHECK(f.head.radius < 0.1f * side);
}

TEST_CASE("a body, not sticks: a wide torso and limbs that taper") {
    const AvatarFigure f = avatar_figure(idle_pose(0), kTile);
    // Torso pieces (and the neck) come before the limbs in front of them.
    const auto torso = std::find_if(f.limbs.begin(), f.limbs.end(),
                                    [](const FigureLimb& l) { return l.shade == FigureLimb::Shade::Body; });
    REQUIRE(torso != f.limbs.end());
    float widest_torso = 0, widest_limb = 0;
    int tapering = 0;
    for (const FigureLimb& l : f.limbs) {
        const float w = std::max(l.r_from, l.r_to);
        (l.shade == FigureLimb::Shade::Body ? widest_torso : widest_limb) =
            std::max(l.shade == FigureLimb::Shade::Body ? widest_torso : widest_limb, w);
        if (l.shade != FigureLimb::Shade::Body && l.r_from > l.r_to) ++tapering;
    }
    CHECK(widest_torso > 2.5f * widest_limb);
    CHECK(widest_limb > 4.0f);    // limbs are several pixels thick on a 400x300 tile
    CHECK(tapering >= 8);         // upper arms, forearms, thighs, shins (and feet)
    // Facing the camera, no limb is behind the torso.
    CHECK(std::none_of(f.limbs.begin(), f.limbs.end(),
                       [](const FigureLimb& l) { return l.shade == FigureLimb::Shade::FarLimb; }));
}

TEST_CASE("turned sideways, the far side's limbs are drawn first, behind the torso") {
    Pose p = idle_pose(0);
    p[Landmark::LeftShoulder].z = 0.12f;  // the left shoulder away from the camera
    p[Landmark::RightShoulder].z = -0.12f;
    const AvatarFigure f = avatar_figure(p, kTile);
    REQUIRE(!f.limbs.empty());
    CHECK(f.limbs.front().shade == FigureLimb::Shade::FarLimb);
    const auto first_body = std::find_if(f.limbs.begin(), f.limbs.end(),
                                         [](const FigureLimb& l) { return l.shade == FigureLimb::Shade::Body; });
    CHECK(std::all_of(f.limbs.begin(), first_body,
                      [](const FigureLimb& l) { return l.shade == FigureLimb::Shade::FarLimb; }));
}

TEST_CASE("parts the camera does not see are not drawn") {
    Pose p = idle_pose(0);
    for (auto l : {Landmark::LeftKnee, Landmark::RightKnee, Landmark::LeftAnkle, Landmark::RightAnkle,
                   Landmark::LeftHeel, Landmark::RightHeel, Landmark::LeftFootIndex, Landmark::RightFootIndex})
        p[l].visibility = 0.1f;
    const std::size_t all = avatar_figure(idle_pose(0), kTile).limbs.size();
    CHECK(avatar_figure(p, kTile).limbs.size() == all - 6);  // thighs, shins, feet
    Pose nobody;  // every landmark at visibility 0
    const AvatarFigure none = avatar_figure(nobody, kTile);
    CHECK(none.limbs.empty());
    CHECK(none.head.opacity == 0.0f);
}

TEST_SUITE_END();
