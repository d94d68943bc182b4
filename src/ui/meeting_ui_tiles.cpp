// See meeting_ui.hpp. This part: the tile grid, one tile per participant with their skeleton,
// name and badges.
#include <algorithm>
#include <vector>

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

    struct Placed {
        const TileView* tile;
        ImVec2 min, max;
    };
    std::vector<Placed> placed;
    for (int i = 0; i < n; ++i) {
        const int r = i / cols, c = i % cols;
        const ImVec2 mn(origin.x + gap + c * (tile_w + gap), origin.y + gap + r * (tile_h + gap));
        const ImVec2 mx(mn.x + tile_w, mn.y + tile_h);
        placed.push_back({&view.tiles[i], mn, mx});
        dl->AddRectFilled(mn, mx, u32(theme().tile_bg), 10.0f);
        const TileView& t = view.tiles[i];
        if (t.speaking) {
            // A green glow while their voice comes through: two soft outer rings and a line.
            dl->AddRect(ImVec2(mn.x - 3, mn.y - 3), ImVec2(mx.x + 3, mx.y + 3),
                        u32(ImVec4(theme().speaking_outline.x, theme().speaking_outline.y, theme().speaking_outline.z, 0.27f)),
                        13.0f, 0, 4.0f);
            dl->AddRect(mn, mx, u32(theme().speaking_outline), 10.0f, 0, 3.0f);
        } else if (t.is_self) {
            dl->AddRect(mn, mx, u32(theme().self_outline), 10.0f, 0, 2.0f);
        }
        if (view.tiles[i].pose) {
            float rgba[4];
            participant_color(view.tiles[i].color_seed, rgba);
            if (view.tiles[i].idle) rgba[3] *= 0.45f;  // a resting avatar reads as "not live"
            queue_skeleton(*view.tiles[i].pose, mn.x, mn.y, tile_w, tile_h, rgba);
        }
    }
    // Skeletons render here, above the tile backgrounds and below the labels.
    dl->AddCallback(draw_skeletons, data);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);

    for (const auto& p : placed) {
        const TileView& t = *p.tile;
        if (t.idle && t.camera) {
            // Camera on, but no pose yet: the camera is starting, or sees nobody.
            const char* waiting = t.is_self ? "looking for you..." : "waiting for pose...";
            const ImVec2 ts = ImGui::CalcTextSize(waiting);
            dl->AddText(
                ImVec2((p.min.x + p.max.x - ts.x) * 0.5f, (p.min.y + p.max.y - ts.y) * 0.5f),
                u32(theme().text_secondary), waiting);
        }
        std::string label = t.name + (t.is_self ? " (you)" : "");
        const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
        const ImVec2 lp(p.min.x + 10, p.max.y - ls.y - 14);
        dl->AddRectFilled(ImVec2(lp.x - 6, lp.y - 4), ImVec2(lp.x + ls.x + 6, lp.y + ls.y + 4),
                          u32(theme().label_bg), 6.0f);
        dl->AddText(lp, u32(theme().text), label.c_str());
        ImVec2 cursor(p.min.x + 10, p.min.y + 10);
        if (t.is_host) badge(dl, cursor, "HOST", u32(theme().badge_host));
        badge(dl, cursor, t.mic ? "MIC ON" : "MUTED",
              u32(t.mic ? theme().badge_mic_on : theme().badge_muted));
        if (!t.camera) badge(dl, cursor, "CAMERA OFF", u32(theme().badge_camera_off));
        if (t.sharing) badge(dl, cursor, "SHARING", u32(theme().badge_sharing));
        if (!t.online) badge(dl, cursor, "RECONNECTING", u32(theme().badge_reconnecting));
        if (!t.is_self) {
            const char* tr = t.transport == "p2p"     ? "P2P"
                             : t.transport == "relay" ? "RELAY"
                                                      : "CONNECTING";
            badge(dl, cursor, tr, transport_color(t.transport));
        }
    }
    ImGui::End();
}

}  // namespace posemeet::ui
