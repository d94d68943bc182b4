// Typing into the canvas UI as into a native text field: the page keeps its keyboard focus
// in one hidden <input> (library_text_input.js), placed at the caret of the Dear ImGui field
// being edited. What the browser puts into it (keys of any layout, input-method
// composition, paste) arrives here as text; copy and cut take the ImGui field's selection.
// Keys that are not text still come through CanvasInput's key events.
#pragma once

#include <functional>
#include <string>

namespace posemeet::web {

class TextFieldBridge {
public:
    // Where keyboard events are going, as the page sees it.
    enum class Focus { kPage, kHiddenField, kOtherElement };

    // `on_text`: committed text, in the order typed (goes into the same queue as the keys).
    void install(std::function<void(std::string)> on_text);
    // After each frame: whether an ImGui text field is active and where its caret is
    // (`ui_scale`: CSS pixels per ImGui pixel).
    void after_frame(float ui_scale);
    // True while an input method is composing: its keys are the IME's, not ours.
    static bool composing();
    static Focus focus();

private:
    static void on_text(void* self, const char* utf8);
    static const char* selection(void* self);

    std::function<void(std::string)> on_text_;
    std::string selection_;  // returned to JS, valid until the next call
};

}  // namespace posemeet::web
