// How an avatar is drawn from a pose: the shapes of a body (a torso, tapered limbs, hands,
// feet, a head that shows which way the face points) in tile pixels, back to front. Pure
// geometry, shared by the renderer (src/render, which draws the shapes) and the UI (which
// writes the initials on the head), and testable without a GPU.
#pragma once

#include <vector>

#include "core/pose.hpp"

namespace posemeet {

struct TileRect {
    float x, y, w, h;  // CSS pixels
};

// Where a normalized pose point lands in a tile: the [0,1]^2 image square, fitted and
// centred with a margin.
void map_to_tile(const TileRect& tile, float nx, float ny, float& out_x, float& out_y);

// A tapered capsule: a disc of radius r_from at `from` swept to one of radius r_to at `to`
// (from == to makes a disc).
struct FigureLimb {
    enum class Shade { Body, Limb, FarLimb };  // the torso, a limb, a limb behind the torso
    // How much of the person's colour each shade keeps (RGB multiplied): the torso darker so
    // that arms in front of it stand out, limbs behind it a little darker than those in front.
    static float brightness(Shade s) { return s == Shade::Limb ? 1.0f : s == Shade::FarLimb ? 0.72f : 0.5f; }
    float from[2], to[2];
    float r_from, r_to;
    float opacity;  // 0..1 from the landmarks' visibility
    Shade shade;
};

// The head disc's brightness (of the person's colour): dark, so the initials written on it in
// white read at >= 4.5:1 for every palette colour (ui/participant_colors tests it).
constexpr float kHeadFillBrightness = 0.4f;

struct FigureHead {
    float center[2];
    float radius;
    // Where the nose points, seen in the picture, in head radii (length 0..1): (0, 0) faces
    // the viewer, (-1, 0) is a profile looking to the picture's left.
    float facing[2];
    float opacity;
};

struct AvatarFigure {
    std::vector<FigureLimb> limbs;  // back to front (far limbs, torso, near limbs)
    FigureHead head;
};

AvatarFigure avatar_figure(const Pose& pose, const TileRect& tile);

}  // namespace posemeet
