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

bool SkeletonRenderer::init(std::string& error) {
    bone_program_ = link(shaders::skeleton_bone_vs, shaders::skeleton_bone_fs, error);
    if (!bone_program_) return false;
    head_program_ = link(shaders::skeleton_head_vs, shaders::skeleton_head_fs, error);
    if (!head_program_) return false;
    bone_viewport_ = glGetUniformLocation(bone_program_, "u_viewport");
    bone_pixel_ = glGetUniformLocation(bone_program_, "u_pixel");
    head_viewport_ = glGetUniformLocation(head_program_, "u_viewport");
    head_pixel_ = glGetUniformLocation(head_program_, "u_pixel");

    // One unit quad per kind, as a triangle strip: bones read it as (along, across), heads
    // as (x, y). Each VAO pairs its quad (attribute 0) with its per-instance buffer.
    const float bone_quad[] = {0, -1, 1, -1, 0, 1, 1, 1};
    const float head_quad[] = {-1, -1, 1, -1, -1, 1, 1, 1};
    glGenBuffers(1, &bone_vbo_);
    glGenBuffers(1, &head_vbo_);

    bone_vao_ = quad_vao_with_instances(bone_quad, sizeof bone_quad, bone_vbo_, bone_quad_vbo_);
    constexpr GLsizei bs = sizeof(BoneInstance);
    instanced_attrib(1, 2, bs, offsetof(BoneInstance, from));
    instanced_attrib(2, 2, bs, offsetof(BoneInstance, to));
    instanced_attrib(3, 2, bs, offsetof(BoneInstance, radii));
    instanced_attrib(4, 4, bs, offsetof(BoneInstance, fill));
    instanced_attrib(5, 4, bs, offsetof(BoneInstance, edge));

    head_vao_ = quad_vao_with_instances(head_quad, sizeof head_quad, head_vbo_, head_quad_vbo_);
    constexpr GLsizei hs = sizeof(HeadInstance);
    instanced_attrib(1, 2, hs, offsetof(HeadInstance, center));
    instanced_attrib(2, 1, hs, offsetof(HeadInstance, radius));
    instanced_attrib(3, 2, hs, offsetof(HeadInstance, facing));
    instanced_attrib(4, 4, hs, offsetof(HeadInstance, fill));
    instanced_attrib(5, 4, hs, offsetof(HeadInstance, rim));
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    return true;
}

void SkeletonRenderer::queue(const Pose& pose, const Rect& tile, const Rgba& color) {
    const AvatarFigure figure = avatar_figure(pose, tile);
    auto shade = [&](float brightness, float opacity, float out[4]) {
        out[0] = color.r * brightness;
        out[1] = color.g * brightness;
        out[2] = color.b * brightness;
        out[3] = color.a * opacity;
    };
    for (const FigureLimb& l : figure.limbs) {
        BoneInstance b;
        std::copy(l.from, l.from + 2, b.from);
        std::copy(l.to, l.to + 2, b.to);
        b.radii[0] = l.r_from;
        b.radii[1] = l.r_to;
        shade(FigureLimb::brightness(l.shade), l.opacity, b.fill);
        // Limbs get a dark outline where they are thick enough for one, so an arm across the
        // torso (or the other arm) keeps its shape; the torso is one flat silhouette.
        shade(0.4f, 1.0f, b.edge);
        const bool outlined = l.shade != FigureLimb::Shade::Body && std::min(l.r_from, l.r_to) >= 3.0f;
        b.edge[3] = outlined ? 1.25f : 0.0f;
        bones_.push_back(b);
    }
    const FigureHead& h = figure.head;
    if (h.opacity > 0.01f && h.radius > 1.0f) {
        HeadInstance hi;
        std::copy(h.center, h.center + 2, hi.center);
        hi.radius = h.radius;
        std::copy(h.facing, h.facing + 2, hi.facing);
        shade(kHeadFillBrightness, h.opacity, hi.fill);
        shade(1.0f, h.opacity, hi.rim);
        heads_.push_back(hi);
    }
    ++skeletons_total_;
}

void SkeletonRenderer::draw(float viewport_w, float viewport_h, float dpr) {
    last_bones_ = static_cast<int>(bones_.size());
    last_heads_ = static_cast<int>(heads_.size());
    last_draws_ = 0;
    if (bones_.empty() && heads_.empty()) return;
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
    if (!heads_.empty()) {
        glUseProgram(head_program_);
        glUniform2f(head_viewport_, viewport_w, viewport_h);
        glUniform1f(head_pixel_, pixel);
        glBindVertexArray(head_vao_);
        glBindBuffer(GL_ARRAY_BUFFER, head_vbo_);
        glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(heads_.size() * sizeof(HeadInstance)),
                     heads_.data(), GL_STREAM_DRAW);
        glDrawArraysInstanced(GL_TRIANGLE_STRIP, 0, 4, static_cast<GLsizei>(heads_.size()));
        ++last_draws_;
    }
    glBindVertexArray(0);
    glBindBuffer(GL_ARRAY_BUFFER, 0);
    bones_.clear();
    heads_.clear();
}

}  // namespace posemeet::render
