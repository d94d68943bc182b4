// See meeting_ui.hpp.
// [SECTION] style  [SECTION] join screen  [SECTION] top bar  [SECTION] tiles
// [SECTION] participants panel  [SECTION] chat  [SECTION] requests, prompts and toasts
#include "ui/meeting_ui.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace posemeet::ui {
namespace {

constexpr ImU32 kBackground = IM_COL32(18, 20, 26, 255);
constexpr ImU32 kTileColor = IM_COL32(32, 36, 46, 255);
constexpr ImU32 kTileBorderSelf = IM_COL32(90, 140, 255, 255);
constexpr ImU32 kTileBorderSpeaking = IM_COL32(70, 210, 120, 255);
constexpr ImU32 kLabelBg = IM_COL32(0, 0, 0, 150);
constexpr ImU32 kText = IM_COL32(235, 238, 245, 255);
constexpr ImU32 kMuted = IM_COL32(150, 156, 170, 255);
constexpr float kParticipantsWidth = 280.0f;

// The participant list and chat take the right-hand column on windows wide enough for it.
float side_column_width(float display_w) { return display_w > 700 ? kParticipantsWidth : 0.0f; }

constexpr ImGuiWindowFlags kPanelFlags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                         ImGuiWindowFlags_NoSavedSettings |
                                         ImGuiWindowFlags_NoBringToFrontOnFocus;
// Panels over the tiles: ImGui puts a new window with NoBringToFrontOnFocus at the back,
// so these leave it out (the tiles keep it, and never come forward over them).
constexpr ImGuiWindowFlags kOverlayFlags = kPanelFlags & ~ImGuiWindowFlags_NoBringToFrontOnFocus;

void badge(ImDrawList* dl, ImVec2& cursor, const char* text, ImU32 bg) {
    const ImVec2 size = ImGui::CalcTextSize(text);
    const ImVec2 pad(6, 2);
    dl->AddRectFilled(cursor, ImVec2(cursor.x + size.x + 2 * pad.x, cursor.y + size.y + 2 * pad.y), bg, 4.0f);
    dl->AddText(ImVec2(cursor.x + pad.x, cursor.y + pad.y), kText, text);
    cursor.x += size.x + 2 * pad.x + 4;
}

// A small horizontal input-level meter: -60..0 dBFS mapped to the bar, green to amber.
void level_meter(float dbfs, const ImVec2& size) {
    const float fraction = std::clamp((dbfs + 60.0f) / 60.0f, 0.0f, 1.0f);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float y = p.y + (ImGui::GetFrameHeight() - size.y) * 0.5f;
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + size.x, y + size.y), IM_COL32(50, 54, 66, 255), 3.0f);
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + size.x * fraction, y + size.y),
                      fraction > 0.85f ? IM_COL32(230, 170, 50, 255) : IM_COL32(70, 200, 110, 255), 3.0f);
    ImGui::Dummy(ImVec2(size.x, ImGui::GetFrameHeight()));
}

ImU32 transport_color(const std::string& t) {
    if (t == "p2p") return IM_COL32(40, 140, 90, 230);
    if (t == "relay") return IM_COL32(170, 110, 30, 230);
    return IM_COL32(90, 90, 100, 230);
}

}  // namespace

void participant_color(std::uint32_t seed, float rgba[4]) {
    const float hue = static_cast<float>(seed % 360u) / 360.0f;
    ImGui::ColorConvertHSVtoRGB(hue, 0.55f, 1.0f, rgba[0], rgba[1], rgba[2]);
    rgba[3] = 1.0f;
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
    style.Colors[ImGuiCol_WindowBg] = ImGui::ColorConvertU32ToFloat4(kBackground);
    style.Colors[ImGuiCol_Button] = ImVec4(0.25f, 0.42f, 0.85f, 1.0f);
    style.Colors[ImGuiCol_ButtonHovered] = ImVec4(0.32f, 0.50f, 0.95f, 1.0f);
    style.Colors[ImGuiCol_ButtonActive] = ImVec4(0.20f, 0.36f, 0.75f, 1.0f);
    (void)dpr;  // sizes are in CSS pixels; the framebuffer scale handles density
}

