// See theme.hpp.
#include "ui/theme.hpp"

#include "ui/wcag_contrast.hpp"


namespace posemeet::ui {
namespace {

ImVec4 rgb(int r, int g, int b, int a = 255) {
    return ImVec4(static_cast<float>(r) / 255.0f, static_cast<float>(g) / 255.0f, static_cast<float>(b) / 255.0f,
                  static_cast<float>(a) / 255.0f);
}

Theme make_dark() {
    Theme t{};
    t.name = "dark";
    t.window_bg = rgb(18, 20, 26);
    t.bar_bg = rgb(23, 26, 33);
    t.panel_bg = rgb(28, 31, 41);
    t.chat_bg = rgb(25, 28, 36);
    t.popup_bg = rgb(32, 36, 46);
    t.frame_bg = rgb(40, 45, 58);
    t.tile_bg = rgb(32, 36, 46);
    t.label_bg = rgb(10, 11, 14, 200);
    t.banner_bg = rgb(42, 34, 26);
    t.toast_bg = rgb(40, 44, 56);
    t.text = rgb(235, 238, 245);
    t.text_secondary = rgb(160, 167, 182);
    t.text_on_color = rgb(255, 255, 255);
    t.accent = rgb(150, 185, 255);
    t.good = rgb(110, 220, 150);
    t.warning = rgb(255, 195, 100);
    t.error = rgb(255, 130, 115);
    t.sharing = rgb(195, 160, 255);
    t.button = rgb(47, 88, 196);
    t.button_hovered = rgb(60, 104, 216);
    t.button_active = rgb(38, 74, 170);
    t.danger = rgb(196, 50, 50);
    t.danger_hovered = rgb(214, 64, 64);
    t.neutral_button = rgb(66, 74, 92);
    t.attention_button = rgb(217, 140, 38);
    t.text_on_attention = rgb(20, 20, 20);
    t.frame_border = rgb(70, 78, 96);
    t.header = rgb(47, 88, 196, 110);
    t.header_hovered = rgb(60, 104, 216, 170);
    t.self_outline = rgb(90, 140, 255);
    t.speaking_outline = rgb(70, 210, 120);
    t.meter_bg = rgb(50, 54, 66);
    t.meter_ok = rgb(70, 200, 110);
    t.meter_hot = rgb(230, 170, 50);
    t.badge_host = rgb(47, 88, 196);
    t.badge_mic_on = rgb(26, 112, 68);
    t.badge_muted = rgb(140, 48, 48);
    t.badge_camera_off = rgb(80, 86, 102);
    t.badge_sharing = rgb(110, 64, 170);
    t.badge_reconnecting = rgb(150, 90, 15);
    t.badge_p2p = rgb(26, 112, 68);
    t.badge_relay = rgb(150, 90, 15);
    t.badge_connecting = rgb(80, 86, 102);
    return t;
}

Theme make_light() {
    Theme t = make_dark();  // badges, buttons and outlines read on both
    t.name = "light";
    t.window_bg = rgb(238, 240, 245);
    t.bar_bg = rgb(250, 251, 253);
    t.panel_bg = rgb(255, 255, 255);
    t.chat_bg = rgb(248, 249, 252);
    t.popup_bg = rgb(255, 255, 255);
    t.frame_bg = rgb(228, 232, 240);
    t.tile_bg = rgb(222, 226, 235);
    t.label_bg = rgb(255, 255, 255, 225);
    t.banner_bg = rgb(255, 240, 214);
    t.toast_bg = rgb(255, 255, 255);
    t.text = rgb(24, 27, 34);
    t.text_secondary = rgb(84, 91, 105);
    t.accent = rgb(30, 80, 190);
    t.good = rgb(20, 115, 60);
    t.warning = rgb(140, 80, 0);
    t.error = rgb(178, 34, 34);
    t.sharing = rgb(100, 50, 170);
    t.neutral_button = rgb(92, 100, 118);
    t.frame_border = rgb(190, 196, 210);
    t.header = rgb(47, 88, 196, 60);
    t.header_hovered = rgb(47, 88, 196, 100);
    t.self_outline = rgb(40, 90, 220);
    t.speaking_outline = rgb(20, 150, 80);
    t.meter_bg = rgb(205, 210, 222);
    t.meter_ok = rgb(30, 160, 80);
    t.meter_hot = rgb(210, 140, 20);
    return t;
}

const Theme* g_current = nullptr;

double luminance(const ImVec4& c) { return relative_luminance(c.x, c.y, c.z); }
// A translucent colour as it shows over `under`.
ImVec4 over(const ImVec4& c, const ImVec4& under) {
    return ImVec4(c.x * c.w + under.x * (1 - c.w), c.y * c.w + under.y * (1 - c.w), c.z * c.w + under.z * (1 - c.w), 1);
}

}  // namespace

const Theme& dark_theme() {
    static const Theme t = make_dark();
    return t;
}
const Theme& light_theme() {
    static const Theme t = make_light();
    return t;
}

const Theme& theme() { return g_current ? *g_current : dark_theme(); }

void apply_theme(const Theme& t) {
    g_current = &t;
    ImGuiStyle& style = ImGui::GetStyle();
    ImVec4* c = style.Colors;
    if (t.name == std::string("light")) ImGui::StyleColorsLight(&style);
    else ImGui::StyleColorsDark(&style);
    c[ImGuiCol_Text] = t.text;
    c[ImGuiCol_TextDisabled] = t.text_secondary;
    c[ImGuiCol_WindowBg] = t.window_bg;
    c[ImGuiCol_ChildBg] = t.panel_bg;
    c[ImGuiCol_PopupBg] = t.popup_bg;
    c[ImGuiCol_Border] = t.frame_border;
    c[ImGuiCol_FrameBg] = t.frame_bg;
    c[ImGuiCol_FrameBgHovered] = t.header_hovered;
    c[ImGuiCol_FrameBgActive] = t.header;
    c[ImGuiCol_TitleBg] = c[ImGuiCol_TitleBgActive] = t.panel_bg;
    c[ImGuiCol_Button] = t.button;
    c[ImGuiCol_ButtonHovered] = t.button_hovered;
    c[ImGuiCol_ButtonActive] = t.button_active;
    c[ImGuiCol_Header] = t.header;
    c[ImGuiCol_HeaderHovered] = t.header_hovered;
    c[ImGuiCol_HeaderActive] = t.header;
    c[ImGuiCol_CheckMark] = t.accent;
    c[ImGuiCol_SliderGrab] = t.button;
    c[ImGuiCol_SliderGrabActive] = t.button_active;
    c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.45f);
    c[ImGuiCol_NavHighlight] = t.accent;
}

