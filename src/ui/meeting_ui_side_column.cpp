// See meeting_ui.hpp. This part: the side column (participants with their menus, chat), and
// on narrow windows the button that opens it over the tiles.
#include <cmath>
#include <cstdio>
#include <string>

#include "ui/icons.hpp"
#include "ui/meeting_ui.hpp"
#include "ui/meeting_ui_parts.hpp"
#include "ui/strings.hpp"

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
        std::snprintf(label, sizeof label, "%s###People & chat", trf("People & chat (%zu new)", unread).c_str());
    else
        std::snprintf(label, sizeof label, "%s###People & chat", tr("People & chat"));
    const ImVec2 pad = ImGui::GetStyle().FramePadding;
    const ImVec2 size(ImGui::CalcTextSize(label).x + 2 * pad.x, ImGui::GetFrameHeight());
    ImGui::SetNextWindowPos(ImVec2(tiles_max.x - size.x - 16, tiles_max.y - size.y - 16));
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##side_toggle", nullptr, kOverlayFlags | ImGuiWindowFlags_NoBackground);
    if (unread > 0) {
        ImGui::PushStyleColor(ImGuiCol_Button, theme().attention_button);
        ImGui::PushStyleColor(ImGuiCol_Text, theme().text_on_attention);
    }
    const ControlScope scope(*this, "side_toggle");
    if (control("People & chat", ImGui::Button(label, size))) side_open_ = true;
    if (unread > 0) ImGui::PopStyleColor(2);
    ImGui::End();
    ImGui::PopStyleVar();
}

void MeetingUi::draw_participants(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                                  Intents& intents, bool overlay) {
    begin_side_panel("##participants", origin, size, theme().panel_bg, overlay,
                     ImGuiWindowFlags_NoScrollbar);
    const ControlScope scope(*this, "people");
    ImGui::TextUnformatted(trf("Participants (%zu)", view.tiles.size()).c_str());
    if (overlay) {
        ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - ImGui::CalcTextSize(tr("Close")).x -
                        2 * ImGui::GetStyle().FramePadding.x);
        if (small_button("Close")) side_open_ = false;
    }
    ImGui::Separator();
    for (const auto& t : view.tiles) draw_participant_row(view, t, intents);
    draw_invitations(view);
    ImGui::End();
    ImGui::PopStyleColor();
}

// The invited who are not here: their name and where the invitation stands, in words and colour.
void MeetingUi::draw_invitations(const MeetingView& view) {
    if (view.invitations.empty()) return;
    ImGui::Spacing();
    ImGui::TextDisabled("%s", trf("Invited (%zu)", view.invitations.size()).c_str());
    ImGui::Separator();
    const ControlScope scope(*this, "invited");
    for (const InvitationLine& inv : view.invitations) {
        const bool waiting = inv.status == "invited";
        const ImVec4 color = waiting ? theme().text_secondary
                                     : inv.status == "declined" ? theme().error : theme().warning;
        const std::string status = waiting ? tr("invited, not here yet")
                                   : inv.status == "declined" ? tr("declined") : tr("did not join");
        const float status_w = ImGui::CalcTextSize(status.c_str()).x;
        const float right = ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x;
        const float name_room = ImGui::GetContentRegionAvail().x - status_w - ImGui::GetStyle().ItemSpacing.x;
        ImGui::TextUnformatted(ellipsize(inv.name, name_room).c_str());
        ImGui::SameLine(right - status_w);
        ImGui::TextColored(color, "%s", status.c_str());
        control((inv.name + ":" + inv.status).c_str(), false);  // what tests look for
    }
}

// One row: colour, name (shortened with "..." when long: the full row is in a tooltip), what
// they are doing as icons, and their menu (the "..." button, or a right-click on the row).
void MeetingUi::draw_participant_row(const MeetingView& view, const TileView& t, Intents& intents) {
    ImGui::PushID(t.user_id.c_str());
    const ControlScope row(*this, t.user_id);
    const float row_left = ImGui::GetCursorScreenPos().x;
    const float row_right = row_left + ImGui::GetContentRegionAvail().x;
    const float row_top = ImGui::GetCursorScreenPos().y;
    // Status, in icons with their colours (and in words in the tooltip).
    struct Mark {
        const char* icon;
        ImVec4 color;
        const char* words;
    };
    std::vector<Mark> marks;
    if (t.is_host) marks.push_back({icons::kPeople, theme().accent, "host"});
    if (t.speaking) marks.push_back({icons::kMic, theme().good, "speaking"});
    else marks.push_back({t.mic ? icons::kMic : icons::kMicOff, t.mic ? theme().text_secondary : theme().error,
                          t.mic ? "microphone on" : "muted"});
    if (t.camera) marks.push_back({icons::kCamera, theme().text_secondary, "camera on"});
    if (t.sharing) marks.push_back({icons::kScreen, theme().sharing, "sharing"});
    if (t.wants_to_speak) marks.push_back({icons::kHand, theme().warning, "wants to speak"});
    if (t.wants_to_share) marks.push_back({icons::kScreen, theme().warning, "wants to share"});
    const float spacing = ImGui::GetStyle().ItemSpacing.x;
    float marks_w = 0;
    for (const Mark& m : marks) marks_w += ImGui::CalcTextSize(m.icon).x + spacing;
    const float menu_w = t.is_self ? 0.0f : ImGui::CalcTextSize("...").x + 2 * ImGui::GetStyle().FramePadding.x + spacing;

    float rgba[4];
    participant_color(t, rgba);
    ImGui::ColorButton("##c", ImVec4(rgba[0], rgba[1], rgba[2], 1.0f),
                       ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoBorder, ImVec2(10, 10));
    ImGui::SameLine();
    const std::string name = t.is_self ? trf("%s (you)", t.name.c_str()) : t.name;
    const float name_room = row_right - ImGui::GetCursorScreenPos().x - marks_w - menu_w;
    const std::string shown = ellipsize(name, name_room);
    ImGui::TextUnformatted(shown.c_str());
    for (const Mark& m : marks) {
        ImGui::SameLine();
        ImGui::TextColored(m.color, "%s", m.icon);
    }
    if (!t.is_self && t.volume != 1.0f) {
        ImGui::SameLine();
        ImGui::TextDisabled("%.0f%%", t.volume * 100.0f);
    }
    const ImRect row_rect(ImVec2(row_left, row_top), ImVec2(row_right, ImGui::GetItemRectMax().y));
    drawn_controls_[control_scope_ + "row"] = row_rect;
    const bool hovered = ImGui::IsMouseHoveringRect(row_rect.Min, row_rect.Max) && ImGui::IsWindowHovered();
    if (hovered) {
        std::string words = name;
        for (const Mark& m : marks) words += std::string(language() == Language::Chinese ? "，" : ", ") + tr(m.words);
        ImGui::SetTooltip("%s", words.c_str());
    }
    if (!t.is_self) {
        ImGui::SameLine(row_right - menu_w + spacing - ImGui::GetWindowPos().x);
        if (small_button("...") || (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Right)))
            open_popup_below_item("participant_menu");
        if (begin_popup("participant_menu")) {
            const ControlScope menu(*this, "menu");
            draw_participant_menu(view, t, intents);
            ImGui::EndPopup();
        }
    }
    ImGui::PopID();
}

