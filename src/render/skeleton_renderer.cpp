// See skeleton_renderer.hpp. Shaders come from shaders/*.glsl, embedded at build time.
#include "render/skeleton_renderer.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "render/embedded_shaders.hpp"

namespace posemeet::render {
namespace {

GLuint compile(GLenum type, const char* src, std::string& error) {
    GLuint s = glCreateShader(type);
    glShaderSource(s, 1, &src, nullptr);
    glCompileShader(s);
    GLint ok = 0;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetShaderInfoLog(s, sizeof log, nullptr, log);
        error = std::string("shader compile failed: ") + log;
        glDeleteShader(s);
        return 0;
    }
    return s;
}

GLuint link(const char* vs_src, const char* fs_src, std::string& error) {
    GLuint vs = compile(GL_VERTEX_SHADER, vs_src, error);
    if (!vs) return 0;
    GLuint fs = compile(GL_FRAGMENT_SHADER, fs_src, error);
    if (!fs) return 0;
    GLuint p = glCreateProgram();
    glAttachShader(p, vs);
    glAttachShader(p, fs);
    glLinkProgram(p);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(p, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = {};
        glGetProgramInfoLog(p, sizeof log, nullptr, log);
        error = std::string("shader link failed: ") + log;
        return 0;
    }
    return p;
}

void instanced_attrib(GLuint index, GLint size, GLsizei stride, std::size_t offset) {
    glEnableVertexAttribArray(index);
    glVertexAttribPointer(index, size, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<const void*>(offset));
    glVertexAttribDivisor(index, 1);
}

// A new VAO, left bound, with the quad's corners as attribute 0 (a new static buffer,
// returned in quad_vbo) and instance_vbo bound for the caller's per-instance attributes.
GLuint quad_vao_with_instances(const float* quad, GLsizeiptr quad_bytes, GLuint instance_vbo, GLuint& quad_vbo) {
    GLuint vao = 0;
    glGenVertexArrays(1, &vao);
    glBindVertexArray(vao);
    glGenBuffers(1, &quad_vbo);
    glBindBuffer(GL_ARRAY_BUFFER, quad_vbo);
    glBufferData(GL_ARRAY_BUFFER, quad_bytes, quad, GL_STATIC_DRAW);
    glEnableVertexAttribArray(0);
    glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
    glBindBuffer(GL_ARRAY_BUFFER, instance_vbo);
    return vao;
}

}  // namespace

void map_to_tile(const Rect& tile, float nx, float ny, float& out_x, float& out_y) {
    const float side = std::min(tile.w, tile.h) * 0.92f;
    const float ox = tile.x + (tile.w - side) * 0.5f;
    const float oy = tile.y + (tile.h - side) * 0.5f;
    out_x = ox + nx * side;
    out_y = oy + ny * side;
}

bool SkeletonRenderer::init(std::string& error) {
    bone_program_ = link(shaders::skeleton_bone_vs, shaders::skeleton_bone_fs, error);
    if (!bone_program_) return false;
    joint_program_ = link(shaders::skeleton_joint_vs, shaders::skeleton_joint_fs, error);
    if (!joint_program_) return false;
    bone_viewport_ = glGetUniformLocation(bone_program_, "u_viewport");
    bone_pixel_ = glGetUniformLocation(bone_program_, "u_pixel");
    joint_viewport_ = glGetUniformLocation(joint_program_, "u_viewport");
    joint_pixel_ = glGetUniformLocation(joint_program_, "u_pixel");

    // One unit quad per kind, as a triangle strip: bones read it as (along, across), joints
    // as (x, y). Each VAO pairs its quad (attribute 0) with its per-instance buffer.
    const float bone_quad[] = {0, -1, 1, -1, 0, 1, 1, 1};
    const float joint_quad[] = {-1, -1, 1, -1, -1, 1, 1, 1};
    glGenBuffers(1, &bone_vbo_);
    glGenBuffers(1, &joint_vbo_);

    bone_vao_ = quad_vao_with_instances(bone_quad, sizeof bone_quad, bone_vbo_, bone_quad_vbo_);
    constexpr GLsizei bs = sizeof(BoneInstance);
    instanced_attrib(1, 2, bs, offsetof(BoneInstance, from));
    instanced_attrib(2, 2, bs, offsetof(BoneInstance, to));
    instanced_attrib(3, 4, bs, offsetof(BoneInstance, color));
    instanced_attrib(4, 1, bs, offsetof(BoneInstance, half_width));

    joint_vao_ = quad_vao_with_instances(joint_quad, sizeof joint_quad, joint_vbo_, joint_quad_vbo_);
    constexpr GLsizei js = sizeof(JointInstance);
    instanced_attrib(1, 2, js, offsetof(JointInstance, center));
    instanced_attrib(2, 1, js, offsetof(JointInstance, radius));
    instanced_attrib(3, 4, js, offsetof(JointInstance, color));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    return true;
}

