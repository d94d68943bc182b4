#version 300 es
// A tapered capsule (two discs and the lines touching both) with an optional darker edge,
// anti-aliased over one device pixel. The distance is Inigo Quilez's "uneven capsule".
precision highp float;
in vec2 v_pos;
flat in vec2 v_from;
flat in vec2 v_to;
flat in vec2 v_radii;
flat in vec4 v_fill;
flat in vec4 v_edge;
uniform float u_pixel;                      // one device pixel in CSS pixels
out vec4 frag_color;

float cross2(vec2 a, vec2 b) { return a.x * b.y - a.y * b.x; }

// Signed distance from p to the capsule (negative inside).
float uneven_capsule(vec2 p, vec2 a, vec2 b, float ra, float rb) {
    p -= a;
    b -= a;
    float h = dot(b, b);
    float k = ra - rb;
    // A disc (no length), or one end's disc holding the other: the larger disc is the shape.
    if (h < 1e-4 || k * k >= h) return min(length(p) - ra, length(p - b) - rb);
    vec2 q = vec2(abs(dot(p, vec2(b.y, -b.x))), dot(p, b)) / h;
    vec2 c = vec2(sqrt(h - k * k), k);
    float side = cross2(c, q);
    if (side < 0.0) return sqrt(h * dot(q, q)) - ra;
    if (side > c.x) return sqrt(h * (dot(q, q) + 1.0 - 2.0 * q.y)) - rb;
    return dot(c, q) - ra;
}

void main() {
    float d = uneven_capsule(v_pos, v_from, v_to, v_radii.x, v_radii.y);
    float alpha = 1.0 - smoothstep(-u_pixel, u_pixel, d);
    if (alpha <= 0.0) discard;
    float edge_width = v_edge.a;
    float on_edge = edge_width > 0.0 ? smoothstep(-edge_width - u_pixel, -edge_width + u_pixel, d) : 0.0;
    frag_color = vec4(mix(v_fill.rgb, v_edge.rgb, on_edge), v_fill.a * alpha);
}
