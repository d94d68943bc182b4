// See meeting_ui.hpp. This part: the side column (participants with their menus, chat), and
// on narrow windows the button that opens it over the tiles.
#include <cmath>
#include <cstdio>
#include <string>

#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"

namespace posemeet::ui {
using namespace parts;
namespace {

// One window of the side column: in the fixed column, or over the tiles (`overlay`, under
// its own name so ImGui keeps the two apart). End it with ImGui::End(), ImGui::PopStyleColor().
void begin_side_panel(const std::string& name, const ImVec2& origin, const ImVec2& size,
                      const ImVec4& background, bool overlay, ImGuiWindowFlags drop_flags = 0) {
    ImGui::SetNextWindowPos(origin);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, background);
    ImGui::Begin((overlay ? name + "_over_tiles" : name).c_str(), nullptr,
                 (overlay ? kOverlayFlags : kPanelFlags) & ~drop_flags);
}

}  // namespace

void MeetingUi::draw_side_column(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                                 Intents& intents, bool overlay) {
    const float list_h = std::floor(size.y * 0.45f);
    draw_participants(view, origin, ImVec2(size.x, list_h), intents, overlay);
    draw_chat(view, ImVec2(origin.x, origin.y + list_h), ImVec2(size.x, size.y - list_h), intents,
              overlay);
    chat_read_ = view.chat.size();
}

void MeetingUi::draw_side_toggle(const MeetingView& view, const ImVec2& tiles_max) {
    if (chat_read_ > view.chat.size()) chat_read_ = view.chat.size();  // a new meeting
    const std::size_t unread = view.chat.size() - chat_read_;
    if (side_open_) return;  // the column has its own Close
    char label[64];
    if (unread > 0)
        std::snprintf(label, sizeof label, "People & chat (%zu new)", unread);
    else
        std::snprintf(label, sizeof label, "People & chat");
    const ImVec2 pad = ImGui::GetStyle().FramePadding;
    const ImVec2 size(ImGui::CalcTextSize(label).x + 2 * pad.x, ImGui::GetFrameHeight());
    ImGui::SetNextWindowPos(ImVec2(tiles_max.x - size.x - 16, tiles_max.y - size.y - 16));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##side_toggle", nullptr, kOverlayFlags | ImGuiWindowFlags_NoBackground);
    if (unread > 0) ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.85f, 0.55f, 0.15f, 1.0f));
    const ControlScope scope(*this, "side_toggle");
    if (control("People & chat", ImGui::Button(label, size))) side_open_ = true;
    if (unread > 0) ImGui::PopStyleColor();
    ImGui::End();
    ImGui::PopStyleVar();
}

void MeetingUi::draw_participants(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                                  Intents& intents, bool overlay) {
    begin_side_panel("##participants", origin, size, ImVec4(0.11f, 0.12f, 0.16f, 1.0f), overlay,
                     ImGuiWindowFlags_NoScrollbar);
    const ControlScope scope(*this, "people");
    ImGui::Text("Participants (%zu)", view.tiles.size());
    if (overlay) {
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize("Close").x -
                        2 * ImGui::GetStyle().FramePadding.x);
        if (small_button("Close")) side_open_ = false;
    }
    ImGui::Separator();
    for (const auto& t : view.tiles) {
        ImGui::PushID(t.user_id.c_str());
        const ControlScope row(*this, t.user_id);
        if (!t.is_self) {  // this participant's menu (volume; the host's controls), first on the
                           // row
            if (small_button("...")) open_popup_below_item("participant_menu");
            if (begin_popup("participant_menu")) {
                const ControlScope menu(*this, "menu");
                ImGui::TextDisabled("%s", t.name.c_str());
                float percent = t.volume * 100.0f;
                ImGui::SetNextItemWidth(180);
                if (control("Volume",
                            ImGui::SliderFloat("Volume", &percent, 0.0f, 200.0f, "%.0f%%")))
                    intents.volumes.emplace_back(t.user_id, percent / 100.0f);
                if (view.i_am_host) {
                    ImGui::Separator();
                    draw_host_menu(view, t, intents);
                } else if (menu_item("Send a private message")) {
                    chat_to_ = t.user_id;
                }
                ImGui::EndPopup();
            }
            ImGui::SameLine();
        }
        float rgba[4];
        participant_color(t, rgba);
        ImGui::ColorButton("##c", ImVec4(rgba[0], rgba[1], rgba[2], 1.0f),
                           ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder,
                           ImVec2(10, 10));
        ImGui::SameLine();
        ImGui::Text("%s%s", t.name.c_str(), t.is_self ? " (you)" : "");
        if (t.is_host) {
            ImGui::SameLine();
            ImGui::TextColored(ImVec4(0.5f, 0.65f, 1.0f, 1.0f), "host");
        }
        ImGui::SameLine();
        if (t.speaking)
            ImGui::TextColored(ImVec4(0.35f, 0.95f, 0.55f, 1), "speaking");
        else
            ImGui::TextColored(
                t.mic ? ImVec4(0.45f, 0.85f, 0.55f, 1) : ImVec4(0.8f, 0.45f, 0.45f, 1),
                t.mic ? "mic" : "muted");
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
            ImGui::TextColored(ImVec4(1.0f, 0.8f, 0.3f, 1.0f),
                               t.wants_to_speak ? "wants to speak" : "wants to share");
        }
        ImGui::PopID();
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

