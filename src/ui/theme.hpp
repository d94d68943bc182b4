// The UI's colours, as a dark and a light theme: every colour the meeting UI draws with
// comes from here (Dear ImGui's style is set from it by apply_theme), so the two themes
// cover everything and their text contrast can be checked in one place: every pair of text
// and the surface it is drawn on that contrast_pairs() lists reaches WCAG AA (4.5:1), which
// tests/unit/theme_test.cpp asserts for both themes.
#pragma once

#include <imgui.h>

#include <string>
#include <vector>

namespace posemeet::ui {

struct Theme {
    const char* name;  // "dark" or "light"
    // Surfaces.
    ImVec4 window_bg, bar_bg, panel_bg, chat_bg, popup_bg, frame_bg, tile_bg, label_bg, banner_bg, toast_bg;
    // Text: normal, secondary (ImGui's "disabled" text: hints, details), on coloured buttons
    // and badges, and in colour: accents (the title, host, your own chat lines), good news
    // (speaking, mic on), warnings (status line), errors (a failed join, muted), sharing.
    ImVec4 text, text_secondary, text_on_color, accent, good, warning, error, sharing;
    // Controls.
    ImVec4 button, button_hovered, button_active, danger, danger_hovered, neutral_button, attention_button,
        text_on_attention, frame_border, header, header_hovered;
    // Tile outlines and level meter.
    ImVec4 self_outline, speaking_outline, meter_bg, meter_ok, meter_hot;
    // Badges on tiles (text_on_color over them).
    ImVec4 badge_host, badge_mic_on, badge_muted, badge_camera_off, badge_sharing, badge_reconnecting, badge_p2p,
        badge_relay, badge_connecting;
};

const Theme& dark_theme();
const Theme& light_theme();

// The theme in use (dark until set), and setting it (also Dear ImGui's style colours).
const Theme& theme();
void apply_theme(const Theme& t);

// WCAG 2 contrast ratio of two opaque colours (1..21).
float contrast_ratio(const ImVec4& a, const ImVec4& b);

// Every text colour the UI draws over each surface it is drawn on, named for test messages.
struct ContrastPair {
    std::string what;
    ImVec4 text, surface;
};
std::vector<ContrastPair> contrast_pairs(const Theme& t);

inline ImU32 u32(const ImVec4& c) { return ImGui::ColorConvertFloat4ToU32(c); }

}  // namespace posemeet::ui