Intents MeetingUi::draw(const MeetingView& view, const SkeletonSink& queue_skeleton,
                        ImDrawCallback draw_skeletons, void* callback_data) {
    Intents intents;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const bool in_meeting = view.status == "joined" || view.status == "reconnecting";
    if (!in_meeting) {
        intents = draw_join_screen(view);
        draw_toasts(view);
        return intents;
    }
    const float bar_h = 48.0f;
    const StatusLine status = status_line(view);
    const bool status_needs_banner = draw_top_bar(view, status, intents, bar_h);
    // Everything below starts under the banner, when there is one, so that it hides nothing.
    const float top = bar_h + (status_needs_banner ? status_banner_height(status) : 0.0f);
    const float list_w = side_column_width(display.x);
    draw_tiles(view, ImVec2(0, top), ImVec2(display.x - list_w, display.y - top), queue_skeleton,
               draw_skeletons, callback_data);
    if (list_w > 0) {
        draw_side_column(view, ImVec2(display.x - list_w, top), ImVec2(list_w, display.y - top), intents, false);
    } else {
        // Narrow (a phone, a small embedded widget): the column opens over the tiles.
        if (side_open_) {
            const float w = std::min(kParticipantsWidth, display.x - 32);
            draw_side_column(view, ImVec2(display.x - w, top), ImVec2(w, display.y - top), intents, true);
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
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.42f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(size);
    ImGui::Begin("Join a meeting", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                               ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
    ImGui::TextColored(ImVec4(0.6f, 0.75f, 1.0f, 1.0f), "PoseMeet");
    ImGui::TextWrapped("Meet as live avatar skeletons. Enter your name and a room; everyone in the same room sees each other.");
    ImGui::Spacing();
    ImGui::SetNextItemWidth(-1);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();  // type your name right away
    const bool enter1 = ImGui::InputTextWithHint("##name", "Your name", name_buf_, sizeof name_buf_,
                                                 ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SetNextItemWidth(-1);
    const bool enter2 = ImGui::InputTextWithHint("##room", "Room", room_buf_, sizeof room_buf_,
                                                 ImGuiInputTextFlags_EnterReturnsTrue);
    const bool ready = std::strlen(name_buf_) > 0 && std::strlen(room_buf_) > 0;
    const bool busy = view.status == "connecting";
    ImGui::BeginDisabled(!ready || busy);
    if ((ImGui::Button(busy ? "Connecting..." : "Join", ImVec2(-1, 0)) || enter1 || enter2) && ready && !busy) {
        intents.join = true;
        intents.join_name = name_buf_;
        intents.join_room = room_buf_;
    }
    ImGui::EndDisabled();
    if (!view.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.4f, 1.0f));
        ImGui::TextWrapped("%s", view.error.c_str());
        ImGui::PopStyleColor();
    }
    // The meeting in this room was ended by its host: the room can host a new one.
    if (view.join_refused_meeting_ended && ready && !busy &&
        ImGui::Button("Start a new meeting in this room", ImVec2(-1, 0))) {
        intents.join = true;
        intents.join_new_meeting = true;
        intents.join_name = name_buf_;
        intents.join_room = room_buf_;
    }
    if (!view.notice.empty()) ImGui::TextDisabled("%s", view.notice.c_str());
    ImGui::TextDisabled("Server: %s", view.server_url.c_str());
    ImGui::End();
    return intents;
}

// [SECTION] top bar

// The one line of "what is going on" the top bar shows, most urgent first.
MeetingUi::StatusLine MeetingUi::status_line(const MeetingView& view) {
    const ImVec4 warning(1.0f, 0.75f, 0.35f, 1.0f);
    if (view.status == "reconnecting" || !view.error.empty())
        return {view.error.empty() ? "Reconnecting..." : view.error, ImVec4(1.0f, 0.55f, 0.35f, 1.0f)};
    if (!view.mic_message.empty() && view.mic_state != "live") return {view.mic_message, warning};
    if (view.audio_waits_for_click) return {"Click anywhere to hear the meeting", warning};
    if (!view.notice.empty()) return {view.notice, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]};
    return {};
}

namespace {
const ImVec2 kBannerPadding(14, 6);
float banner_wrap_width() { return ImGui::GetIO().DisplaySize.x - 2 * kBannerPadding.x; }
}  // namespace

float MeetingUi::status_banner_height(const StatusLine& status) {
    return ImGui::CalcTextSize(status.text.c_str(), nullptr, false, banner_wrap_width()).y + 2 * kBannerPadding.y;
}

// The status line when the top bar has no room for it: a wrapped banner under the bar,
// on the foreground (like the toasts) so that the tiles never cover it.
void MeetingUi::draw_status_banner(const StatusLine& status, float top) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const ImVec2 padding = kBannerPadding;
    const float wrap = banner_wrap_width();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    dl->AddRectFilled(ImVec2(0, top), ImVec2(display.x, top + status_banner_height(status)), IM_COL32(42, 34, 26, 245));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(padding.x, top + padding.y),
                ImGui::ColorConvertFloat4ToU32(status.color), status.text.c_str(), nullptr, wrap);
}

