// The meeting UI in Dear ImGui: join screen, tile grid with live skeletons, participant
// list, status banners. View only: reads a MeetingView, returns Intents. Its drawing is
// split by part: meeting_ui.cpp (frame, join screen), meeting_ui_top_bar.cpp,
// meeting_ui_tiles.cpp, meeting_ui_side_column.cpp (people, chat), meeting_ui_prompts.cpp.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <map>
#include <string>

#include "ui/meeting_view.hpp"
#include "ui/participant_colors.hpp"

namespace posemeet::ui {

class MeetingUi {
public:
    void apply_style(float dpr);
    // Ctrl+<key> toggles your microphone / camera, as in other meeting apps (Ctrl+D, Ctrl+E).
    // The keys are indices into io.KeysDown as the platform backend fills it.
    void set_shortcut_keys(int mic_key, int camera_key) {
        mic_key_ = mic_key;
        camera_key_ = camera_key;
    }
    // `draw_skeletons` is an ImGui draw callback that renders everything the sink queued
    // this frame; it is inserted after the tile backgrounds, before the labels.
    Intents draw(const MeetingView& view, const SkeletonSink& queue_skeleton,
                 ImDrawCallback draw_skeletons, void* callback_data);

    // What the last frame drew that a person can click or type into, by where it is and its
    // label ("bar/Mute", "bar/mute_all/Mute all", "people/<user id>/menu/Mute", "chat/Message"),
    // with its screen rectangle: tests click them, and can check each is on screen. The
    // participants' tiles are there too ("tile/<user id>"), so tests can find an avatar.
    const std::map<std::string, ImRect>& drawn_controls() const { return drawn_controls_; }
    // The participants whose tiles the last frame showed, and whether the room had more than
    // fit (pages): the app asks the server for full-rate pose of these only.
    const std::vector<std::string>& visible_tiles() const { return visible_tiles_; }
    bool tiles_paged() const { return tile_pages_ > 1; }
    // The text fields of the last frame (the page puts its hidden field over one on a
    // right-click, so that the browser shows its text menu there).
    const std::vector<ImRect>& text_fields() const { return text_fields_; }
    // The colour each participant was drawn in last frame, by user id (participant_colors.hpp).
    const std::map<std::string, Rgb8>& participant_colors() const { return colors_; }
    // What is in the UI's own text fields (name, room, chat), so the app can load the glyphs
    // a person is typing.
    std::string typed_text() const { return std::string(name_buf_) + room_buf_ + chat_buf_; }

private:
    // Names the part being drawn for drawn_controls() while it lives (nested parts join with '/').
    class ControlScope {
    public:
        ControlScope(MeetingUi& ui, const std::string& part);
        ~ControlScope();
        ControlScope(const ControlScope&) = delete;
        ControlScope& operator=(const ControlScope&) = delete;

    private:
        MeetingUi& ui_;
        std::size_t outer_length_;
    };
    // Records the item just drawn under `label` and passes `pressed` through:
    // `if (control("Mute", ImGui::Button("Mute")))`.
    bool control(const char* label, bool pressed);
    // ImGui's widgets of the same name, recorded in drawn_controls().
    bool button(const char* label, const ImVec2& size = ImVec2(0, 0));
    bool small_button(const char* label);
    bool menu_item(const char* label, bool selected = false);
    static std::string shown(const char* label);
    // ImGui's InputTextWithHint, recorded as a control and as a text field; a right-click
    // gives it the keyboard (so the browser's context menu, over it, acts on it).
    bool text_field(const char* name, const char* id, const char* hint, char* buf, std::size_t size,
                    ImGuiInputTextFlags flags = 0);  // "<label in the UI's language>###<label>"
    // Popups open below the button that opened them and close on Escape (the caller still
    // calls ImGui::EndPopup() when begin_popup() returns true).
    void open_popup_below_item(const char* name);
    bool begin_popup(const char* name);