void MeetingUi::draw_host_menu(const MeetingView&, const TileView& who, Intents& intents) {
    auto& actions = intents.room_actions;
    if (who.mic) {
        if (menu_item("Mute")) actions.push_back(SetOtherMic{who.user_id, false});
    } else if (menu_item("Ask to unmute")) {
        actions.push_back(SetOtherMic{who.user_id, true});
    }
    if (who.camera) {
        if (menu_item("Turn camera off")) actions.push_back(SetOtherCamera{who.user_id, false});
    } else if (menu_item("Ask to turn camera on")) {
        actions.push_back(SetOtherCamera{who.user_id, true});
    }
    if (menu_item(who.may_share ? "Take away sharing" : "Allow sharing"))
        actions.push_back(SetSharePermission{who.user_id, !who.may_share});
    if (menu_item("Make host")) actions.push_back(MakeHost{who.user_id});
    if (menu_item("Send a private message")) chat_to_ = who.user_id;
}

// [SECTION] chat
void MeetingUi::draw_chat(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                          Intents& intents, bool overlay) {
    begin_side_panel("##chat", origin, size, ImVec4(0.10f, 0.11f, 0.14f, 1.0f), overlay);
    const ControlScope scope(*this, "chat");
    ImGui::Text("Chat");
    ImGui::Separator();
    const float input_h = ImGui::GetFrameHeightWithSpacing() * 2 + 4;
    ImGui::BeginChild("##lines", ImVec2(0, -input_h));
    for (const auto& line : view.chat) {
        ImGui::PushStyleColor(ImGuiCol_Text, line.mine ? ImVec4(0.6f, 0.75f, 1.0f, 1.0f)
                                                       : ImVec4(0.85f, 0.87f, 0.92f, 1.0f));
        if (line.to.empty())
            ImGui::TextWrapped("%s: %s", line.from.c_str(), line.text.c_str());
        else
            ImGui::TextWrapped("%s -> %s (private): %s", line.from.c_str(), line.to.c_str(),
                               line.text.c_str());
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
        if (t.user_id == chat_to_) {
            to_name = t.name;
            to_found = true;
        }
    if (!to_found) chat_to_.clear(), to_name = "Everyone";
    ImGui::SetNextItemWidth(-1);
    const bool choosing = control("To", ImGui::BeginCombo("##to", ("To: " + to_name).c_str()));
    if (choosing) {
        const ControlScope menu(*this, "to");
        if (menu_item("Everyone", chat_to_.empty())) chat_to_.clear();
        for (const auto& t : view.tiles)
            if (!t.is_self && menu_item(t.name.c_str(), chat_to_ == t.user_id))
                chat_to_ = t.user_id;
        ImGui::EndCombo();
    }
    ImGui::SetNextItemWidth(-60);
    if (refocus_chat_) ImGui::SetKeyboardFocusHere();  // after a send: type the next message
    refocus_chat_ = false;
    const bool enter =
        control("Message", ImGui::InputTextWithHint("##msg", "Message", chat_buf_, sizeof chat_buf_,
                                                    ImGuiInputTextFlags_EnterReturnsTrue));
    ImGui::SameLine();
    if ((button("Send") || enter) && chat_buf_[0] != 0) {
        intents.room_actions.push_back(SendChat{chat_buf_, chat_to_});
        chat_buf_[0] = 0;
        refocus_chat_ = true;
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

}  // namespace posemeet::ui
