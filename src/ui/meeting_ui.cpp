// See meeting_ui.hpp. This file: the frame (draw), the style, the join screen, what the
// parts share (meeting_ui_parts.hpp) and the record of drawn controls.
#include "ui/meeting_ui.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "ui/meeting_ui_parts.hpp"
#include "ui/strings.hpp"

namespace posemeet::ui {
namespace parts {

void badge(ImDrawList* dl, ImVec2& cursor, const char* text, ImU32 bg) {
    const ImVec2 size = ImGui::CalcTextSize(text);
    const ImVec2 pad(6, 2);
    dl->AddRectFilled(cursor, ImVec2(cursor.x + size.x + 2 * pad.x, cursor.y + size.y + 2 * pad.y),
                      bg, 4.0f);
    dl->AddText(ImVec2(cursor.x + pad.x, cursor.y + pad.y), u32(theme().text_on_color), text);
    cursor.x += size.x + 2 * pad.x + 4;
}

void level_meter(float dbfs, const ImVec2& size) {
    const float fraction = std::clamp((dbfs + 60.0f) / 60.0f, 0.0f, 1.0f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float y = p.y + (ImGui::GetFrameHeight() - size.y) * 0.5f;
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + size.x, y + size.y), u32(theme().meter_bg), 3.0f);
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + size.x * fraction, y + size.y),
                      u32(fraction > 0.85f ? theme().meter_hot : theme().meter_ok),
                      3.0f);
    ImGui::Dummy(ImVec2(size.x, ImGui::GetFrameHeight()));
}

ImU32 transport_color(const std::string& t) {
    if (t == "p2p") return u32(theme().badge_p2p);
    if (t == "relay") return u32(theme().badge_relay);
    return u32(theme().badge_connecting);
}

bool key_pressed(ImGuiKey key) {
    const int index = ImGui::GetKeyIndex(key);
    return index >= 0 && ImGui::IsKeyPressed(index, false);
}

ImRect last_item_rect() { return ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax()); }

std::string ellipsize(const std::string& text, float max_width) {
    if (ImGui::CalcTextSize(text.c_str()).x <= max_width) return text;
    const char* dots = "...";
    const float budget = max_width - ImGui::CalcTextSize(dots).x;
    std::size_t end = 0;  // bytes that fit, on a character boundary
    for (std::size_t i = 0; i < text.size();) {
        std::size_t next = i + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
        if (ImGui::CalcTextSize(text.c_str(), text.c_str() + next).x > budget) break;
        end = i = next;
    }
    return text.substr(0, end) + dots;
}

}  // namespace parts
using namespace parts;

// [SECTION] participant colours
void MeetingUi::assign_colors(const MeetingView& view) {
    std::vector<std::string> ids;
    for (const TileView& t : view.tiles) ids.push_back(t.user_id);
    const std::vector<std::size_t> slots = assign_palette_slots(ids);
    colors_.clear();
    for (std::size_t i = 0; i < ids.size(); ++i) colors_[ids[i]] = kParticipantPalette[slots[i]];
}

void MeetingUi::participant_color(const TileView& t, float rgba[4]) const {
    const auto it = colors_.find(t.user_id);
    const ImVec4 bg = theme().tile_bg;
    const Rgb8 tile{static_cast<std::uint8_t>(bg.x * 255 + 0.5f), static_cast<std::uint8_t>(bg.y * 255 + 0.5f),
                    static_cast<std::uint8_t>(bg.z * 255 + 0.5f)};
    const Rgb8 c = shade_for_tile(it != colors_.end() ? it->second : kParticipantPalette[0], tile);
    rgba[0] = c.r / 255.0f;
    rgba[1] = c.g / 255.0f;
    rgba[2] = c.b / 255.0f;
    rgba[3] = 1.0f;
}

// [SECTION] drawn controls
MeetingUi::ControlScope::ControlScope(MeetingUi& ui, const std::string& part)
    : ui_(ui), outer_length_(ui.control_scope_.size()) {
    ui_.control_scope_ += part + "/";
}