    Intents draw_join_screen(const MeetingView& view);
    struct StatusLine {
        std::string text;
        ImVec4 color;
        std::string detail;  // shown on hover
    };
    static StatusLine status_line(const MeetingView& view);
    // Returns true when `status` did not fit in the bar (draw_status_banner shows it).
    bool draw_top_bar(const MeetingView& view, const StatusLine& status, Intents& intents,
                      float height);
    static float status_banner_height(const StatusLine& status);
    void draw_status_banner(const StatusLine& status, float top);
    void draw_tiles(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                    const SkeletonSink& queue_skeleton, ImDrawCallback draw_skeletons, void* data,
                    Intents& intents);
    void draw_tile_menu(const MeetingView& view, const TileView& t, const ImRect& tile, Intents& intents);
    // Under the tiles when they do not all fit: previous, "Page 2 of 5", next.
    void draw_tile_pager(const ImVec2& origin, const ImVec2& size);
    // One tile's parts, each given the tile's rectangle: under the avatar, the avatar itself
    // (queued for the renderer), over it (initials, name, badges).
    void draw_tile_background(ImDrawList* dl, const TileView& t, const ImRect& tile);
    void queue_avatar(const TileView& t, const ImRect& tile, const SkeletonSink& queue_skeleton) const;
    void draw_tile_overlay(ImDrawList* dl, const TileView& t, const ImRect& tile) const;
    // Gives everyone in the room their colour for this frame (participant_colors.hpp).
    void assign_colors(const MeetingView& view);
    // A participant's colour as RGBA floats (their avatar, name label and list entry).
    void participant_color(const TileView& t, float rgba[4]) const;
    // Their avatar's colour: faded towards the tile while nothing drives the avatar.
    void avatar_color(const TileView& t, float rgba[4]) const;
    // `overlay`: drawn over the tiles on a narrow window (People & chat opened) rather than
    // as the fixed right-hand column.
    void draw_participants(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                           Intents& intents, bool overlay);
    void draw_side_column(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                          Intents& intents, bool overlay);
    // Narrow windows: the button that opens and closes the side column over the tiles.
    void draw_side_toggle(const MeetingView& view, const ImVec2& tiles_max);
    void draw_participant_row(const MeetingView& view, const TileView& t, Intents& intents);
    void draw_invitations(const MeetingView& view);
    void draw_participant_menu(const MeetingView& view, const TileView& t, Intents& intents);
    void draw_host_menu(const MeetingView& view, const TileView& who, Intents& intents);
    void draw_chat(const MeetingView& view, const ImVec2& origin, const ImVec2& size,
                   Intents& intents, bool overlay);
    void draw_requests(const MeetingView& view, Intents& intents);
    void draw_asked_by_host(const MeetingView& view, Intents& intents);
    void draw_toasts(const MeetingView& view);
    void draw_end_confirmation(Intents& intents);
    void mic_action(const MeetingView& view, std::vector<RoomAction>& actions);
    void camera_action(const MeetingView& view, std::vector<RoomAction>& actions);
    void share_action(const MeetingView& view, std::vector<RoomAction>& actions);
    void mute_all_action(const MeetingView& view, std::vector<RoomAction>& actions);
    void handle_shortcuts(const MeetingView& view, Intents& intents);
    void draw_audio_settings(const MeetingView& view, Intents& intents);
    void draw_camera_settings(const MeetingView& view, Intents& intents);
    void draw_settings(const MeetingView& view, Intents& intents);

    char name_buf_[128] = {};
    char room_buf_[64] = {};
    bool join_fields_initialised_ = false;
    char chat_buf_[2001] = {};
    static constexpr int kRefocusFrames = 5;
    int refocus_chat_frames_ = 0;    // a message was just sent: the field takes the keyboard back
    std::string chat_to_;            // user id for a private message, empty = everyone
    bool allow_self_unmute_ = true;  // the mute-all popup's choice
    bool confirm_end_ = false;
    int mic_key_ = -1, camera_key_ = -1;  // set_shortcut_keys()
    std::string open_popup_;  // a popup to open at the bar's level (asked for by a button or More)
    ImRect popup_anchor_;     // the button the next popup opens under
    std::size_t chat_seen_ = 0;  // scroll to the bottom when new lines arrive
    bool speaker_view_ = false;  // one tile large (Settings: Layout), else the grid
    std::string pinned_;         // user id kept large in the speaker view
    int tile_page_ = 0;          // the page of tiles shown when there are more than fit
    int tile_pages_ = 1;
    std::vector<std::string> visible_tiles_;
    bool side_open_ = false;     // narrow window: participants and chat shown over the tiles
    std::size_t chat_read_ = 0;  // chat lines the user has had on screen (for "N new")
    std::map<std::string, ImRect> drawn_controls_;
    std::vector<ImRect> text_fields_;
    std::string focus_field_;  // a text field that takes the keyboard next frame (right-clicked)
    std::map<std::string, Rgb8> colors_;  // this frame's colours, by user id
    std::string control_scope_;
};

}  // namespace posemeet::ui