bool MeetingUi::draw_top_bar(const MeetingView& view, const StatusLine& status, Intents& intents, float height) {
    using protocol::Json;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(display.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.09f, 0.10f, 0.13f, 1.0f));
    ImGui::Begin("##topbar", nullptr, kPanelFlags);
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s", view.room_name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%zu", view.tiles.size());
    ImGui::SameLine(0, 18);

    // Own devices. While everyone is muted without self-unmute, "Unmute" becomes "Ask to speak".
    if (view.my_mic) {
        if (ImGui::Button("Mute")) intents.operate("vcOperateSelfMic", Json{{"operate", 0}});
    } else if (view.mic_blocked) {
        ImGui::BeginDisabled(view.mic_applying);
        if (ImGui::Button(view.mic_applying ? "Asked to speak" : "Ask to speak"))
            intents.operate("vcOperateSelfMicApply", Json{{"operate", 1}});
        ImGui::EndDisabled();
    } else if (ImGui::Button("Unmute")) {
        intents.operate("vcOperateSelfMic", Json{{"operate", 1}});
    }
    ImGui::SameLine(0, 6);
    draw_audio_settings(view, intents);
    ImGui::SameLine();
    if (ImGui::Button(view.my_camera ? "Camera off" : "Camera on"))
        intents.operate("vcOperateSelfCamera", Json{{"operate", view.my_camera ? 0 : 1}});
    ImGui::SameLine();
    if (view.i_am_sharing) {
        if (ImGui::Button("Stop sharing")) intents.operate("vcFinishShare", Json::object());
    } else if (view.may_share) {
        ImGui::BeginDisabled(!view.sharer_name.empty());
        if (ImGui::Button("Share")) ImGui::OpenPopup("share_menu");
        ImGui::EndDisabled();
    } else {
        ImGui::BeginDisabled(view.share_applying);
        if (ImGui::Button(view.share_applying ? "Asked to share" : "Ask to share"))
            intents.operate("vcSharePermissionApply", Json::object());
        ImGui::EndDisabled();
    }
    if (ImGui::BeginPopup("share_menu")) {
        if (ImGui::Selectable("Share screen")) intents.operate("vcStartShare", Json{{"share_type", 0}});
        if (ImGui::Selectable("Share whiteboard")) intents.operate("vcStartShare", Json{{"share_type", 1}});
        ImGui::EndPopup();
    }
    if (view.i_am_host) {
        ImGui::SameLine(0, 18);
        if (ImGui::Button(view.all_muted ? "Allow mics" : "Mute all")) {
            if (view.all_muted) intents.operate("vcOperateAllMic", Json{{"operate", 1}, {"operate_self_mic_permission", 1}});
            else ImGui::OpenPopup("mute_all");
        }
        if (ImGui::BeginPopup("mute_all")) {
            ImGui::Text("Mute everyone except you");
            ImGui::Checkbox("Participants may unmute themselves", &allow_self_unmute_);
            if (ImGui::Button("Mute all", ImVec2(-1, 0))) {
                intents.operate("vcOperateAllMic",
                                Json{{"operate", 0}, {"operate_self_mic_permission", allow_self_unmute_ ? 1 : 0}});
                ImGui::CloseCurrentPopup();
            }
            ImGui::EndPopup();
        }
    }
    // What is going on, right of the buttons while there is room before End meeting/Leave.
    // On a narrow window "X is sharing" and "Speaking: X" are left out (the tiles and the
    // participant list show both), and the status line moves to a banner under the bar, so
    // that it and the Leave button are never pushed off the screen.
    // End meeting / Leave sit at the right edge; when the buttons leave too little room
    // (a host on a narrow window) "End meeting" shortens to "End".
    const float pad = ImGui::GetStyle().WindowPadding.x, gap = ImGui::GetStyle().ItemSpacing.x;
    const float leave_w = 76, end_w_full = 108, end_w_short = 56;
    auto cluster = [&](float end_w) { return pad + leave_w + (view.i_am_host ? end_w + gap : 0.0f); };
    const bool short_end = ImGui::GetItemRectMax().x + 8 > display.x - cluster(end_w_full);
    const float end_w = short_end ? end_w_short : end_w_full;
    const float right = cluster(end_w);
    const float room_end = display.x - right - 8;
    auto fits = [&](const std::string& text, float spacing) {
        return ImGui::GetItemRectMax().x + spacing + ImGui::CalcTextSize(text.c_str()).x <= room_end;
    };
    if (!view.sharer_name.empty()) {
        const std::string sharing = view.sharer_name + " is sharing a " + (view.share_type == 1 ? "whiteboard" : "screen");
        if (fits(sharing, 18)) {
            ImGui::SameLine(0, 18);
            ImGui::TextColored(ImVec4(0.55f, 0.85f, 0.6f, 1.0f), "%s", sharing.c_str());
        }
    }
    if (!view.active_speaker_name.empty() && view.tiles.size() > 1) {
        const std::string speaking = "Speaking: " + view.active_speaker_name;
        if (fits(speaking, 18)) {
            ImGui::SameLine(0, 18);
            ImGui::TextColored(ImVec4(0.45f, 0.9f, 0.6f, 1.0f), "%s", speaking.c_str());
        }
    }
    const bool status_in_bar = !status.text.empty() && fits(status.text, ImGui::GetStyle().ItemSpacing.x);
    if (status_in_bar) {
        ImGui::SameLine();
        ImGui::TextColored(status.color, "%s", status.text.c_str());
    }
    ImGui::SameLine(std::max(display.x - right, ImGui::GetCursorPosX() + 8));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.80f, 0.24f, 0.24f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.90f, 0.30f, 0.30f, 1.0f));
    if (view.i_am_host) {
        if (ImGui::Button(short_end ? "End" : "End meeting", ImVec2(end_w, 0))) confirm_end_ = true;
        if (short_end && ImGui::IsItemHovered()) ImGui::SetTooltip("End the meeting for everyone");
        ImGui::SameLine();
    }
    if (ImGui::Button("Leave", ImVec2(76, 0))) intents.leave = true;
    ImGui::PopStyleColor(2);
    ImGui::End();
    ImGui::PopStyleColor();
    return !status.text.empty() && !status_in_bar;
}

