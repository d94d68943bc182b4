#version 300 es
// One instance per body part (a tapered capsule): a quad around the segment, widened by the
// larger radius plus a pixel of anti-aliasing margin. Positions are in CSS pixels (ImGui
// coordinates).
precision highp float;
layout(location = 0) in vec2 a_corner;     // x: 0..1 along the part, y: -1..1 across
layout(location = 1) in vec2 a_from;
layout(location = 2) in vec2 a_to;
layout(location = 3) in vec2 a_radii;      // at `from`, at `to`
layout(location = 4) in vec4 a_fill;
layout(location = 5) in vec4 a_edge;       // rgb, and the edge's width in CSS pixels
uniform vec2 u_viewport;                    // CSS pixels
out vec2 v_pos;
flat out vec2 v_from;
flat out vec2 v_to;
flat out vec2 v_radii;
flat out vec4 v_fill;
flat out vec4 v_edge;
void main() {
    vec2 d = a_to - a_from;
    float len = length(d);
    vec2 dir = len > 1e-4 ? d / len : vec2(1.0, 0.0);
    vec2 normal = vec2(-dir.y, dir.x);
    float r = max(a_radii.x, a_radii.y) + 1.0;
    // Extend past both ends by r so the rounded caps fit inside the quad.
    vec2 p = a_from - dir * r + dir * (len + 2.0 * r) * a_corner.x + normal * r * a_corner.y;
    v_pos = p;
    v_from = a_from;
    v_to = a_to;
    v_radii = a_radii;
    v_fill = a_fill;
    v_edge = a_edge;
    vec2 ndc = p / u_viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
