// See meeting_ui.hpp. This part: the tile grid, one tile per participant with their skeleton,
// initials, name and badges.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "core/avatar_figure.hpp"
#include "ui/initials.hpp"
#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"

namespace posemeet::ui {
using namespace parts;

void MeetingUi::draw_tiles(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                           const SkeletonSink& queue_skeleton, ImDrawCallback draw_skeletons,
                           void* data) {
    ImGui::SetNextWindowPos(origin);
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("##tiles", nullptr, kPanelFlags);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const int n = static_cast<int>(view.tiles.size());
    const float gap = 10.0f;
    const ImVec2 area(size.x - 2 * gap, size.y - 2 * gap);
    // Pick the column count that gives the largest tiles at roughly 4:3.
    int best_cols = 1;
    float best_side = 0;
    for (int cols = 1; cols <= std::max(n, 1); ++cols) {
        const int rows = (n + cols - 1) / cols;
        const float w = (area.x - gap * (cols - 1)) / cols;
        const float h = (area.y - gap * (rows - 1)) / std::max(rows, 1);
        const float side = std::min(w, h * 4.0f / 3.0f);
        if (side > best_side) {
            best_side = side;
            best_cols = cols;
        }
    }
    const int cols = best_cols;
    const int rows = std::max(1, (n + cols - 1) / cols);
    const float tile_w = (area.x - gap * (cols - 1)) / cols;
    const float tile_h = (area.y - gap * (rows - 1)) / rows;

    std::vector<ImRect> placed;
    for (int i = 0; i < n; ++i) {
        const int r = i / cols, c = i % cols;
        const ImVec2 mn(origin.x + gap + c * (tile_w + gap), origin.y + gap + r * (tile_h + gap));
        placed.emplace_back(mn, ImVec2(mn.x + tile_w, mn.y + tile_h));
        draw_tile_background(dl, view.tiles[i], placed.back());
        queue_avatar(view.tiles[i], placed.back(), queue_skeleton);
    }
    // Avatars render here, above the tile backgrounds and below the labels.
    dl->AddCallback(draw_skeletons, data);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    for (int i = 0; i < n; ++i) draw_tile_overlay(dl, view.tiles[i], placed[i]);
    ImGui::End();
}

namespace {

ImU32 to_u32(Rgb8 c, float alpha = 1.0f) {
    return IM_COL32(c.r, c.g, c.b, static_cast<int>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f + 0.5f));
}

Rgb8 to_rgb8(const float rgba[4]) {
    auto byte = [](float v) { return static_cast<std::uint8_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f); };
    return {byte(rgba[0]), byte(rgba[1]), byte(rgba[2])};
}

}  // namespace

void MeetingUi::avatar_color(const TileView& t, float rgba[4]) const {
    participant_color(t, rgba);
    if (!t.idle) return;
    // A resting avatar reads as "not live": its colour faded most of the way into the tile
    // (opaque, so the overlapping parts of the body do not show through one another).
    const ImVec4 tile = ImGui::ColorConvertU32ToFloat4(kTileColor);
    const float k = 0.55f;
    rgba[0] += (tile.x - rgba[0]) * k;
    rgba[1] += (tile.y - rgba[1]) * k;
    rgba[2] += (tile.z - rgba[2]) * k;
}

void MeetingUi::draw_tile_background(ImDrawList* dl, const TileView& t, const ImRect& tile) {
    const ImVec2 mn = tile.Min, mx = tile.Max;
    // Recorded for tests, which find each avatar on a screenshot by it.
    drawn_controls_["tile/" + t.user_id] = tile;
    dl->AddRectFilled(mn, mx, kTileColor, 10.0f);
    if (t.speaking) {
        // A green glow while their voice comes through: two soft outer rings and a line.
        dl->AddRect(ImVec2(mn.x - 3, mn.y - 3), ImVec2(mx.x + 3, mx.y + 3), IM_COL32(70, 210, 120, 70), 13.0f, 0, 4.0f);
        dl->AddRect(mn, mx, kTileBorderSpeaking, 10.0f, 0, 3.0f);
    } else if (t.is_self) {
        dl->AddRect(mn, mx, kTileBorderSelf, 10.0f, 0, 2.0f);
    }
}