// The mic's level next to the mute button, and a menu to pick the microphone.
void MeetingUi::draw_audio_settings(const MeetingView& view, Intents& intents) {
    if (view.mic_state == "live") {
        level_meter(view.my_mic ? view.input_level_dbfs : -127.0f, ImVec2(46, 6));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip(view.my_mic ? "Your microphone level" : "You are muted");
        ImGui::SameLine(0, 4);
    }
    if (ImGui::ArrowButton("##audio", ImGuiDir_Down)) ImGui::OpenPopup("audio_menu");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Microphone settings");
    if (ImGui::BeginPopup("audio_menu")) {
        ImGui::TextDisabled("Microphone");
        if (view.input_devices.empty()) ImGui::TextDisabled("(no microphone available)");
        for (const auto& d : view.input_devices) {
            const bool selected = d.id == view.input_device || (view.input_device.empty() && &d == &view.input_devices[0]);
            if (ImGui::Selectable(d.label.c_str(), selected)) intents.input_device = d.id;
        }
        if (view.mic_state == "live") {
            ImGui::Separator();
            ImGui::TextDisabled("Input level");
            level_meter(view.input_level_dbfs, ImVec2(200, 8));
        } else {
            ImGui::Separator();
            ImGui::TextWrapped("%s", view.mic_message.empty() ? "The microphone is off." : view.mic_message.c_str());
            if (view.mic_state != "asking" && ImGui::Button("Try the microphone again")) intents.input_device = view.input_device;
        }
        ImGui::EndPopup();
    }
}

