// Draws avatars with WebGL2 (GLES 3.0): every body part (torso, tapered limbs, hands, feet)
// of every participant in one instanced draw, every head in a second one. The shapes come
// from core/avatar_figure. The UI queues avatars with their tile rectangles during the frame;
// draw() runs from an ImGui draw callback so avatars sit between the tile backgrounds and
// the labels (and initials) drawn over them.
#pragma once

#include <GLES3/gl3.h>

#include <string>
#include <vector>

#include "core/avatar_figure.hpp"
#include "core/pose.hpp"

namespace posemeet::render {

using Rect = TileRect;
struct Rgba {
    float r, g, b, a;
};

class SkeletonRenderer {
public:
    bool init(std::string& error);
    // `color`: the person's colour; the renderer shades it per part (avatar_figure.hpp).
    void queue(const Pose& pose, const Rect& tile, const Rgba& color);
    // Draws and clears the queue. viewport = canvas size in CSS pixels, dpr = device pixels
    // per CSS pixel (anti-aliasing is one device pixel wide).
    void draw(float viewport_w, float viewport_h, float dpr);

    int last_bone_instances() const { return last_bones_; }
    int last_head_instances() const { return last_heads_; }
    int last_draw_calls() const { return last_draws_; }
    int skeletons_drawn_total() const { return skeletons_total_; }

private:
    struct BoneInstance {
        float from[2], to[2], radii[2], fill[4], edge[4];  // edge: rgb, width in CSS px
    };
    struct HeadInstance {
        float center[2], radius, facing[2], fill[4], rim[4];
    };

    GLuint bone_program_ = 0, head_program_ = 0;
    GLuint bone_vao_ = 0, head_vao_ = 0;
    GLuint bone_quad_vbo_ = 0, head_quad_vbo_ = 0, bone_vbo_ = 0, head_vbo_ = 0;
    GLint bone_viewport_ = -1, bone_pixel_ = -1, head_viewport_ = -1, head_pixel_ = -1;
    std::vector<BoneInstance> bones_;
    std::vector<HeadInstance> heads_;
    int last_bones_ = 0, last_heads_ = 0, last_draws_ = 0, skeletons_total_ = 0;
};

}  // namespace posemeet::render
