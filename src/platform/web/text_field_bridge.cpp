// See text_field_bridge.hpp. JS calls back through static trampolines with this object as
// user data; strings it hands over are JS's and only valid during the call.
#include "platform/web/text_field_bridge.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // PlatformImePos: where ImGui draws the caret of the active field

#include "ui/text_selection.hpp"

extern "C" {
void pm_text_input_init(void* ud, void (*on_text)(void*, const char*), const char* (*selection)(void*),
                        void (*on_command)(void*, int));
void pm_text_input_fields(const float* rects, int count);
void pm_text_input_place(int editing, double x, double y, double line_height);
int pm_text_input_composing();
int pm_text_input_focus();
void pm_text_input_set_clipboard(const char* utf8);
}

namespace posemeet::web {

void TextFieldBridge::install(std::function<void(std::string)> on_text, std::function<void(Command)> on_command) {
    on_text_ = std::move(on_text);
    on_command_ = std::move(on_command);
    pm_text_input_init(this, &TextFieldBridge::on_text, &TextFieldBridge::selection, &TextFieldBridge::on_command);
    // ImGui's copy and cut (Ctrl+C, Ctrl+X) write the system clipboard. Its paste is never
    // asked for: the browser pastes into the hidden field (see canvas_input.cpp).
    ImGuiIO& io = ImGui::GetIO();
    io.SetClipboardTextFn = [](void*, const char* text) { pm_text_input_set_clipboard(text); };
    io.GetClipboardTextFn = [](void*) -> const char* { return ""; };
}

void TextFieldBridge::after_frame(float ui_scale) {
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    const bool editing = ImGui::GetIO().WantTextInput;
    // ImGui puts the IME position at the top-left of the caret's line (UI pixels).
    pm_text_input_place(editing ? 1 : 0, g.PlatformImePos.x * ui_scale, g.PlatformImePos.y * ui_scale,
                        g.FontSize * ui_scale);
}

bool TextFieldBridge::composing() { return pm_text_input_composing() != 0; }

TextFieldBridge::Focus TextFieldBridge::focus() { return static_cast<Focus>(pm_text_input_focus()); }

void TextFieldBridge::set_fields(const std::vector<ImRect>& fields, float ui_scale) {
    std::vector<float> css;
    for (const ImRect& r : fields)
        css.insert(css.end(), {r.Min.x * ui_scale, r.Min.y * ui_scale, r.GetWidth() * ui_scale, r.GetHeight() * ui_scale});
    if (css == fields_) return;
    fields_ = std::move(css);
    pm_text_input_fields(fields_.data(), static_cast<int>(fields_.size() / 4));
}

void TextFieldBridge::on_command(void* self, int command) {
    auto& bridge = *static_cast<TextFieldBridge*>(self);
    if (bridge.on_command_ && (command == 1 || command == 2)) bridge.on_command_(static_cast<Command>(command));
}

void TextFieldBridge::on_text(void* self, const char* utf8) {
    auto& bridge = *static_cast<TextFieldBridge*>(self);
    if (bridge.on_text_ && utf8 && *utf8) bridge.on_text_(utf8);
}

const char* TextFieldBridge::selection(void* self) {
    auto& bridge = *static_cast<TextFieldBridge*>(self);
    bridge.selection_ = ui::active_text_selection();
    return bridge.selection_.c_str();
}

}  // namespace posemeet::web