void MeetingUi::draw_end_confirmation(Intents& intents) {
    if (confirm_end_) {
        ImGui::OpenPopup("End the meeting?");
        confirm_end_ = false;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    if (ImGui::BeginPopupModal("End the meeting?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::Text("Everyone will be removed and the room closes.");
        if (ImGui::Button("End for everyone", ImVec2(160, 0))) {
            intents.operate("vcFinishRoom", protocol::Json::object());
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (ImGui::Button("Cancel", ImVec2(100, 0))) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

// [SECTION] tiles
void MeetingUi::draw_tiles(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                           const SkeletonSink& queue_skeleton, ImDrawCallback draw_skeletons, void* data) {
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
        dl->AddRectFilled(mn, mx, kTileColor, 10.0f);
        const TileView& t = view.tiles[i];
        if (t.speaking) {
            // A green glow while their voice comes through: two soft outer rings and a line.
            dl->AddRect(ImVec2(mn.x - 3, mn.y - 3), ImVec2(mx.x + 3, mx.y + 3), IM_COL32(70, 210, 120, 70), 13.0f, 0, 4.0f);
            dl->AddRect(mn, mx, kTileBorderSpeaking, 10.0f, 0, 3.0f);
        } else if (t.active_speaker && n > 2) {
            dl->AddRect(mn, mx, IM_COL32(70, 210, 120, 110), 10.0f, 0, 2.0f);
        } else if (t.is_self) {
            dl->AddRect(mn, mx, kTileBorderSelf, 10.0f, 0, 2.0f);
        }
        if (view.tiles[i].pose) {
            float rgba[4];
            participant_color(view.tiles[i].color_seed, rgba);
            queue_skeleton(*view.tiles[i].pose, mn.x, mn.y, tile_w, tile_h, rgba);
        }
    }
    // Skeletons render here, above the tile backgrounds and below the labels.
    dl->AddCallback(draw_skeletons, data);
    dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);

    for (const auto& p : placed) {
        const TileView& t = *p.tile;
        if (!t.pose) {
            const char* waiting = "waiting for pose...";
            const ImVec2 ts = ImGui::CalcTextSize(waiting);
            dl->AddText(ImVec2((p.min.x + p.max.x - ts.x) * 0.5f, (p.min.y + p.max.y - ts.y) * 0.5f), kMuted, waiting);
        }
        std::string label = t.name + (t.is_self ? " (you)" : "");
        const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
        const ImVec2 lp(p.min.x + 10, p.max.y - ls.y - 14);
        dl->AddRectFilled(ImVec2(lp.x - 6, lp.y - 4), ImVec2(lp.x + ls.x + 6, lp.y + ls.y + 4), kLabelBg, 6.0f);
        dl->AddText(lp, kText, label.c_str());
        ImVec2 cursor(p.min.x + 10, p.min.y + 10);
        if (t.is_host) badge(dl, cursor, "HOST", IM_COL32(60, 100, 220, 230));
        badge(dl, cursor, t.mic ? "MIC ON" : "MUTED", t.mic ? IM_COL32(40, 140, 90, 230) : IM_COL32(120, 50, 50, 230));
        if (t.sharing) badge(dl, cursor, "SHARING", IM_COL32(130, 80, 190, 230));
        if (!t.online) badge(dl, cursor, "RECONNECTING", IM_COL32(170, 110, 30, 230));
        if (!t.is_self) {
            const char* tr = t.transport == "p2p" ? "P2P" : t.transport == "relay" ? "RELAY" : "CONNECTING";
            badge(dl, cursor, tr, transport_color(t.transport));
        }
    }
    ImGui::End();
}

// [SECTION] participants panel

void MeetingUi::draw_side_column(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                                 Intents& intents, bool overlay) {
    const float list_h = std::floor(size.y * 0.45f);
    draw_participants(view, origin, ImVec2(size.x, list_h), intents, overlay);
    draw_chat(view, ImVec2(origin.x, origin.y + list_h), ImVec2(size.x, size.y - list_h), intents, overlay);
    chat_read_ = view.chat.size();
}

void MeetingUi::draw_side_toggle(const MeetingView& view, const ImVec2& tiles_max) {
    if (chat_read_ > view.chat.size()) chat_read_ = view.chat.size();  // a new meeting
    const std::size_t unread = view.chat.size() - chat_read_;
    if (side_open_) return;  // the column has its own Close
    char label[64];
    if (unread > 0) std::snprintf(label, sizeof label, "People & chat (%zu new)", unread);
    else std::snprintf(label, sizeof label, "People & chat");
    const ImVec2 pad = ImGui::GetStyle().FramePadding;
    const ImVec2 size(ImGui::CalcTextSize(label).x + 2 * pad.x, ImGui::GetFrameHeight());
    ImGui::SetNextWindowPos(ImVec2(tiles_max.x - size.x - 16, tiles_max.y - size.y - 16));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##side_toggle", nullptr, kOverlayFlags | ImGuiWindowFlags_NoBackground);
    if (unread > 0) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.85f, 0.55f, 0.15f, 1.0f));
    if (ImGui::Button(label, size)) side_open_ = true;
    if (unread > 0) ImGui::PopStyleColor();
    ImGui::End();
    ImGui::PopStyleVar();
}
void MeetingUi::draw_participants(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                                  Intents& intents, bool overlay) {
    ImGui::SetNextWindowPos(origin);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.11f, 0.12f, 0.16f, 1.0f));
    ImGui::Begin(overlay ? "##participants_over_tiles" : "##participants", nullptr,
                 (overlay ? kOverlayFlags : kPanelFlags) & ~ImGuiWindowFlags_NoScrollbar);
    ImGui::Text("Participants (%zu)", view.tiles.size());
    if (overlay) {
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize("Close").x -
                        2 * ImGui::GetStyle().FramePadding.x);
        if (ImGui::SmallButton("Close")) side_open_ = false;
    }
    ImGui::Separator();
    for (const auto& t : view.tiles) {
        ImGui::PushID(t.user_id.c_str());
        if (!t.is_self) {  // this participant's menu (volume; the host's controls), first on the row
            if (ImGui::SmallButton("...")) ImGui::OpenPopup("participant_menu");
            if (ImGui::BeginPopup("participant_menu")) {
                ImGui::TextDisabled("%s", t.name.c_str());
                float percent = t.volume * 100.0f;
                ImGui::SetNextItemWidth(180);
                if (ImGui::SliderFloat("Volume", &percent, 0.0f, 200.0f, "%.0f%%"))
                    intents.volumes.emplace_back(t.user_id, percent / 100.0f);
                if (view.i_am_host) {
                    ImGui::Separator();
                    draw_host_menu(view, t, intents);
                } else if (ImGui::Selectable("Send a private message")) {
                    chat_to_ = t.user_id;
                }
                ImGui::EndPopup();
            }
            ImGui::SameLine();
        }
        float rgba[4];
        participant_color(t.color_seed, rgba);
        ImGui::ColorButton("##c", ImVec4(rgba[0], rgba[1], rgba[2], 1.0f),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder, ImVec2(10, 10));
        ImGui::SameLine();
        ImGui::Text("%s%s", t.name.c_str(), t.is_self ? " (you)" : "");
        if (t.is_host) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(0.5f, 0.65f, 1.0f, 1.0f), "host");
        }
        ImGui::SameLine();
        if (t.speaking) ImGui::TextColored(ImVec4(0.35f, 0.95f, 0.55f, 1), "speaking");
        else ImGui::TextColored(t.mic ? ImVec4(0.45f, 0.85f, 0.55f, 1) : ImVec4(0.8f, 0.45f, 0.45f, 1), t.mic ? "mic" : "muted");
        if (!t.is_self && t.volume != 1.0f) {
            ImGui::SameLine();
            ImGui::TextDisabled("vol %.0f%%", t.volume * 100.0f);
        }
        if (t.camera) {
            ImGui::SameLine();
            ImGui::TextDisabled("cam");
        }
        if (t.sharing) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(0.75f, 0.6f, 1.0f, 1.0f), "sharing");
        }
        if (t.wants_to_speak || t.wants_to_share) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f), t.wants_to_speak ? "wants to speak" : "wants to share");
        }
        ImGui::PopID();
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

