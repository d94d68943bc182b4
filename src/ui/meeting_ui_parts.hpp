// What the parts of the meeting UI share (meeting_ui*.cpp only): window flags, the side
// column's width rule and small drawing helpers. Colours come from the theme (theme.hpp).
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <string>

#include "ui/theme.hpp"

namespace posemeet::ui::parts {

constexpr float kParticipantsWidth = 280.0f;

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
// `text` cut to fit `max_width` with "..." at the end (whole UTF-8 characters), or as is.
std::string ellipsize(const std::string& text, float max_width);
// True in the frame `key` (an ImGuiKey_) went down.
bool key_pressed(ImGuiKey key);
// The screen rectangle of the item just drawn.
ImRect last_item_rect();

}  // namespace posemeet::ui::parts