MeetingUi::ControlScope::~ControlScope() { ui_.control_scope_.resize(outer_length_); }

bool MeetingUi::control(const char* label, bool pressed) {
    drawn_controls_[control_scope_ + label] =
        ImRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
    return pressed;
}

// [SECTION] popups
void MeetingUi::open_popup_below_item(const char* name) {
    popup_anchor_ = last_item_rect();
    ImGui::OpenPopup(name);
}

bool MeetingUi::begin_popup(const char* name) {
    // Below the button that opened it (by default ImGui opens it at the mouse, over the
    // button), right-aligned to it on the right half of the window so it stays on screen.
    if (ImGui::IsPopupOpen(name)) {
        const bool right_half = popup_anchor_.GetCenter().x > ImGui::GetIO().DisplaySize.x * 0.5f;
        ImGui::SetNextWindowPos(ImVec2(right_half ? popup_anchor_.Max.x : popup_anchor_.Min.x, popup_anchor_.Max.y + 4),
                                ImGuiCond_Appearing, ImVec2(right_half ? 1.0f : 0.0f, 0.0f));
    }
    if (!ImGui::BeginPopup(name)) return false;
    if (key_pressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    return true;
}

// Shown in the UI's language; named (for drawn_controls and ImGui's ids) in English.
std::string MeetingUi::shown(const char* label) { return std::string(tr(label)) + "###" + label; }

bool MeetingUi::text_field(const char* name, const char* id, const char* hint, char* buf, std::size_t size,
                           ImGuiInputTextFlags flags) {
    const std::string key = control_scope_ + name;
    if (focus_field_ == key) {
        ImGui::SetKeyboardFocusHere();
        focus_field_.clear();
    }
    const bool entered = control(name, ImGui::InputTextWithHint(id, hint, buf, size, flags));
    text_fields_.push_back(last_item_rect());
    if (ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Right) && !ImGui::IsItemActive())
        focus_field_ = key;
    return entered;
}

bool MeetingUi::button(const char* label, const ImVec2& size) {
    return control(label, ImGui::Button(shown(label).c_str(), size));
}
bool MeetingUi::small_button(const char* label) {
    return control(label, ImGui::SmallButton(shown(label).c_str()));
}
bool MeetingUi::menu_item(const char* label, bool selected) {
    return control(label, ImGui::Selectable(shown(label).c_str(), selected));
}

// [SECTION] style
void MeetingUi::apply_style(float dpr) {
    ImGuiStyle& style = ImGui::GetStyle();
    ImGui::StyleColorsDark(&style);
    style.WindowRounding = 8.0f;
    style.FrameRounding = 6.0f;
    style.GrabRounding = 6.0f;
    style.FramePadding = ImVec2(10, 6);
    style.ItemSpacing = ImVec2(8, 8);
    style.WindowPadding = ImVec2(14, 12);
    apply_theme(theme());
    (void)dpr;  // sizes are in CSS pixels; the framebuffer scale handles density
}

Intents MeetingUi::draw(const MeetingView& view, const SkeletonSink& queue_skeleton,
                        ImDrawCallback draw_skeletons, void* callback_data) {
    Intents intents;
    drawn_controls_.clear();
    text_fields_.clear();
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const bool in_meeting = view.status == "joined" || view.status == "reconnecting";
    if (!in_meeting) {
        intents = draw_join_screen(view);
        draw_toasts(view);
        return intents;
    }
    handle_shortcuts(view, intents);
    assign_colors(view);
    const float bar_h = 48.0f;
    const StatusLine status = status_line(view);
    const bool status_needs_banner = draw_top_bar(view, status, intents, bar_h);
    // Everything below starts under the banner, when there is one, so that it hides nothing.
    const float top = bar_h + (status_needs_banner ? status_banner_height(status) : 0.0f);
    const float list_w = side_column_width(display.x);
    draw_tiles(view, ImVec2(0, top), ImVec2(display.x - list_w, display.y - top), queue_skeleton,
               draw_skeletons, callback_data, intents);
    if (list_w > 0) {
        draw_side_column(view, ImVec2(display.x - list_w, top), ImVec2(list_w, display.y - top),
                         intents, false);
    } else {
        // Narrow (a phone, a small embedded widget): the column opens over the tiles.
        if (side_open_) {
            const float w = std::min(kParticipantsWidth, display.x - 32);
            draw_side_column(view, ImVec2(display.x - w, top), ImVec2(w, display.y - top), intents,
                             true);
        }
        draw_side_toggle(view, ImVec2(display.x, display.y));
    }
    if (status_needs_banner) draw_status_banner(status, bar_h);
    draw_requests(view, intents);
    draw_asked_by_host(view, intents);
    draw_end_confirmation(intents);
    draw_toasts(view);
    return intents;
}