void MeetingUi::queue_avatar(const TileView& t, const ImRect& tile, const SkeletonSink& queue_skeleton) const {
    if (!t.pose) return;
    float rgba[4];
    avatar_color(t, rgba);
    queue_skeleton(*t.pose, tile.Min.x, tile.Min.y, tile.GetWidth(), tile.GetHeight(), rgba);
}

void MeetingUi::draw_tile_overlay(ImDrawList* dl, const TileView& t, const ImRect& tile) const {
    const ImVec2 mn = tile.Min, mx = tile.Max;
    float rgba[4];
    participant_color(t, rgba);
    const Rgb8 color = to_rgb8(rgba);
    if (t.pose) {
        // The initials on the head, which the renderer drew (dark, in the person's colour)
        // where avatar_figure() puts it. Text, not geometry: ImGui's fonts hold every script.
        const FigureHead head = avatar_figure(*t.pose, {mn.x, mn.y, tile.GetWidth(), tile.GetHeight()}).head;
        const std::string letters = initials(t.name);
        if (!letters.empty() && head.opacity > 0.3f && head.radius >= 7.0f) {
            float shown[4];
            avatar_color(t, shown);
            const Rgb8 ink = initials_color(head_fill(to_rgb8(shown)));
            // As large as fits inside the rim (which thickens to a third of the radius on the
            // side the face points to).
            const float size = std::min(head.radius * 1.0f, 48.0f);
            const ImVec2 ts = ImGui::GetFont()->CalcTextSizeA(size, FLT_MAX, 0.0f, letters.c_str());
            dl->AddText(ImGui::GetFont(), size,
                        ImVec2(std::round(head.center[0] - ts.x * 0.5f), std::round(head.center[1] - ts.y * 0.5f)),
                        to_u32(ink, head.opacity * (t.idle ? 0.75f : 1.0f)), letters.c_str());
        }
    }
    if (t.idle && t.camera) {
        // Camera on, but no pose yet: the camera is starting, or sees nobody.
        const char* waiting = t.is_self ? "looking for you..." : "waiting for pose...";
        const ImVec2 ts = ImGui::CalcTextSize(waiting);
        dl->AddText(ImVec2((mn.x + mx.x - ts.x) * 0.5f, (mn.y + mx.y - ts.y) * 0.5f), kMuted, waiting);
    }
    // The name, bottom left, after a dot in the person's colour (as in the participant list).
    const std::string label = t.name + (t.is_self ? " (you)" : "");
    const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
    const float dot = 4.0f, dot_space = 2 * dot + 6;
    const ImVec2 lp(mn.x + 10, mx.y - ls.y - 14);
    dl->AddRectFilled(ImVec2(lp.x - 6, lp.y - 4), ImVec2(lp.x + dot_space + ls.x + 6, lp.y + ls.y + 4), kLabelBg, 6.0f);
    dl->AddRectFilled(ImVec2(lp.x - 6, lp.y + ls.y + 2), ImVec2(lp.x + dot_space + ls.x + 6, lp.y + ls.y + 4),
                      to_u32(color), 2.0f, ImDrawFlags_RoundCornersBottom);
    dl->AddCircleFilled(ImVec2(lp.x + dot, lp.y + ls.y * 0.5f), dot, to_u32(color));
    dl->AddText(ImVec2(lp.x + dot_space, lp.y), kText, label.c_str());
    ImVec2 cursor(mn.x + 10, mn.y + 10);
    if (t.is_host) badge(dl, cursor, "HOST", IM_COL32(60, 100, 220, 230));
    badge(dl, cursor, t.mic ? "MIC ON" : "MUTED", t.mic ? IM_COL32(40, 140, 90, 230) : IM_COL32(120, 50, 50, 230));
    if (!t.camera) badge(dl, cursor, "CAMERA OFF", IM_COL32(90, 94, 108, 230));
    if (t.sharing) badge(dl, cursor, "SHARING", IM_COL32(130, 80, 190, 230));
    if (!t.online) badge(dl, cursor, "RECONNECTING", IM_COL32(170, 110, 30, 230));
    if (!t.is_self) {
        const char* tr = t.transport == "p2p" ? "P2P" : t.transport == "relay" ? "RELAY" : "CONNECTING";
        badge(dl, cursor, tr, transport_color(t.transport));
    }
}

}  // namespace posemeet::ui
