// See meeting_ui.hpp. This part: the top bar (own devices, sharing, the host's buttons, the
// status line or its banner, End/Leave), the microphone menu and the end-meeting confirmation.
#include <algorithm>
#include <string>

#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"

namespace posemeet::ui {
using namespace parts;

// The one line of "what is going on" the top bar shows, most urgent first.
MeetingUi::StatusLine MeetingUi::status_line(const MeetingView& view) {
    const ImVec4 warning(1.0f, 0.75f, 0.35f, 1.0f);
    if (view.status == "reconnecting" || !view.error.empty())
        return {view.error.empty() ? "Reconnecting..." : view.error,
                ImVec4(1.0f, 0.55f, 0.35f, 1.0f)};
    if (!view.mic_message.empty() && view.mic_state != "live") return {view.mic_message, warning};
    if (!view.camera_message.empty() && view.camera_state != "on" && view.camera_state != "starting")
        return {view.camera_message, warning};
    if (view.audio_waits_for_click) return {"Click anywhere to hear the meeting", warning};
    if (view.slow_connection) return {"Your connection is slow: some motion is skipped", warning};
    if (!view.notice.empty()) return {view.notice, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]};
    return {};
}

namespace {
const ImVec2 kBannerPadding(14, 6);
float banner_wrap_width() { return ImGui::GetIO().DisplaySize.x - 2 * kBannerPadding.x; }
}  // namespace

float MeetingUi::status_banner_height(const StatusLine& status) {
    return ImGui::CalcTextSize(status.text.c_str(), nullptr, false, banner_wrap_width()).y +
           2 * kBannerPadding.y;
}

// The status line when the top bar has no room for it: a wrapped banner under the bar,
// on the foreground (like the toasts) so that the tiles never cover it.
void MeetingUi::draw_status_banner(const StatusLine& status, float top) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    const ImVec2 padding = kBannerPadding;
    const float wrap = banner_wrap_width();
    ImDrawList* dl = ImGui::GetForegroundDrawList();
    dl->AddRectFilled(ImVec2(0, top), ImVec2(display.x, top + status_banner_height(status)),
                      IM_COL32(42, 34, 26, 245));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(padding.x, top + padding.y),
                ImGui::ColorConvertFloat4ToU32(status.color), status.text.c_str(), nullptr, wrap);
}

bool MeetingUi::draw_top_bar(const MeetingView& view, const StatusLine& status, Intents& intents,
                             float height) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(display.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.09f, 0.10f, 0.13f, 1.0f));
    ImGui::Begin("##topbar", nullptr, kPanelFlags);
    const ControlScope scope(*this, "bar");
    auto& actions = intents.room_actions;
    ImGui::AlignTextToFramePadding();
    ImGui::Text("%s", view.room_name.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%zu", view.tiles.size());
    ImGui::SameLine(0, 18);

    // Own devices. While everyone is muted without self-unmute, "Unmute" becomes "Ask to speak".
    if (view.my_mic) {
        if (button("Mute")) actions.push_back(SetMyMic{false});
    } else if (view.mic_blocked) {
        ImGui::BeginDisabled(view.mic_applying);
        if (button(view.mic_applying ? "Asked to speak" : "Ask to speak"))
            actions.push_back(AskToSpeak{});
        ImGui::EndDisabled();
    } else if (button("Unmute")) {
        actions.push_back(SetMyMic{true});
    }
    ImGui::SameLine(0, 6);
    draw_audio_settings(view, intents);
    ImGui::SameLine();
    if (button(view.my_camera ? "Camera off" : "Camera on"))
        actions.push_back(SetMyCamera{!view.my_camera});
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(view.demo_avatar ? "Demo avatar: your avatar moves by itself, no camera is used"
                                           : "Your body moves your avatar. Your video stays on this device: "
                                             "only body points are sent");
    ImGui::SameLine(0, 6);
    draw_camera_settings(view, intents);
    ImGui::SameLine();
    if (view.i_am_sharing) {
        if (button("Stop sharing")) actions.push_back(StopShare{});
    } else if (view.may_share) {
        ImGui::BeginDisabled(!view.sharer_name.empty());
        if (button("Share")) ImGui::OpenPopup("share_menu");
        ImGui::EndDisabled();
    } else {
        ImGui::BeginDisabled(view.share_applying);
        if (button(view.share_applying ? "Asked to share" : "Ask to share"))
            actions.push_back(AskToShare{});
        ImGui::EndDisabled();
    }
    if (ImGui::BeginPopup("share_menu")) {
        const ControlScope menu(*this, "share_menu");
        if (menu_item("Share screen")) actions.push_back(StartShare{ShareKind::Screen});
        if (menu_item("Share whiteboard")) actions.push_back(StartShare{ShareKind::Whiteboard});
        ImGui::EndPopup();
    }
    if (view.i_am_host) {
        ImGui::SameLine(0, 18);
        if (button(view.all_muted ? "Allow mics" : "Mute all")) {
            if (view.all_muted)
                actions.push_back(AllowMics{});
            else
                ImGui::OpenPopup("mute_all");
        }
        if (ImGui::BeginPopup("mute_all")) {
            const ControlScope menu(*this, "mute_all");
            ImGui::Text("Mute everyone except you");
            const char* allow = "Participants may unmute themselves";
            control(allow, ImGui::Checkbox(allow, &allow_self_unmute_));
            if (button("Mute all", ImVec2(-1, 0))) {
                actions.push_back(MuteAll{allow_self_unmute_});
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
    auto cluster = [&](float end_w) {
        return pad + leave_w + (view.i_am_host ? end_w + gap : 0.0f);
    };
    const bool short_end = ImGui::GetItemRectMax().x + 8 > display.x - cluster(end_w_full);
    const float end_w = short_end ? end_w_short : end_w_full;
    const float right = cluster(end_w);
    const float room_end = display.x - right - 8;
    auto fits = [&](const std::string& text, float spacing) {
        return ImGui::GetItemRectMax().x + spacing + ImGui::CalcTextSize(text.c_str()).x <=
               room_end;
    };
    if (!view.sharer_name.empty()) {
        const std::string sharing =
            view.sharer_name + " is sharing a " + (view.share_type == 1 ? "whiteboard" : "screen");
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
    const bool status_in_bar =
        !status.text.empty() && fits(status.text, ImGui::GetStyle().ItemSpacing.x);
    if (status_in_bar) {
        ImGui::SameLine();
        ImGui::TextColored(status.color, "%s", status.text.c_str());
    }
    ImGui::SameLine(std::max(display.x - right, ImGui::GetCursorPosX() + 8));
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.80f, 0.24f, 0.24f, 1.0f));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.90f, 0.30f, 0.30f, 1.0f));
    if (view.i_am_host) {
        if (button(short_end ? "End" : "End meeting", ImVec2(end_w, 0))) confirm_end_ = true;
        if (short_end && ImGui::IsItemHovered()) ImGui::SetTooltip("End the meeting for everyone");
        ImGui::SameLine();
    }
    if (button("Leave", ImVec2(76, 0))) intents.leave = true;
    ImGui::PopStyleColor(2);
    ImGui::End();
    ImGui::PopStyleColor();
    return !status.text.empty() && !status_in_bar;
}

