#version 300 es
// A filled dot with a light rim, anti-aliased on both edges.
precision highp float;
in vec2 v_local;
flat in float v_radius;
flat in vec4 v_color;
uniform float u_pixel;
out vec4 frag_color;
void main() {
    float d = length(v_local);
    float outer = 1.0 - smoothstep(v_radius - u_pixel, v_radius + u_pixel, d);
    if (outer <= 0.0) discard;
    float rim = smoothstep(v_radius * 0.55 - u_pixel, v_radius * 0.55 + u_pixel, d);
    vec3 rgb = mix(v_color.rgb, vec3(1.0), 0.75 * rim);
    frag_color = vec4(rgb, v_color.a * outer);
}
