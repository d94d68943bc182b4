// Typing into the canvas UI as into a native text field: the page keeps its keyboard focus
// in one hidden <input> (library_text_input.js), placed at the caret of the Dear ImGui field
// being edited. What the browser puts into it (keys of any layout, input-method
// composition, paste) arrives here as text; copy and cut take the ImGui field's selection.
// Keys that are not text still come through CanvasInput's key events.
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <functional>
#include <string>
#include <vector>

namespace posemeet::web {

class TextFieldBridge {
public:
    // Where keyboard events are going, as the page sees it.
    enum class Focus { kPage, kHiddenField, kOtherElement };

    // What the browser's text menu (a right-click on a field) asks of the ImGui field.
    enum class Command { SelectAll = 1, DeleteSelection = 2 };

    // `on_text`: committed text, in the order typed (goes into the same queue as the keys);
    // `on_command`: the menu's Select all and Cut (its Copy and Paste need nothing more).
    void install(std::function<void(std::string)> on_text, std::function<void(Command)> on_command);
    // The text fields drawn this frame, in UI pixels (the page needs them for right-clicks).
    void set_fields(const std::vector<ImRect>& fields, float ui_scale);
    // After each frame: whether an ImGui text field is active and where its caret is
    // (`ui_scale`: CSS pixels per ImGui pixel).
    void after_frame(float ui_scale);
    // True while an input method is composing: its keys are the IME's, not ours.
    static bool composing();
    static Focus focus();

private:
    static void on_text(void* self, const char* utf8);
    static void on_command(void* self, int command);
    static const char* selection(void* self);

    std::function<void(std::string)> on_text_;
    std::function<void(Command)> on_command_;
    std::vector<float> fields_;  // x, y, w, h per field in CSS pixels, as last sent
    std::string selection_;  // returned to JS, valid until the next call
};

}  // namespace posemeet::web