// The mic's level next to the mute button, and a menu to pick the microphone.
void MeetingUi::draw_audio_settings(const MeetingView& view, Intents& intents) {
    if (view.mic_state == "live") {
        level_meter(view.my_mic ? view.input_level_dbfs : -127.0f, ImVec2(46, 6));
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(view.my_mic ? "Your microphone level" : "You are muted");
        ImGui::SameLine(0, 4);
    }
    if (control("Microphone settings", ImGui::ArrowButton("##audio", ImGuiDir_Down)))
        ImGui::OpenPopup("audio_menu");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Microphone settings");
    if (ImGui::BeginPopup("audio_menu")) {
        const ControlScope menu(*this, "audio_menu");
        ImGui::TextDisabled("Microphone");
        if (view.input_devices.empty()) ImGui::TextDisabled("(no microphone available)");
        for (const auto& d : view.input_devices) {
            const bool selected = d.id == view.input_device ||
                                  (view.input_device.empty() && &d == &view.input_devices[0]);
            if (menu_item(d.label.c_str(), selected)) intents.input_device = d.id;
        }
        if (view.mic_state == "live") {
            ImGui::Separator();
            ImGui::TextDisabled("Input level");
            level_meter(view.input_level_dbfs, ImVec2(200, 8));
        } else {
            ImGui::Separator();
            ImGui::TextWrapped("%s", view.mic_message.empty() ? "The microphone is off."
                                                              : view.mic_message.c_str());
            if (view.mic_state != "asking" && button("Try the microphone again"))
                intents.input_device = view.input_device;
        }
        ImGui::EndPopup();
    }
}

// A menu to pick the camera, switch to the demo avatar, and show or hide the self-view.
void MeetingUi::draw_camera_settings(const MeetingView& view, Intents& intents) {
    if (control("Camera settings", ImGui::ArrowButton("##camera", ImGuiDir_Down)))
        ImGui::OpenPopup("camera_menu");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Camera settings");
    if (!ImGui::BeginPopup("camera_menu")) return;
    const ControlScope menu(*this, "camera_menu");
    ImGui::TextDisabled("Camera");
    if (view.camera_devices.empty()) ImGui::TextDisabled(view.my_camera ? "(no camera listed)" : "(turn the camera on to list cameras)");
    for (const auto& d : view.camera_devices) {
        const bool selected = d.id == view.camera_device ||
                              (view.camera_device.empty() && &d == &view.camera_devices[0]);
        if (menu_item(d.label.empty() ? "Camera" : d.label.c_str(), selected)) intents.camera_device = d.id;
    }
    ImGui::Separator();
    if (menu_item("Demo avatar (no camera)", view.demo_avatar)) intents.demo_avatar = !view.demo_avatar;
    if (menu_item("Show my camera", view.self_view)) intents.self_view = !view.self_view;
    ImGui::Separator();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 280);
    ImGui::TextDisabled("Your video stays on this device: only body points are sent.");
    if (!view.camera_message.empty() && view.camera_state != "on") ImGui::TextWrapped("%s", view.camera_message.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndPopup();
}

void MeetingUi::draw_end_confirmation(Intents& intents) {
    if (confirm_end_) {
        ImGui::OpenPopup("End the meeting?");
        confirm_end_ = false;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::BeginPopupModal("End the meeting?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        const ControlScope scope(*this, "end_meeting");
        ImGui::Text("Everyone will be removed and the room closes.");
        if (button("End for everyone", ImVec2(160, 0))) {
            intents.room_actions.push_back(EndMeeting{});
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        if (button("Cancel", ImVec2(100, 0))) ImGui::CloseCurrentPopup();
        ImGui::EndPopup();
    }
}

}  // namespace posemeet::ui
