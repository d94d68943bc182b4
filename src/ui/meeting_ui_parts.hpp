// What the parts of the meeting UI share (meeting_ui*.cpp only): colours, window flags,
// the side column's width rule and small drawing helpers.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <string>

namespace posemeet::ui::parts {

constexpr ImU32 kBackground = IM_COL32(18, 20, 26, 255);
constexpr ImU32 kTileColor = IM_COL32(32, 36, 46, 255);
constexpr ImU32 kTileBorderSelf = IM_COL32(90, 140, 255, 255);
constexpr ImU32 kTileBorderSpeaking = IM_COL32(70, 210, 120, 255);
constexpr ImU32 kLabelBg = IM_COL32(0, 0, 0, 150);
constexpr ImU32 kText = IM_COL32(235, 238, 245, 255);
constexpr ImU32 kMuted = IM_COL32(150, 156, 170, 255);
constexpr float kParticipantsWidth = 280.0f;
// Buttons that end or remove something for others are red; their neighbours are not blue.
inline const ImVec4 kDanger(0.80f, 0.24f, 0.24f, 1.0f);
inline const ImVec4 kDangerHovered(0.90f, 0.30f, 0.30f, 1.0f);
inline const ImVec4 kNeutralButton(0.26f, 0.29f, 0.36f, 1.0f);

// The participant list and chat take the right-hand column on windows wide enough for it.
inline float side_column_width(float display_w) {
    return display_w > 700 ? kParticipantsWidth : 0.0f;
}

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                         ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;
// Panels over the tiles: ImGui puts a new window with NoBringToFrontOnFocus at the back,
// so these leave it out (the tiles keep it, and never come forward over them).
constexpr ImGuiWindowFlags kOverlayFlags = kPanelFlags & ~ImGuiWindowFlags_NoBringToFrontOnFocus;

// A rounded label at `cursor`, which moves right past it.
void badge(ImDrawList* dl, ImVec2& cursor, const char* text, ImU32 bg);
// A small horizontal input-level meter: -60..0 dBFS mapped to the bar, green to amber.
void level_meter(float dbfs, const ImVec2& size);
ImU32 transport_color(const std::string& transport);
// True in the frame `key` (an ImGuiKey_) went down.
bool key_pressed(ImGuiKey key);
// The screen rectangle of the item just drawn.
ImRect last_item_rect();

}  // namespace posemeet::ui::parts