void MeetingUi::draw_host_menu(const MeetingView&, const TileView& who, Intents& intents) {
    using protocol::Json;
    const Json target{{"operate_user_id", who.user_id}};
    auto with = [&](const char* key, int v) { Json j = target; j[key] = v; return j; };
    if (who.mic) {
        if (ImGui::Selectable("Mute")) intents.operate("vcOperateOtherMic", with("operate", 0));
    } else if (ImGui::Selectable("Ask to unmute")) {
        intents.operate("vcOperateOtherMic", with("operate", 1));
    }
    if (who.camera) {
        if (ImGui::Selectable("Turn camera off")) intents.operate("vcOperateOtherCamera", with("operate", 0));
    } else if (ImGui::Selectable("Ask to turn camera on")) {
        intents.operate("vcOperateOtherCamera", with("operate", 1));
    }
    if (ImGui::Selectable(who.may_share ? "Take away sharing" : "Allow sharing"))
        intents.operate("vcOperateOtherSharePermission", with("operate", who.may_share ? 0 : 1));
    if (ImGui::Selectable("Make host")) intents.operate("vcTransferHost", target);
    if (ImGui::Selectable("Send a private message")) chat_to_ = who.user_id;
}

// [SECTION] chat
void MeetingUi::draw_chat(const MeetingView& view, const ImVec2& origin, const ImVec2& size, Intents& intents,
                          bool overlay) {
    ImGui::SetNextWindowPos(origin);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.10f, 0.11f, 0.14f, 1.0f));
    ImGui::Begin(overlay ? "##chat_over_tiles" : "##chat", nullptr, overlay ? kOverlayFlags : kPanelFlags);
    ImGui::Text("Chat");
    ImGui::Separator();
    const float input_h = ImGui::GetFrameHeightWithSpacing() * 2 + 4;
    ImGui::BeginChild("##lines", ImVec2(0, -input_h));
    for (const auto& line : view.chat) {
        ImGui::PushStyleColor(ImGuiCol_Text, line.mine ? ImVec4(0.6f, 0.75f, 1.0f, 1.0f) : ImVec4(0.85f, 0.87f, 0.92f, 1.0f));
        if (line.to.empty()) ImGui::TextWrapped("%s: %s", line.from.c_str(), line.text.c_str());
        else ImGui::TextWrapped("%s -> %s (private): %s", line.from.c_str(), line.to.c_str(), line.text.c_str());
        ImGui::PopStyleColor();
    }
    if (view.chat.size() != chat_seen_) {
        ImGui::SetScrollHereY(1.0f);
        chat_seen_ = view.chat.size();
    }
    ImGui::EndChild();

    // Recipient: everyone or one participant (private message).
    std::string to_name = "Everyone";
    bool to_found = chat_to_.empty();
    for (const auto& t : view.tiles)
        if (t.user_id == chat_to_) { to_name = t.name; to_found = true; }
    if (!to_found) chat_to_.clear(), to_name = "Everyone";
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##to", ("To: " + to_name).c_str())) {
        if (ImGui::Selectable("Everyone", chat_to_.empty())) chat_to_.clear();
        for (const auto& t : view.tiles)
            if (!t.is_self && ImGui::Selectable(t.name.c_str(), chat_to_ == t.user_id)) chat_to_ = t.user_id;
        ImGui::EndCombo();
    }
    ImGui::SetNextItemWidth(-60);
    const bool enter = ImGui::InputTextWithHint("##msg", "Message", chat_buf_, sizeof chat_buf_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::SameLine();
    if ((ImGui::Button("Send") || enter) && chat_buf_[0] != 0) {
        protocol::Json content{{"message", std::string(chat_buf_)}};
        if (!chat_to_.empty()) content["to_user_id"] = chat_to_;
        intents.operate("vcSendMessage", std::move(content));
        chat_buf_[0] = 0;
        ImGui::SetKeyboardFocusHere(-1);
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

// [SECTION] requests, prompts and toasts
void MeetingUi::draw_requests(const MeetingView& view, Intents& intents) {
    if (!view.i_am_host || view.requests.empty()) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x - side_column_width(display.x) - 16, 60), ImGuiCond_Always,
                            ImVec2(1.0f, 0.0f));
    ImGui::SetNextWindowBgAlpha(0.95f);
    ImGui::Begin("Requests", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove |
                                          ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
    for (const auto& r : view.requests) {
        ImGui::PushID((r.user_id + (r.share ? "s" : "m")).c_str());
        ImGui::Text("%s asks to %s", r.user_name.c_str(), r.share ? "share" : "speak");
        ImGui::SameLine();
        const char* event = r.share ? "vcSharePermissionPermit" : "vcOperateSelfMicPermit";
        if (ImGui::SmallButton("Accept")) intents.operate(event, protocol::Json{{"apply_user_id", r.user_id}, {"permit", 1}});
        ImGui::SameLine();
        if (ImGui::SmallButton("Deny")) intents.operate(event, protocol::Json{{"apply_user_id", r.user_id}, {"permit", 0}});
        ImGui::PopID();
    }
    ImGui::End();
}

void MeetingUi::draw_asked_by_host(const MeetingView& view, Intents& intents) {
    if (!view.asked_mic_on && !view.asked_camera_on) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.4f, display.y * 0.3f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::Begin("The host asks you", nullptr, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove |
                                                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
    for (const char* device : {"mic", "camera"}) {
        const bool mic = device[0] == 'm';
        if (!(mic ? view.asked_mic_on : view.asked_camera_on)) continue;
        ImGui::PushID(device);
        ImGui::Text(mic ? "to unmute your microphone" : "to turn on your camera");
        if (ImGui::Button(mic ? "Unmute" : "Turn on")) intents.operate("vcReplyOperateRequest", protocol::Json{{"device", device}, {"accept", 1}});
        ImGui::SameLine();
        if (ImGui::Button("Not now")) intents.operate("vcReplyOperateRequest", protocol::Json{{"device", device}, {"accept", 0}});
        ImGui::PopID();
    }
    ImGui::End();
}

void MeetingUi::draw_toasts(const MeetingView& view) {
    if (view.toasts.empty()) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    float y = display.y - 24;
    for (auto it = view.toasts.rbegin(); it != view.toasts.rend(); ++it) {
        const ImVec2 ts = ImGui::CalcTextSize(it->c_str());
        const float x = std::max(12.0f, (display.x - side_column_width(display.x) - ts.x) * 0.5f);
        y -= ts.y + 16;
        dl->AddRectFilled(ImVec2(x - 12, y - 6), ImVec2(x + ts.x + 12, y + ts.y + 6), IM_COL32(40, 44, 56, 240), 8.0f);
        dl->AddText(ImVec2(x, y), kText, it->c_str());
    }
}

}  // namespace posemeet::ui