void SkeletonRenderer::queue(const Pose& pose, const Rect& tile, const Rgba& color) {
    const float scale = std::min(tile.w, tile.h);
    const float half_width = std::clamp(scale * 0.012f, 1.5f, 7.0f);
    const float radius = std::clamp(scale * 0.014f, 2.0f, 8.0f);
    auto fade = [](float visibility) { return std::clamp((visibility - 0.3f) / 0.4f, 0.0f, 1.0f); };
    for (const auto& [a, b] : kBones) {
        const auto& p = pose.landmarks[a];
        const auto& q = pose.landmarks[b];
        BoneInstance bi;
        map_to_tile(tile, p.x, p.y, bi.from[0], bi.from[1]);
        map_to_tile(tile, q.x, q.y, bi.to[0], bi.to[1]);
        const float alpha = color.a * std::min(fade(p.visibility), fade(q.visibility));
        if (alpha <= 0.01f) continue;
        bi.color[0] = color.r;
        bi.color[1] = color.g;
        bi.color[2] = color.b;
        bi.color[3] = alpha;
        bi.half_width = half_width;
        bones_.push_back(bi);
    }
    for (int i = 11; i < kLandmarkCount; ++i) {  // body joints; the face reads better without dots
        const auto& p = pose.landmarks[i];
        JointInstance ji;
        map_to_tile(tile, p.x, p.y, ji.center[0], ji.center[1]);
        ji.radius = (i >= 17 && i <= 22) || i >= 29 ? radius * 0.6f : radius;
        ji.color[0] = color.r;
        ji.color[1] = color.g;
        ji.color[2] = color.b;
        ji.color[3] = color.a * fade(p.visibility);
        if (ji.color[3] > 0.01f) joints_.push_back(ji);
    }
    // The head: a translucent disc through the ears, so the face bones read as a face.
    const auto& le = pose.landmarks[static_cast<int>(Landmark::LeftEar)];
    const auto& re = pose.landmarks[static_cast<int>(Landmark::RightEar)];
    JointInstance head;
    float lx, ly, rx, ry;
    map_to_tile(tile, le.x, le.y, lx, ly);
    map_to_tile(tile, re.x, re.y, rx, ry);
    head.center[0] = (lx + rx) * 0.5f;
    head.center[1] = (ly + ry) * 0.5f;
    head.radius = 0.75f * std::hypot(lx - rx, ly - ry);
    head.color[0] = color.r;
    head.color[1] = color.g;
    head.color[2] = color.b;
    head.color[3] = 0.35f * color.a * std::min(fade(le.visibility), fade(re.visibility));
    if (head.color[3] > 0.01f && head.radius > 1.0f) joints_.push_back(head);
    ++skeletons_total_;
}

void SkeletonRenderer::draw(float viewport_w, float viewport_h, float dpr) {
    last_bones_ = static_cast<int>(bones_.size());
    last_joints_ = static_cast<int>(joints_.size());
    last_draws_ = 0;
    if (bones_.empty() && joints_.empty()) return;
    glEnable(GL_BLEND);
    glBlendEquation(GL_FUNC_ADD);
    glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
    glDisable(GL_DEPTH_TEST);
    glDisable(GL_CULL_FACE);
    const float pixel = 1.0f / std::max(dpr, 0.5f);

    if (!bones_.empty()) {
        glUseProgram(bone_program_);
        glUniform2f(bone_viewport_, viewport_w, viewport_h);
        glUniform1f(bone_pixel_, pixel);
        glBindVertexArray(bone_vao_);
        glBindBuffer(GL_ARRAY_BUFFER, bone_vbo_);
        glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(bones_.size() * sizeof(BoneInstance)),
                     bones_.data(), GL_STREAM_DRAW);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(bones_.size()));
        ++last_draws_;
    }
    if (!joints_.empty()) {
        glUseProgram(joint_program_);
        glUniform2f(joint_viewport_, viewport_w, viewport_h);
        glUniform1f(joint_pixel_, pixel);
        glBindVertexArray(joint_vao_);
        glBindBuffer(GL_ARRAY_BUFFER, joint_vbo_);
        glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(joints_.size() * sizeof(JointInstance)),
                     joints_.data(), GL_STREAM_DRAW);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(joints_.size()));
        ++last_draws_;
    }
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    bones_.clear();
    joints_.clear();
}

}  // namespace posemeet::render