// What you can do about one participant: their volume for you; the host's controls.
void MeetingUi::draw_participant_menu(const MeetingView& view, const TileView& t, Intents& intents) {
    ImGui::TextDisabled("%s", t.name.c_str());
    float percent = t.volume * 100.0f;
    ImGui::SetNextItemWidth(180);
    if (control("Volume", ImGui::SliderFloat("Volume", &percent, 0.0f, 200.0f, "%.0f%%")))
        intents.volumes.emplace_back(t.user_id, percent / 100.0f);
    if (view.i_am_host) {
        ImGui::Separator();
        draw_host_menu(view, t, intents);
    } else if (menu_item("Send a private message")) {
        chat_to_ = t.user_id;
    }
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
    begin_side_panel("##chat", origin, size, theme().chat_bg, overlay);
    const ControlScope scope(*this, "chat");
    ImGui::TextUnformatted(tr("Chat"));
    ImGui::Separator();
    const float input_h = ImGui::GetFrameHeightWithSpacing() * 2 + 4;
    ImGui::BeginChild("##lines", ImVec2(0, -input_h));
    for (const auto& line : view.chat) {
        ImGui::PushStyleColor(ImGuiCol_Text, line.mine ? theme().accent : theme().text);
        if (line.to.empty())
            ImGui::TextWrapped("%s", trf("%s: %s", line.from.c_str(), line.text.c_str()).c_str());
        else
            ImGui::TextWrapped("%s", trf("%s -> %s (private): %s", line.from.c_str(), line.to.c_str(),
                                         line.text.c_str()).c_str());
        ImGui::PopStyleColor();
    }
    if (view.chat.size() != chat_seen_) {
        ImGui::SetScrollHereY(1.0f);
        chat_seen_ = view.chat.size();
    }
    ImGui::EndChild();

    // Recipient: everyone or one participant (private message).
    std::string to_name = tr("Everyone");
    bool to_found = chat_to_.empty();
    for (const auto& t : view.tiles)
        if (t.user_id == chat_to_) {
            to_name = t.name;
            to_found = true;
        }
    if (!to_found) chat_to_.clear(), to_name = tr("Everyone");
    ImGui::SetNextItemWidth(-1);
    const bool choosing = control("To", ImGui::BeginCombo("##to", trf("To: %s", to_name.c_str()).c_str()));
    if (choosing) {
        const ControlScope menu(*this, "to");
        if (menu_item("Everyone", chat_to_.empty())) chat_to_.clear();
        for (const auto& t : view.tiles)
            if (!t.is_self && menu_item(t.name.c_str(), chat_to_ == t.user_id))
                chat_to_ = t.user_id;
        ImGui::EndCombo();
    }
    ImGui::SetNextItemWidth(-60);
    // After a send the field takes the keyboard back, so the next message can be typed at
    // once: asked again each frame until it has it (a focus request can be lost to the
    // keyboard navigation handling the same Enter), for at most a few frames.
    if (refocus_chat_frames_ > 0) {
        ImGui::SetKeyboardFocusHere();
        --refocus_chat_frames_;
    }
    // An access token without data (canPublishData false): chat is read-only, and says why.
    ImGui::BeginDisabled(!view.granted.data);
    const char* hint = view.granted.data ? "Message" : "Your access to this meeting does not include chat";
    const bool enter =
        text_field("Message", "##msg", tr(hint), chat_buf_, sizeof chat_buf_, ImGuiInputTextFlags_EnterReturnsTrue);
    if (ImGui::IsItemActive()) refocus_chat_frames_ = 0;
    ImGui::SameLine();
    if ((button("Send") || enter) && chat_buf_[0] != 0 && view.granted.data) {
        intents.room_actions.push_back(SendChat{chat_buf_, chat_to_});
        chat_buf_[0] = 0;
        refocus_chat_frames_ = kRefocusFrames;
    }
    ImGui::EndDisabled();
    ImGui::End();
    ImGui::PopStyleColor();
}

}  // namespace posemeet::ui
