// See meeting_ui.hpp. This part: what pops up over the meeting: the host's pending requests,
// the host asking you to turn something on, and toasts.
#include <algorithm>
#include <string>

#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"
#include "ui/strings.hpp"

namespace posemeet::ui {
using namespace parts;

void MeetingUi::draw_requests(const MeetingView& view, Intents& intents) {
    if (!view.i_am_host || view.requests.empty()) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x - side_column_width(display.x) - 16, 60),
                            ImGuiCond_Always, ImVec2(1.0f, 0.0f));
    ImGui::SetNextWindowBgAlpha(0.95f);
    ImGui::Begin(shown("Requests").c_str(), nullptr,
                 ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
    const ControlScope scope(*this, "requests");
    auto answer = [&](const PendingRequest& r, bool permit) {
        if (r.share)
            intents.room_actions.push_back(AnswerShareRequest{r.user_id, permit});
        else
            intents.room_actions.push_back(AnswerSpeakRequest{r.user_id, permit});
    };
    for (const auto& r : view.requests) {
        const std::string what = r.share ? "share" : "speak";
        ImGui::PushID((r.user_id + what).c_str());
        const ControlScope request(*this, r.user_id + "/" + what);
        ImGui::TextUnformatted(trf(r.share ? "%s asks to share" : "%s asks to speak", r.user_name.c_str()).c_str());
        ImGui::SameLine();
        if (small_button("Accept")) answer(r, true);
        ImGui::SameLine();
        if (small_button("Deny")) answer(r, false);
        ImGui::PopID();
    }
    ImGui::End();
}

void MeetingUi::draw_asked_by_host(const MeetingView& view, Intents& intents) {
    if (!view.asked_mic_on && !view.asked_camera_on) return;
    const ImVec2 display = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(display.x * 0.4f, display.y * 0.3f), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    ImGui::Begin(shown("The host asks you").c_str(), nullptr,
                 ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
    const ControlScope scope(*this, "host_asks");
    for (const Device device : {Device::Mic, Device::Camera}) {
        const bool mic = device == Device::Mic;
        if (!(mic ? view.asked_mic_on : view.asked_camera_on)) continue;
        const char* name = mic ? "mic" : "camera";
        ImGui::PushID(name);
        const ControlScope asked(*this, name);
        ImGui::TextUnformatted(tr(mic ? "The host asks you to unmute" : "The host asks you to turn on your camera"));
        if (button(mic ? "Unmute" : "Turn on"))
            intents.room_actions.push_back(AnswerHostAsk{device, true});
        ImGui::SameLine();
        if (button("Not now")) intents.room_actions.push_back(AnswerHostAsk{device, false});
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
        const std::string text = translate_sentence(*it);
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        const float x = std::max(12.0f, (display.x - side_column_width(display.x) - ts.x) * 0.5f);
        y -= ts.y + 16;
        dl->AddRectFilled(ImVec2(x - 12, y - 6), ImVec2(x + ts.x + 12, y + ts.y + 6),
                          u32(theme().toast_bg), 8.0f);
        dl->AddRect(ImVec2(x - 12, y - 6), ImVec2(x + ts.x + 12, y + ts.y + 6), u32(theme().frame_border), 8.0f);
        dl->AddText(ImVec2(x, y), u32(theme().text), text.c_str());
    }
}

}  // namespace posemeet::ui
