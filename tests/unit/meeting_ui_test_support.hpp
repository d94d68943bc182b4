// A headless Dear ImGui for driving MeetingUi like a person: frames with no graphics
// backend, a mouse that clicks the controls the UI says it drew, a keyboard that types.
// Used by tests/unit/meeting_ui_test.cpp.
#pragma once

#include <imgui.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "ui/meeting_ui.hpp"

namespace posemeet::ui::test {

class HeadlessUi {
public:
    explicit HeadlessUi(float width = 1280, float height = 800) : context_(ImGui::CreateContext()) {
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;  // no imgui.ini in the test's directory
        io.DisplaySize = ImVec2(width, height);
        io.DeltaTime = 1.0f / 60.0f;
        io.KeyMap[ImGuiKey_Enter] = kEnterKey;
        io.KeyMap[ImGuiKey_Escape] = kEscapeKey;
        unsigned char* pixels = nullptr;
        int w = 0, h = 0;
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);  // builds the default font
        ui_.apply_style(1.0f);
    }
    ~HeadlessUi() { ImGui::DestroyContext(context_); }
    HeadlessUi(const HeadlessUi&) = delete;
    HeadlessUi& operator=(const HeadlessUi&) = delete;

    MeetingUi& ui() { return ui_; }
    bool drawn(const std::string& control) const { return ui_.drawn_controls().count(control) > 0; }

    // One frame with the mouse and keys as they are now.
    Intents frame(const MeetingView& view) {
        ImGui::NewFrame();
        Intents intents = ui_.draw(view, ignore_skeleton, ignore_draw_callback, nullptr);
        ImGui::Render();
        return intents;
    }

    // Lets the layout settle (a popup opened last frame is placed on its second), then moves
    // the mouse onto `control`, presses and releases. Returns all the UI asked for meanwhile.
    Intents click(const MeetingView& view, const std::string& control, int button = 0) {
        Intents all = frames(view, 2);
        const auto it = ui_.drawn_controls().find(control);
        if (it == ui_.drawn_controls().end()) throw std::runtime_error("not drawn: " + control);
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = it->second.GetCenter();
        merge(all, frame(view));
        io.MouseDown[button] = true;
        merge(all, frame(view));
        io.MouseDown[button] = false;
        merge(all, frame(view));
        return all;
    }

    // Text typed into the field that has the keyboard focus.
    Intents type(const MeetingView& view, const std::string& text) {
        ImGui::GetIO().AddInputCharactersUTF8(text.c_str());
        return frame(view);
    }

    Intents press_enter(const MeetingView& view) { return press(view, kEnterKey); }
    Intents press_escape(const MeetingView& view) { return press(view, kEscapeKey); }
    Intents press_ctrl(const MeetingView& view, int key) {
        ImGui::GetIO().KeyCtrl = true;
        Intents all = press(view, key);
        ImGui::GetIO().KeyCtrl = false;
        return all;
    }

    Intents frames(const MeetingView& view, int count) {
        Intents all;
        for (int i = 0; i < count; ++i) merge(all, frame(view));
        return all;
    }

private:
    // Any indices into io.KeysDown: io.KeyMap names them.
    static constexpr int kEnterKey = 13, kEscapeKey = 27;

    Intents press(const MeetingView& view, int key) {
        ImGuiIO& io = ImGui::GetIO();
        io.KeysDown[key] = true;
        Intents all = frame(view);
        io.KeysDown[key] = false;
        merge(all, frame(view));
        return all;
    }

    static void ignore_skeleton(const Pose&, float, float, float, float, const float[4]) {}
    static void ignore_draw_callback(const ImDrawList*, const ImDrawCmd*) {}

    static void merge(Intents& into, Intents from) {
        into.join = into.join || from.join;
        into.join_new_meeting = into.join_new_meeting || from.join_new_meeting;
        if (from.join) into.join_room = from.join_room, into.join_name = from.join_name;
        into.leave = into.leave || from.leave;
        for (auto& a : from.room_actions) into.room_actions.push_back(std::move(a));
        for (auto& v : from.volumes) into.volumes.push_back(std::move(v));
        if (from.input_device) into.input_device = std::move(from.input_device);
        if (from.theme) into.theme = std::move(from.theme);
        if (from.language) into.language = std::move(from.language);
    }

    ImGuiContext* context_;
    MeetingUi ui_;
};

}  // namespace posemeet::ui::test