float contrast_ratio(const ImVec4& a, const ImVec4& b) {
    return static_cast<float>(contrast_of_luminances(luminance(a), luminance(b)));
}

std::vector<ContrastPair> contrast_pairs(const Theme& t) {
    std::vector<ContrastPair> p;
    const std::pair<const char*, ImVec4> surfaces[] = {
        {"window", t.window_bg}, {"bar", t.bar_bg},     {"panel", t.panel_bg},
        {"chat", t.chat_bg},     {"popup", t.popup_bg}, {"tile label", over(t.label_bg, t.tile_bg)},
        {"toast", t.toast_bg},
    };
    const std::pair<const char*, ImVec4> texts[] = {
        {"text", t.text},       {"secondary text", t.text_secondary}, {"accent", t.accent}, {"good", t.good},
        {"warning", t.warning}, {"error", t.error},                   {"sharing", t.sharing},
    };
    for (const auto& [sname, s] : surfaces)
        for (const auto& [tname, c] : texts) p.push_back({std::string(tname) + " on " + sname, c, s});
    p.push_back({"warning on banner", t.warning, t.banner_bg});
    p.push_back({"text on banner", t.text, t.banner_bg});
    p.push_back({"text in a field", t.text, t.frame_bg});
    p.push_back({"secondary text in a field (hints)", t.text_secondary, t.frame_bg});
    p.push_back({"text on the tile", t.text_secondary, t.tile_bg});
    const std::pair<const char*, ImVec4> colored[] = {
        {"button", t.button},           {"hovered button", t.button_hovered},
        {"danger button", t.danger},    {"neutral button", t.neutral_button},
        {"host badge", t.badge_host},   {"mic-on badge", t.badge_mic_on},
        {"muted badge", t.badge_muted}, {"camera-off badge", t.badge_camera_off},
        {"sharing badge", t.badge_sharing}, {"reconnecting badge", t.badge_reconnecting},
        {"p2p badge", t.badge_p2p},     {"relay badge", t.badge_relay},
        {"connecting badge", t.badge_connecting},
    };
    for (const auto& [name, bg] : colored) p.push_back({std::string("text on ") + name, t.text_on_color, bg});
    p.push_back({"text on the attention button", t.text_on_attention, t.attention_button});
    return p;
}

}  // namespace posemeet::ui
