#version 300 es
// Capsule with a soft, one-pixel anti-aliased edge: distance from the pixel to the bone's
// segment, compared with the half width.
precision highp float;
in vec2 v_pos;
flat in vec2 v_from;
flat in vec2 v_to;
flat in vec4 v_color;
flat in float v_half_width;
uniform float u_pixel;                      // one device pixel in CSS pixels
out vec4 frag_color;
void main() {
    vec2 pa = v_pos - v_from;
    vec2 ba = v_to - v_from;
    float h = clamp(dot(pa, ba) / max(dot(ba, ba), 1e-6), 0.0, 1.0);
    float dist = length(pa - ba * h);
    float alpha = 1.0 - smoothstep(v_half_width - u_pixel, v_half_width + u_pixel, dist);
    if (alpha <= 0.0) discard;
    frag_color = vec4(v_color.rgb, v_color.a * alpha);
}
