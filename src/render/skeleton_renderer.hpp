// Draws avatar skeletons with WebGL2 (GLES 3.0): every bone of every participant in one
// instanced draw, every joint in a second one. The UI queues skeletons with their tile
// rectangles during the frame; draw() runs from an ImGui draw callback so skeletons sit
// between the tile backgrounds and the labels drawn over them.
#pragma once

#include <GLES3/gl3.h>

#include <string>
#include <vector>

#include "core/pose.hpp"

namespace posemeet::render {

struct Rect {
    float x, y, w, h;  // CSS pixels
};
struct Rgba {
    float r, g, b, a;
};

class SkeletonRenderer {
public:
    bool init(std::string& error);
    void queue(const Pose& pose, const Rect& tile, const Rgba& color);
    // Draws and clears the queue. viewport = canvas size in CSS pixels, dpr = device pixels
    // per CSS pixel (anti-aliasing is one device pixel wide).
    void draw(float viewport_w, float viewport_h, float dpr);

    int last_bone_instances() const { return last_bones_; }
    int last_joint_instances() const { return last_joints_; }
    int last_draw_calls() const { return last_draws_; }
    int skeletons_drawn_total() const { return skeletons_total_; }

private:
    struct BoneInstance {
        float from[2], to[2], color[4], half_width;
    };
    struct JointInstance {
        float center[2], radius, color[4];
    };

    GLuint bone_program_ = 0, joint_program_ = 0;
    GLuint bone_vao_ = 0, joint_vao_ = 0;
    GLuint bone_quad_vbo_ = 0, joint_quad_vbo_ = 0, bone_vbo_ = 0, joint_vbo_ = 0;
    GLint bone_viewport_ = -1, bone_pixel_ = -1, joint_viewport_ = -1, joint_pixel_ = -1;
    std::vector<BoneInstance> bones_;
    std::vector<JointInstance> joints_;
    int last_bones_ = 0, last_joints_ = 0, last_draws_ = 0, skeletons_total_ = 0;
};

// Where a normalized pose point lands in a tile: the [0,1]^2 image square, fitted and
// centred with a margin (kept separate so the mapping is testable and shared with hit tests).
void map_to_tile(const Rect& tile, float nx, float ny, float& out_x, float& out_y);

}  // namespace posemeet::render
