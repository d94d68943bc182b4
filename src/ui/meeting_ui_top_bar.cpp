// See meeting_ui.hpp. This part: the top bar (own devices, sharing, the host's buttons, the
// status line or its banner, End/Leave), the microphone menu and the end-meeting confirmation.
#include <algorithm>
#include <string>

#include "ui/icons.hpp"
#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"
#include "ui/strings.hpp"

namespace posemeet::ui {
using namespace parts;

// The one line of "what is going on" the top bar shows, most urgent first.
MeetingUi::StatusLine MeetingUi::status_line(const MeetingView& view) {
    const ImVec4 warning = theme().warning;
    if (view.status == "reconnecting" || !view.error.empty())
        return {view.error.empty() ? tr("Reconnecting...") : translate_sentence(view.error), theme().error,
                view.error_detail};
    if (!view.mic_message.empty() && view.mic_state != "live") return {translate_sentence(view.mic_message), warning};
    if (!view.camera_message.empty() && view.camera_state != "on" && view.camera_state != "starting")
        return {translate_sentence(view.camera_message), warning};
    if (view.audio_waits_for_click) return {tr("Click anywhere to hear the meeting"), warning};
    if (view.slow_connection) return {tr("Your connection is slow: some motion is skipped"), warning};
    if (!view.notice.empty()) return {translate_sentence(view.notice), ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]};
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
                      u32(theme().banner_bg));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(padding.x, top + padding.y),
                ImGui::ColorConvertFloat4ToU32(status.color), status.text.c_str(), nullptr, wrap);
}

