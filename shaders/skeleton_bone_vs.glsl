#version 300 es
// One instance per bone: a quad around the segment, widened by the half width plus a
// pixel of anti-aliasing margin. Positions are in CSS pixels (ImGui coordinates).
precision highp float;
layout(location = 0) in vec2 a_corner;     // x: 0..1 along the bone, y: -1..1 across
layout(location = 1) in vec2 a_from;
layout(location = 2) in vec2 a_to;
layout(location = 3) in vec4 a_color;
layout(location = 4) in float a_half_width;
uniform vec2 u_viewport;                    // CSS pixels
out vec2 v_pos;
flat out vec2 v_from;
flat out vec2 v_to;
flat out vec4 v_color;
flat out float v_half_width;
void main() {
    vec2 d = a_to - a_from;
    float len = max(length(d), 1e-4);
    vec2 dir = d / len;
    vec2 normal = vec2(-dir.y, dir.x);
    float r = a_half_width + 1.0;
    // Extend past both ends by r so the rounded caps fit inside the quad.
    vec2 p = a_from - dir * r + dir * (len + 2.0 * r) * a_corner.x + normal * r * a_corner.y;
    v_pos = p;
    v_from = a_from;
    v_to = a_to;
    v_color = a_color;
    v_half_width = a_half_width;
    vec2 ndc = p / u_viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