void MeetingUi::handle_shortcuts(const MeetingView& view, Intents& intents) {
    const ImGuiIO& io = ImGui::GetIO();
    if (!io.KeyCtrl || io.KeyShift || io.KeyAlt) return;
    if (mic_key_ >= 0 && ImGui::IsKeyPressed(mic_key_, false)) mic_action(view, intents.room_actions);
    if (camera_key_ >= 0 && ImGui::IsKeyPressed(camera_key_, false)) camera_action(view, intents.room_actions);
}

// [SECTION] join screen
Intents MeetingUi::draw_join_screen(const MeetingView& view) {
    Intents intents;
    if (!join_fields_initialised_) {
        std::snprintf(name_buf_, sizeof name_buf_, "%s", view.default_name.c_str());
        std::snprintf(room_buf_, sizeof room_buf_, "%s", view.default_room.c_str());
        join_fields_initialised_ = true;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(display);
    ImGui::Begin("##backdrop", nullptr, kPanelFlags);
    ImGui::End();

    const ImVec2 size(380, 0);
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.42f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin(shown("Join a meeting").c_str(), nullptr,
                 ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse |
                     ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextColored(theme().accent, "PoseMeet");
    ImGui::TextWrapped("%s", tr("Meet as live avatar skeletons. Enter your name and a room; everyone in the same room sees "
                                "each other."));
    ImGui::Spacing();
    const ControlScope scope(*this, "join");
    ImGui::SetNextItemWidth(-1);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();  // type your name right away
    const bool enter1 = text_field("Your name", "##name", tr("Your name"), name_buf_, sizeof name_buf_,
                                   ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SetNextItemWidth(-1);
    const bool enter2 =
        text_field("Room", "##room", tr("Room"), room_buf_, sizeof room_buf_, ImGuiInputTextFlags_EnterReturnsTrue);
    const bool ready = std::strlen(name_buf_) > 0 && std::strlen(room_buf_) > 0;
    const bool busy = view.status == "connecting";
    ImGui::BeginDisabled(!ready || busy);
    const char* join_label = busy ? "Connecting..." : "Join";
    if ((button(join_label, ImVec2(-1, 0)) || enter1 || enter2) && ready && !busy) {
        intents.join = true;
        intents.join_name = name_buf_;
        intents.join_room = room_buf_;
    }
    ImGui::EndDisabled();
    if (!view.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, theme().error);
        ImGui::TextWrapped("%s", translate_sentence(view.error).c_str());
        ImGui::PopStyleColor();
        if (!view.error_detail.empty()) ImGui::TextDisabled("%s", trf("Details: %s", view.error_detail.c_str()).c_str());
    }
    // The meeting in this room was ended by its host: the room can host a new one.
    const char* new_meeting = "Start a new meeting in this room";
    if (view.join_refused_meeting_ended && ready && !busy && button(new_meeting, ImVec2(-1, 0))) {
        intents.join = true;
        intents.join_new_meeting = true;
        intents.join_name = name_buf_;
        intents.join_room = room_buf_;
    }
    if (!view.notice.empty()) ImGui::TextDisabled("%s", translate_sentence(view.notice).c_str());
    ImGui::TextDisabled("%s", trf("Server: %s", view.server_url.c_str()).c_str());
    ImGui::End();
    return intents;
}

}  // namespace posemeet::ui