namespace {

// What the top bar can show, in the order it is drawn. What does not fit goes into the
// "More" menu (in the order of kFitFirst, the last ones first), so that every action stays
// reachable at any width from 320 px up.
enum class BarItem { RoomName, Mic, MicLevel, MicMenu, Camera, CameraMenu, Share, MuteAll, Settings, kCount };
// Kept on the bar first: your microphone, camera, then the rest.
constexpr BarItem kFitFirst[] = {BarItem::Mic,        BarItem::Camera,   BarItem::MicMenu,
                                 BarItem::Share,      BarItem::MuteAll,  BarItem::CameraMenu,
                                 BarItem::Settings,   BarItem::MicLevel, BarItem::RoomName};
constexpr float kMicLevelWidth = 46.0f;

// A bar button's text: its icon and label, or the icon alone on a narrow window (the label
// is then its tooltip). "###label" keeps its ImGui id the same either way.
struct BarText {
    std::string shown;
    const char* label;
};
BarText bar_text(const char* icon, const char* label, bool compact) {
    return {(compact ? std::string(icon) : std::string(icon) + "  " + tr(label)) + "###" + label, label};
}

float button_width(const BarText& t) {
    return ImGui::CalcTextSize(t.shown.c_str(), nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}

struct BarLabels {
    BarText mic, camera, share, mute_all, settings, more, leave, end, end_short;
};

BarLabels bar_labels(const MeetingView& view, bool compact) {
    using namespace icons;
    BarLabels l;
    l.mic = bar_text(view.my_mic ? kMic : view.mic_blocked ? kHand : kMicOff,
                     view.my_mic ? "Mute" : view.mic_blocked ? (view.mic_applying ? "Asked to speak" : "Ask to speak") : "Unmute",
                     compact);
    l.camera = bar_text(kCamera, view.my_camera ? "Camera off" : "Camera on", compact);
    l.share = bar_text(view.i_am_sharing ? kStop : kScreen,
                       view.i_am_sharing ? "Stop sharing"
                       : view.may_share  ? "Share"
                                         : (view.share_applying ? "Asked to share" : "Ask to share"),
                       compact);
    l.mute_all = bar_text(view.all_muted ? kMic : kMicOff, view.all_muted ? "Allow mics" : "Mute all", compact);
    l.settings = bar_text(kSettings, "Settings", true);  // an icon everywhere: it is not an action of the meeting
    l.more = bar_text(kMore, "More", compact);
    l.leave = bar_text(kLeave, "Leave", compact);
    l.end = bar_text(kClose, "End meeting", false);
    l.end_short = bar_text(kClose, "End meeting", true);
    return l;
}

// Hovering a button whose label is hidden (compact) or that has a shortcut says what it does.
void bar_tooltip(const BarText& t, bool compact, const char* more = nullptr) {
    if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return;
    if (more) ImGui::SetTooltip("%s", tr(more));
    else if (compact) ImGui::SetTooltip("%s", tr(t.label));
}

}  // namespace

bool MeetingUi::draw_top_bar(const MeetingView& view, const StatusLine& status, Intents& intents,
                             float height) {
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(display.x, height));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, theme().bar_bg);
    ImGui::Begin("##topbar", nullptr, kPanelFlags);
    const ControlScope scope(*this, "bar");
    auto& actions = intents.room_actions;
    // Narrow windows (phones, a small embedded widget) show icons, their labels as tooltips.
    const bool compact = display.x < 560;
    const BarLabels labels = bar_labels(view, compact);
    const float pad = ImGui::GetStyle().WindowPadding.x, gap = ImGui::GetStyle().ItemSpacing.x;

    // [Layout] Each item's width; then as many as fit, most important first. End meeting
    // shortens to "End" before anything moves into More.
    bool on_bar[static_cast<int>(BarItem::kCount)] = {};
    float width[static_cast<int>(BarItem::kCount)] = {};
    auto w = [&](BarItem i) -> float& { return width[static_cast<int>(i)]; };
    const std::string room_label = view.room_name + "  " + std::to_string(view.tiles.size());
    w(BarItem::RoomName) = ImGui::CalcTextSize(room_label.c_str()).x;
    w(BarItem::Mic) = button_width(labels.mic);
    w(BarItem::MicLevel) = view.mic_state == "live" ? kMicLevelWidth : -1;  // -1: not there at all
    w(BarItem::MicMenu) = ImGui::GetFrameHeight();
    w(BarItem::Camera) = button_width(labels.camera);
    w(BarItem::CameraMenu) = ImGui::GetFrameHeight();
    w(BarItem::Share) = button_width(labels.share);
    w(BarItem::MuteAll) = view.i_am_host ? button_width(labels.mute_all) : -1;
    w(BarItem::Settings) = button_width(labels.settings);
    const float leave_w = button_width(labels.leave), more_w = button_width(labels.more);
    const float end_w_full = button_width(labels.end), end_w_short = button_width(labels.end_short);
    auto fit = [&](float end_w, bool with_more) {
        float room = display.x - 2 * pad - leave_w - (view.i_am_host ? end_w + gap : 0.0f) -
                     (with_more ? more_w + gap : 0.0f);
        bool all = true;
        for (BarItem i : kFitFirst) {
            if (w(i) < 0) continue;
            // A menu arrow or the level meter only next to its own button.
            const BarItem owner = i == BarItem::CameraMenu                           ? BarItem::Camera
                                  : i == BarItem::MicMenu || i == BarItem::MicLevel ? BarItem::Mic
                                                                                     : i;
            on_bar[static_cast<int>(i)] = w(i) + gap <= room && (owner == i || on_bar[static_cast<int>(owner)]);
            if (on_bar[static_cast<int>(i)]) room -= w(i) + gap;
            else if (i != BarItem::MicLevel && i != BarItem::RoomName) all = false;  // an action for More
        }
        return all;
    };
    bool short_end = false, more = false;
    if (!fit(end_w_full, false)) {
        short_end = view.i_am_host;
        if (!fit(end_w_short, false)) {
            more = true;
            fit(end_w_short, true);
        }
    }
    auto bar = [&](BarItem i) { return w(i) >= 0 && on_bar[static_cast<int>(i)]; };
    // Left in More: everything that is an action (the level meter and the name are not).
    auto in_more = [&](BarItem i) {
        return w(i) >= 0 && !on_bar[static_cast<int>(i)] && i != BarItem::MicLevel && i != BarItem::RoomName;
    };

    // [Left] Own devices, sharing, the host's button. Each popup is drawn whether its button
    // is on the bar or in More (which opens it through open_popup_).
    bool first = true;
    auto next = [&](float spacing) {
        if (!first) ImGui::SameLine(0, spacing);
        first = false;
    };
    ImGui::AlignTextToFramePadding();
    if (bar(BarItem::RoomName)) {
        next(gap);
        ImGui::Text("%s", view.room_name.c_str());
        ImGui::SameLine();
        ImGui::TextDisabled("%zu", view.tiles.size());
    }
    if (bar(BarItem::Mic)) {
        next(bar(BarItem::RoomName) ? 18.0f : gap);
        ImGui::BeginDisabled(!view.my_mic && ((view.mic_blocked && view.mic_applying) || !view.granted.mic));
        if (control(labels.mic.label, ImGui::Button(labels.mic.shown.c_str()))) mic_action(view, actions);
        bar_tooltip(labels.mic, compact,
                    view.my_mic              ? "Mute your microphone (Ctrl+D)"
                    : !view.granted.mic      ? "Your access to this meeting does not include the microphone"
                    : view.mic_blocked       ? labels.mic.label
                                             : "Turn your microphone on (Ctrl+D)");
        ImGui::EndDisabled();
    }
    if (bar(BarItem::MicLevel)) {
        next(6);
        level_meter(view.my_mic ? view.input_level_dbfs : -127.0f, ImVec2(kMicLevelWidth, 6));
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(view.my_mic ? "Your microphone level" : "You are muted"));
    }
    // The arrow next to a device button: its settings menu.
    auto settings_arrow = [&](const char* name, const char* id, const char* popup) {
        next(4);
        if (control(name, ImGui::ArrowButton(id, ImGuiDir_Down))) open_popup_below_item(popup);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tr(name));
    };
    if (bar(BarItem::MicMenu)) settings_arrow("Microphone settings", "##audio", "audio_menu");
    if (bar(BarItem::Camera)) {
        next(gap);
        ImGui::BeginDisabled(!view.my_camera && !view.granted.camera);
        if (control(labels.camera.label, ImGui::Button(labels.camera.shown.c_str()))) camera_action(view, actions);
        if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
            ImGui::SetTooltip("%s", tr(!view.granted.camera ? "Your access to this meeting does not include the camera"
                                       : view.demo_avatar   ? "Demo avatar: your avatar moves by itself, no camera is used (Ctrl+E)"
                                                            : "Your body moves your avatar. Your video stays on this device: "
                                                              "only body points are sent (Ctrl+E)"));
        ImGui::EndDisabled();
    }
    if (bar(BarItem::CameraMenu)) settings_arrow("Camera settings", "##camera", "camera_menu");
    if (bar(BarItem::Share)) {
        next(gap);
        ImGui::BeginDisabled(!view.i_am_sharing && ((view.may_share && !view.sharer_name.empty()) ||
                                                    (!view.may_share && view.share_applying) || !view.granted.screen));
        if (control(labels.share.label, ImGui::Button(labels.share.shown.c_str()))) {
            popup_anchor_ = last_item_rect();
            share_action(view, actions);
        }
        bar_tooltip(labels.share, compact,
                    view.granted.screen || view.i_am_sharing ? nullptr
                                                             : "Your access to this meeting does not include sharing");
        ImGui::EndDisabled();
    }
    if (bar(BarItem::MuteAll)) {
        next(18);
        if (control(labels.mute_all.label, ImGui::Button(labels.mute_all.shown.c_str()))) {
            popup_anchor_ = last_item_rect();
            mute_all_action(view, actions);
        }
        bar_tooltip(labels.mute_all, compact);
    }
    if (bar(BarItem::Settings)) {
        next(gap);
        if (control(labels.settings.label, ImGui::Button(labels.settings.shown.c_str()))) open_popup_below_item("settings");
        bar_tooltip(labels.settings, true, "Settings: theme and language");
    }
    const float left_end = first ? pad : ImGui::GetItemRectMax().x;

    // [Middle] What is going on, right of the buttons while there is room before the right
    // cluster. On a narrow window "X is sharing" and "Speaking: X" are left out (the tiles
    // and the participant list show both), and the status line moves to a banner under the
    // bar, so that it and the Leave button are never pushed off the screen.
    const float end_w = short_end ? end_w_short : end_w_full;
    const float right = pad + leave_w + (view.i_am_host ? end_w + gap : 0.0f) + (more ? more_w + gap : 0.0f);
    const float room_end = display.x - right - 8;
    float cursor = left_end;
    auto fits = [&](const std::string& text, float spacing) {
        return cursor + spacing + ImGui::CalcTextSize(text.c_str()).x <= room_end;
    };
    auto say = [&](const std::string& text, const ImVec4& color, float spacing) {
        if (!fits(text, spacing)) return false;
        next(spacing);
        ImGui::TextColored(color, "%s", text.c_str());
        cursor = ImGui::GetItemRectMax().x;
        return true;
    };
    if (!view.sharer_name.empty())
        say(trf(view.share_type == 1 ? "%s is sharing a whiteboard" : "%s is sharing a screen", view.sharer_name.c_str()),
            theme().sharing, 18);
    // Who is heard now: the active speaker while their voice comes through, nobody in silence.
    for (const TileView& t : view.tiles)
        if (t.active_speaker && t.speaking && view.tiles.size() > 1)
            say(trf("Speaking: %s", t.name.c_str()), theme().good, 18);
    const bool status_in_bar = !status.text.empty() && say(status.text, status.color, gap);
    if (status_in_bar && ImGui::IsItemHovered() && !status.detail.empty())
        ImGui::SetTooltip("%s", trf("Details: %s", status.detail.c_str()).c_str());

    // [Right] More, End meeting, Leave at the right edge.
    const float right_x = std::max(display.x - right, cursor + 8);
    if (first) ImGui::SetCursorPosX(right_x);
    else ImGui::SameLine(right_x);
    if (more) {
        if (control(labels.more.label, ImGui::Button(labels.more.shown.c_str()))) open_popup_below_item("more");
        bar_tooltip(labels.more, compact, "More actions");
        ImGui::SameLine();
    }
    ImGui::PushStyleColor(ImGuiCol_Button, theme().danger);
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, theme().danger_hovered);
    if (view.i_am_host) {
        const BarText& end = short_end ? labels.end_short : labels.end;
        if (control(end.label, ImGui::Button(end.shown.c_str(), ImVec2(end_w, 0)))) confirm_end_ = true;
        bar_tooltip(end, true, "End the meeting for everyone");
        ImGui::SameLine();
    }
    if (control(labels.leave.label, ImGui::Button(labels.leave.shown.c_str(), ImVec2(leave_w, 0)))) intents.leave = true;
    bar_tooltip(labels.leave, compact, "Leave the meeting");
    ImGui::PopStyleColor(2);

    // [Popups] More holds what did not fit; the others open from their button or from More.
    if (begin_popup("more")) {
        const ControlScope menu(*this, "more");
        if (!bar(BarItem::RoomName)) ImGui::TextDisabled("%s", room_label.c_str());
        if (in_more(BarItem::Mic) && menu_item(labels.mic.label)) mic_action(view, actions);
        if (in_more(BarItem::MicMenu) && menu_item("Microphone settings")) open_popup_ = "audio_menu";
        if (in_more(BarItem::Camera) && menu_item(labels.camera.label)) camera_action(view, actions);
        if (in_more(BarItem::CameraMenu) && menu_item("Camera settings")) open_popup_ = "camera_menu";
        if (in_more(BarItem::Share) && menu_item(labels.share.label)) share_action(view, actions);
        if (in_more(BarItem::MuteAll) && menu_item(labels.mute_all.label)) mute_all_action(view, actions);
        if (in_more(BarItem::Settings) && menu_item(labels.settings.label)) open_popup_ = "settings";
        ImGui::EndPopup();
    }
    if (!open_popup_.empty() && !ImGui::IsPopupOpen("more")) {
        ImGui::OpenPopup(open_popup_.c_str());
        open_popup_.clear();
    }
    if (begin_popup("share_menu")) {
        const ControlScope menu(*this, "share_menu");
        if (menu_item("Share screen")) actions.push_back(StartShare{ShareKind::Screen});
        if (menu_item("Share whiteboard")) actions.push_back(StartShare{ShareKind::Whiteboard});
        ImGui::EndPopup();
    }
    if (begin_popup("mute_all")) {
        const ControlScope menu(*this, "mute_all");
        ImGui::TextUnformatted(tr("Mute everyone except you"));
        const char* allow = "Participants may unmute themselves";
        control(allow, ImGui::Checkbox(shown(allow).c_str(), &allow_self_unmute_));
        if (button("Mute all", ImVec2(-1, 0))) {
            actions.push_back(MuteAll{allow_self_unmute_});
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
    draw_audio_settings(view, intents);
    draw_camera_settings(view, intents);
    draw_settings(view, intents);
    ImGui::End();
    ImGui::PopStyleColor();
    return !status.text.empty() && !status_in_bar;
}

// The microphone button: mute, unmute, or (everyone muted without self-unmute) ask to speak.
void MeetingUi::mic_action(const MeetingView& view, std::vector<RoomAction>& actions) {
    if (view.my_mic) actions.push_back(SetMyMic{false});
    else if (!view.granted.mic) return;  // the access token does not include it (the button says so)
    else if (!view.mic_blocked) actions.push_back(SetMyMic{true});
    else if (!view.mic_applying) actions.push_back(AskToSpeak{});
}

// The camera button: off always works; on only if the access token includes the camera.
void MeetingUi::camera_action(const MeetingView& view, std::vector<RoomAction>& actions) {
    if (view.my_camera || view.granted.camera) actions.push_back(SetMyCamera{!view.my_camera});
}

// Share: choose what to share, stop sharing, or ask the host for permission.
void MeetingUi::share_action(const MeetingView& view, std::vector<RoomAction>& actions) {
    if (view.i_am_sharing) actions.push_back(StopShare{});
    else if (!view.granted.screen) return;
    else if (view.may_share) open_popup_ = "share_menu";
    else if (!view.share_applying) actions.push_back(AskToShare{});
}

// Mute all asks first (may they unmute themselves?); Allow mics applies at once.
void MeetingUi::mute_all_action(const MeetingView& view, std::vector<RoomAction>& actions) {
    if (view.all_muted) actions.push_back(AllowMics{});
    else open_popup_ = "mute_all";
}

// The microphone menu: pick the microphone, see its level (opened from the bar or More).
void MeetingUi::draw_audio_settings(const MeetingView& view, Intents& intents) {
    if (begin_popup("audio_menu")) {
        const ControlScope menu(*this, "audio_menu");
        ImGui::TextDisabled("%s", tr("Microphone"));
        if (view.input_devices.empty()) ImGui::TextDisabled("%s", tr("(no microphone available)"));
        for (const auto& d : view.input_devices) {
            const bool selected = d.id == view.input_device ||
                                  (view.input_device.empty() && &d == &view.input_devices[0]);
            if (menu_item(d.label.c_str(), selected)) intents.input_device = d.id;
        }
        if (view.mic_state == "live") {
            ImGui::Separator();
            ImGui::TextDisabled("%s", tr("Input level"));
            level_meter(view.input_level_dbfs, ImVec2(200, 8));
        } else {
            ImGui::Separator();
            ImGui::TextWrapped("%s", view.mic_message.empty() ? tr("The microphone is off.")
                                                              : translate_sentence(view.mic_message).c_str());
            if (view.mic_state != "asking" && button("Try the microphone again"))
                intents.input_device = view.input_device;
        }
        ImGui::EndPopup();
    }
}

// A menu to pick the camera, switch to the demo avatar, and show or hide the self-view.
void MeetingUi::draw_camera_settings(const MeetingView& view, Intents& intents) {
    if (!begin_popup("camera_menu")) return;
    const ControlScope menu(*this, "camera_menu");
    ImGui::TextDisabled("%s", tr("Camera"));
    if (view.camera_devices.empty())
        ImGui::TextDisabled("%s", tr(view.my_camera ? "(no camera listed)" : "(turn the camera on to list cameras)"));
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
    ImGui::TextDisabled("%s", tr("Your video stays on this device: only body points are sent."));
    if (!view.camera_message.empty() && view.camera_state != "on")
        ImGui::TextWrapped("%s", translate_sentence(view.camera_message).c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndPopup();
}

// The look of the UI: follow the browser's light/dark setting, or always dark or light.
void MeetingUi::draw_settings(const MeetingView& view, Intents& intents) {
    if (!begin_popup("settings")) return;
    const ControlScope menu(*this, "settings");
    ImGui::TextDisabled("%s", tr("Theme"));
    const std::pair<const char*, const char*> choices[] = {
        {"system", "Follow the system"}, {"dark", "Dark"}, {"light", "Light"}};
    for (const auto& [id, label] : choices)
        if (menu_item(label, view.theme_choice == id)) intents.theme = id;
    ImGui::Separator();
    ImGui::TextDisabled("%s", tr("Language"));
    // Each language's name in itself, whatever the UI's language.
    const std::pair<const char*, const char*> languages[] = {{"en", "English"}, {"zh", "\xe4\xb8\xad\xe6\x96\x87"}};
    for (const auto& [code, name] : languages)
        if (control(code, ImGui::Selectable(name, view.language == code))) intents.language = code;
    ImGui::Separator();
    ImGui::TextDisabled("%s", tr("Layout"));
    if (menu_item("Grid view", !speaker_view_)) speaker_view_ = false;
    if (menu_item("Speaker view", speaker_view_)) speaker_view_ = true;
    ImGui::EndPopup();
}

// Ending is for everyone and cannot be undone: the button says so in red. Enter confirms
// (the dialog asked exactly this), Escape cancels.
void MeetingUi::draw_end_confirmation(Intents& intents) {
    if (confirm_end_) {
        ImGui::OpenPopup(shown("End the meeting?").c_str());
        confirm_end_ = false;
    }
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.5f, display.y * 0.4f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::BeginPopupModal(shown("End the meeting?").c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        const ControlScope scope(*this, "end_meeting");
        ImGui::TextUnformatted(tr("Everyone will be removed and the room closes."));
        ImGui::PushStyleColor(ImGuiCol_Button, theme().danger);
        ImGui::PushStyleColor(ImGuiCol_ButtonHovered, theme().danger_hovered);
        const bool end = button("End for everyone") || key_pressed(ImGuiKey_Enter);
        ImGui::PopStyleColor(2);
        if (end) {
            intents.room_actions.push_back(EndMeeting{});
            ImGui::CloseCurrentPopup();
        }
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Button, theme().neutral_button);
        if ((button("Cancel") || key_pressed(ImGuiKey_Escape)) && !end) ImGui::CloseCurrentPopup();
        ImGui::PopStyleColor();
        ImGui::EndPopup();
    }
}

}  // namespace posemeet::ui
