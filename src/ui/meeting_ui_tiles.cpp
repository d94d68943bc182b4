// See meeting_ui.hpp. This part: the tile grid, one tile per participant with their skeleton,
// initials, name and badges.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <vector>

#include "core/avatar_figure.hpp"
#include "ui/icons.hpp"
#include "ui/initials.hpp"
#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"
#include "ui/strings.hpp"
#include "ui/tile_layout.hpp"
#include "ui/tile_paging.hpp"

namespace posemeet::ui {
using namespace parts;

void MeetingUi::draw_tiles(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                           const SkeletonSink& queue_skeleton, ImDrawCallback draw_skeletons,
                           void* data, Intents& intents) {
    ImGui::SetNextWindowPos(origin);
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("##tiles", nullptr, kPanelFlags);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // More people than the stage shows well: a page of them, and the pager under it.
    constexpr float kPagerHeight = 34.0f;
    ImVec2 stage = size;
    std::size_t per_page = tiles_per_page(size.x, size.y);
    if (view.tiles.size() > per_page) {
        stage.y = std::max(1.0f, size.y - kPagerHeight);
        per_page = tiles_per_page(stage.x, stage.y);
    }
    const TilePage page = page_of_tiles(view.tiles, tile_page_, per_page);
    tile_page_ = page.page;
    tile_pages_ = page.pages;
    std::vector<const TileView*> on_page;
    for (std::size_t i : page.shown) on_page.push_back(&view.tiles[i]);
    visible_tiles_.clear();
    for (const TileView* t : on_page) visible_tiles_.push_back(t->user_id);
    const int n = static_cast<int>(on_page.size());
    // The large tile of the speaker view: the pinned person, else who speaks (the last
    // speaker), else the first person who is not you.
    std::size_t featured = 0;
    bool pinned_found = false;
    for (std::size_t i = 0; i < on_page.size(); ++i) {
        if (on_page[i]->user_id == pinned_) featured = i, pinned_found = true;
    }
    if (!pinned_found) {
        // Pinned and gone: forgotten (pinned on another page: kept for when it shows).
        if (std::none_of(view.tiles.begin(), view.tiles.end(), [&](const TileView& t) { return t.user_id == pinned_; }))
            pinned_.clear();
        bool found = false;
        for (std::size_t i = 0; i < on_page.size() && !found; ++i)
            if (on_page[i]->active_speaker) featured = i, found = true;
        for (std::size_t i = 0; i < on_page.size() && !found; ++i)
            if (!on_page[i]->is_self) featured = i, found = true;
    }
    const std::vector<ImRect> placed = layout_tiles(
        {on_page.size(), ImRect(origin, ImVec2(origin.x + stage.x, origin.y + stage.y)), 10.0f, speaker_view_, featured});
    for (int i = 0; i < n; ++i) {
        draw_tile_background(dl, *on_page[i], placed[i]);
        queue_avatar(*on_page[i], placed[i], queue_skeleton);
    }
    // Avatars render here, above the tile backgrounds and below the labels.
    dl->AddCallback(draw_skeletons, data);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    for (int i = 0; i < n; ++i) draw_tile_overlay(dl, *on_page[i], placed[i]);
    for (int i = 0; i < n; ++i) draw_tile_menu(view, *on_page[i], placed[i], intents);
    if (page.pages > 1) draw_tile_pager(ImVec2(origin.x, origin.y + stage.y), ImVec2(size.x, size.y - stage.y));
    ImGui::End();
}

void MeetingUi::draw_tile_pager(const ImVec2& origin, const ImVec2& size) {
    const ControlScope scope(*this, "tiles");
    const std::string where = trf("Page %d of %d", tile_page_ + 1, tile_pages_);
    const ImGuiStyle& style = ImGui::GetStyle();
    const float button_w = ImGui::CalcTextSize(shown("Previous page").c_str()).x +
                           ImGui::CalcTextSize(shown("Next page").c_str()).x + 4 * style.FramePadding.x;
    const float width = button_w + ImGui::CalcTextSize(where.c_str()).x + 2 * style.ItemSpacing.x;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + std::max(0.0f, (size.x - width) / 2),
                                     origin.y + std::max(0.0f, (size.y - ImGui::GetFrameHeight()) / 2)));
    ImGui::BeginDisabled(tile_page_ == 0);
    if (button("Previous page")) --tile_page_;
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(where.c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(tile_page_ + 1 >= tile_pages_);
    if (button("Next page")) ++tile_page_;
    ImGui::EndDisabled();
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
    const ImVec4 tile = theme().tile_bg;
    const float k = 0.55f;
    rgba[0] += (tile.x - rgba[0]) * k;
    rgba[1] += (tile.y - rgba[1]) * k;
    rgba[2] += (tile.z - rgba[2]) * k;
}

