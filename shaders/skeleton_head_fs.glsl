#version 300 es
// A head: a dark disc (the initials are written on it) in a rim of the person's colour. The
// rim thickens into a crescent on the side the face points to, so a profile reads as one;
// facing us, it is an even ring. Anti-aliased on both edges.
precision highp float;
in vec2 v_local;
flat in float v_radius;
flat in vec2 v_facing;
flat in vec4 v_fill;
flat in vec4 v_rim;
uniform float u_pixel;
out vec4 frag_color;
void main() {
    float d = length(v_local);
    float outer = 1.0 - smoothstep(v_radius - u_pixel, v_radius + u_pixel, d);
    if (outer <= 0.0) discard;
    vec2 dir = d > 1e-4 ? v_local / d : vec2(0.0);
    float toward = max(dot(dir, v_facing), 0.0);  // 0..1: how much this side faces forward
    // At most ~a third of the radius, so the crescent stays clear of the initials.
    float rim_width = v_radius * (0.1 + 0.22 * toward) + u_pixel;
    float on_rim = smoothstep(v_radius - rim_width - u_pixel, v_radius - rim_width + u_pixel, d);
    vec4 c = mix(v_fill, v_rim, on_rim);
    frag_color = vec4(c.rgb, c.a * outer);
}
