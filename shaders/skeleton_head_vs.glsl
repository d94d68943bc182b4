#version 300 es
// One instance per head: a square around its centre.
precision highp float;
layout(location = 0) in vec2 a_corner;     // -1..1
layout(location = 1) in vec2 a_center;
layout(location = 2) in float a_radius;
layout(location = 3) in vec2 a_facing;     // the nose's direction, in radii (0: facing us)
layout(location = 4) in vec4 a_fill;
layout(location = 5) in vec4 a_rim;
uniform vec2 u_viewport;
out vec2 v_local;
flat out float v_radius;
flat out vec2 v_facing;
flat out vec4 v_fill;
flat out vec4 v_rim;
void main() {
    float r = a_radius + 1.0;
    vec2 p = a_center + a_corner * r;
    v_local = a_corner * r;
    v_radius = a_radius;
    v_facing = a_facing;
    v_fill = a_fill;
    v_rim = a_rim;
    vec2 ndc = p / u_viewport * 2.0 - 1.0;
    gl_Position = vec4(ndc.x, -ndc.y, 0.0, 1.0);
}