void MeetingUi::draw_tile_background(ImDrawList* dl, const TileView& t, const ImRect& tile) {
    const ImVec2 mn = tile.Min, mx = tile.Max;
    // Recorded for tests, which find each avatar on a screenshot by it.
    drawn_controls_["tile/" + t.user_id] = tile;
    dl->AddRectFilled(mn, mx, u32(theme().tile_bg), 10.0f);
    if (t.speaking) {
        // A green glow while their voice comes through: two soft outer rings and a line.
        const ImVec4 ring = theme().speaking_outline;
        dl->AddRect(ImVec2(mn.x - 3, mn.y - 3), ImVec2(mx.x + 3, mx.y + 3), u32(ImVec4(ring.x, ring.y, ring.z, 0.27f)),
                    13.0f, 0, 4.0f);
        dl->AddRect(mn, mx, u32(ring), 10.0f, 0, 3.0f);
    } else if (t.is_self) {
        dl->AddRect(mn, mx, u32(theme().self_outline), 10.0f, 0, 2.0f);
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
        const char* waiting = tr(t.is_self ? "looking for you..." : "waiting for pose...");
        const ImVec2 ts = ImGui::CalcTextSize(waiting);
        dl->AddText(ImVec2((mn.x + mx.x - ts.x) * 0.5f, (mn.y + mx.y - ts.y) * 0.5f), u32(theme().text_secondary), waiting);
    }
    // The name, bottom left, after a dot in the person's colour (as in the participant list).
    const std::string label = t.is_self ? trf("%s (you)", t.name.c_str()) : t.name;
    const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
    const float dot = 4.0f, dot_space = 2 * dot + 6;
    const ImVec2 lp(mn.x + 10, mx.y - ls.y - 14);
    dl->AddRectFilled(ImVec2(lp.x - 6, lp.y - 4), ImVec2(lp.x + dot_space + ls.x + 6, lp.y + ls.y + 4), u32(theme().label_bg), 6.0f);
    dl->AddRectFilled(ImVec2(lp.x - 6, lp.y + ls.y + 2), ImVec2(lp.x + dot_space + ls.x + 6, lp.y + ls.y + 4),
                      to_u32(color), 2.0f, ImDrawFlags_RoundCornersBottom);
    dl->AddCircleFilled(ImVec2(lp.x + dot, lp.y + ls.y * 0.5f), dot, to_u32(color));
    dl->AddText(ImVec2(lp.x + dot_space, lp.y), u32(theme().text), label.c_str());
    ImVec2 cursor(mn.x + 10, mn.y + 10);
    if (t.is_host) badge(dl, cursor, tr("HOST"), u32(theme().badge_host));
    badge(dl, cursor, tr(t.mic ? "MIC ON" : "MUTED"), u32(t.mic ? theme().badge_mic_on : theme().badge_muted));
    if (!t.camera) badge(dl, cursor, tr("CAMERA OFF"), u32(theme().badge_camera_off));
    if (t.sharing) badge(dl, cursor, tr("SHARING"), u32(theme().badge_sharing));
    if (!t.online) badge(dl, cursor, tr("RECONNECTING"), u32(theme().badge_reconnecting));
    if (!t.is_self) {
        const char* transport = t.transport == "p2p" ? "P2P" : t.transport == "relay" ? "RELAY" : "CONNECTING";
        badge(dl, cursor, tr(transport), transport_color(t.transport));
    }
}

// Hovering a tile shows its menu button in the corner; the button or a right-click anywhere
// on the tile opens the menu: pin (the speaker view keeps that person large), and for others
// the same menu as their row in the participant list.
void MeetingUi::draw_tile_menu(const MeetingView& view, const TileView& t, const ImRect& tile, Intents& intents) {
    ImGui::PushID(t.user_id.c_str());
    const ControlScope scope(*this, "tile/" + t.user_id);
    const bool hovered = ImGui::IsWindowHovered(ImGuiHoveredFlags_AllowWhenBlockedByPopup) &&
                         ImGui::IsMouseHoveringRect(tile.Min, tile.Max);
    const bool menu_open = ImGui::IsPopupOpen("tile_menu");
    if (hovered || menu_open) {
        const char* label = icons::kMore;
        const ImVec2 pad = ImGui::GetStyle().FramePadding;
        const float w = ImGui::CalcTextSize(label).x + 2 * pad.x;
        ImGui::SetCursorScreenPos(ImVec2(tile.Max.x - w - 8, tile.Min.y + 8));
        if (control("...", ImGui::Button((std::string(label) + "###tile_more").c_str()))) open_popup_below_item("tile_menu");
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr("More actions"));
    }
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)) {
        popup_anchor_ = ImRect(ImGui::GetIO().MousePos, ImGui::GetIO().MousePos);
        ImGui::OpenPopup("tile_menu");
    }
    if (begin_popup("tile_menu")) {
        const ControlScope menu(*this, "menu");
        const bool pinned = pinned_ == t.user_id;
        if (menu_item(pinned ? "Unpin" : "Pin")) {
            pinned_ = pinned ? std::string() : t.user_id;
            if (!pinned) speaker_view_ = true;  // pinning shows them large
        }
        if (!t.is_self) {
            ImGui::Separator();
            draw_participant_menu(view, t, intents);
        }
        ImGui::EndPopup();
    }
    ImGui::PopID();
}

}  // namespace posemeet::ui
