// See canvas_input.hpp.
#include "platform/web/canvas_input.hpp"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_internal.h>  // ActiveId, InputTextState: is a text field taking text?

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "platform/web/text_field_bridge.hpp"
#include "ui/input_event_queue.hpp"

namespace posemeet::web {
namespace {

// DOM keyCode values for the keys ImGui needs for text editing and navigation.
enum DomKey : int {
    kTab = 9, kEnter = 13, kShift = 16, kCtrl = 17, kAlt = 18, kEscape = 27, kSpace = 32,
    kPageUp = 33, kPageDown = 34, kEnd = 35, kHome = 36, kLeft = 37, kUp = 38, kRight = 39,
    kDown = 40, kInsert = 45, kDelete = 46, kBackspace = 8, kA = 65, kC = 67, kV = 86, kX = 88,
    kY = 89, kZ = 90, kMeta = 91,
    kImeProcess = 229,  // a key the input method is handling
};

// Every key, button and text event waits here, in arrival order, and reaches ImGui a frame
// at a time (see ui/input_event_queue.hpp for why and how).
ui::InputEventQueue g_queue;
float g_ui_scale = 1.0f;  // CSS pixels per UI pixel (CanvasInput::ui_scale)
TextFieldBridge g_text_field;  // IME, paste, copy and cut through a hidden DOM field
std::vector<int> g_held_keys;  // keys whose press was queued and whose release was not yet

bool is_held(int key) { return std::find(g_held_keys.begin(), g_held_keys.end(), key) != g_held_keys.end(); }

void apply_queued_events() {
    ImGuiIO& io = ImGui::GetIO();
    const ImGuiContext& g = *ImGui::GetCurrentContext();
    const bool text_field_active = g.ActiveId != 0 && g.ActiveId == g.InputTextState.ID;
    for (const ui::InputEvent& e : g_queue.take_frame(text_field_active)) {
        switch (e.kind) {
            case ui::InputEvent::Kind::kButton: io.MouseDown[e.code] = e.down; break;
            case ui::InputEvent::Kind::kText:
                // Text is text, even while Ctrl is still held after Ctrl+V: ImGui ignores
                // characters typed with Ctrl down (shortcuts), so release it for this frame
                // (a frame that takes text takes no keys; the next key event sets it again).
                io.KeyCtrl = io.KeySuper = false;
                io.AddInputCharactersUTF8(e.text.c_str());
                break;
            case ui::InputEvent::Kind::kKey:
                io.KeysDown[e.code] = e.down;
                io.KeyCtrl = e.mods.ctrl;
                io.KeyShift = e.mods.shift;
                io.KeyAlt = e.mods.alt;
                io.KeySuper = e.mods.super;
                break;
        }
    }
}

EM_BOOL on_mouse(int type, const EmscriptenMouseEvent* e, void*) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(static_cast<float>(e->targetX) / g_ui_scale, static_cast<float>(e->targetY) / g_ui_scale);
    if (e->button < 3 && type != EMSCRIPTEN_EVENT_MOUSEMOVE) {
        ui::InputEvent event;
        event.kind = ui::InputEvent::Kind::kButton;
        event.code = e->button;
        event.down = type == EMSCRIPTEN_EVENT_MOUSEDOWN;
        g_queue.push(std::move(event));
    }
    return EM_TRUE;
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
    ImGuiIO& io = ImGui::GetIO();
    const float scale = e->deltaMode == DOM_DELTA_PIXEL ? 1.0f / 100.0f : 1.0f / 3.0f;
    io.MouseWheel -= static_cast<float>(e->deltaY) * scale;
    io.MouseWheelH -= static_cast<float>(e->deltaX) * scale;
    return EM_TRUE;
}

void queue_key(int key, bool down, ui::KeyModifiers mods) {
    if (down == is_held(key)) return;  // auto-repeat (ImGui repeats on its own) or a stray release
    if (down) g_held_keys.push_back(key);
    else g_held_keys.erase(std::find(g_held_keys.begin(), g_held_keys.end(), key));
    ui::InputEvent event;
    event.kind = ui::InputEvent::Kind::kKey;
    event.code = key;
    event.down = down;
    event.mods = mods;
    g_queue.push(std::move(event));
}

EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void*) {
    ImGuiIO& io = ImGui::GetIO();
    const bool down = type == EMSCRIPTEN_EVENT_KEYDOWN;
    const TextFieldBridge::Focus focus = TextFieldBridge::focus();
    // Keys typed into another element of the page are not ours; keys of an input method's
    // composition (keyCode 229, "Process") are the IME's: Enter there picks a candidate,
    // it does not send the message.
    if (focus == TextFieldBridge::Focus::kOtherElement) return EM_FALSE;
    if (e->keyCode == kImeProcess || TextFieldBridge::composing()) return EM_FALSE;
    const bool shortcut = e->ctrlKey || e->metaKey;
    // Printable characters ("a", "中") are text, not keys: the hidden field receives them
    // (and sends them on as text) when it has the focus; otherwise they go in from here.
    if (down && !shortcut && std::strlen(e->key) > 0 &&
        (static_cast<unsigned char>(e->key[0]) >= 0x80 || std::strlen(e->key) == 1)) {
        if (focus == TextFieldBridge::Focus::kHiddenField) return EM_FALSE;
        ui::InputEvent event;
        event.kind = ui::InputEvent::Kind::kText;
        event.text = e->key;
        g_queue.push(std::move(event));
        return EM_TRUE;
    }
    // Paste is the browser's (Ctrl+V, Shift+Insert): the pasted text reaches the hidden
    // field and comes on as text. ImGui's own paste would insert its private clipboard.
    const bool paste = (shortcut && e->keyCode == kV) || (e->shiftKey && e->keyCode == kInsert);
    if (!paste && e->keyCode < 512)
        queue_key(static_cast<int>(e->keyCode), down, {e->ctrlKey != 0, e->shiftKey != 0, e->altKey != 0, e->metaKey != 0});
    // Our own shortcuts are ours, not the browser's.
    if (shortcut && (e->keyCode == CanvasInput::kMicShortcutKey || e->keyCode == CanvasInput::kCameraShortcutKey))
        return EM_TRUE;
    // Swallow keys ImGui uses so the page does not scroll or lose focus; let shortcuts pass
    // (Ctrl+C, X, V must reach the browser to produce its copy, cut and paste events).
    return io.WantCaptureKeyboard && !shortcut && !paste ? EM_TRUE : EM_FALSE;
}

// Keys held when the window loses focus (Alt+Tab, a click into another frame) never send
// their release to us: let go of them so none stays stuck down.
EM_BOOL on_blur(int, const EmscriptenFocusEvent*, void*) {
    const std::vector<int> held = g_held_keys;
    for (int key : held) queue_key(key, false, {});
    return EM_FALSE;
}

}  // namespace

CanvasInput::CanvasInput(const char* canvas_selector) : selector_(canvas_selector) {}

void CanvasInput::install() {
    ImGuiIO& io = ImGui::GetIO();
    io.BackendPlatformName = "posemeet_canvas_html5";
    io.KeyMap[ImGuiKey_Tab] = kTab;
    io.KeyMap[ImGuiKey_LeftArrow] = kLeft;
    io.KeyMap[ImGuiKey_RightArrow] = kRight;
    io.KeyMap[ImGuiKey_UpArrow] = kUp;
    io.KeyMap[ImGuiKey_DownArrow] = kDown;
    io.KeyMap[ImGuiKey_PageUp] = kPageUp;
    io.KeyMap[ImGuiKey_PageDown] = kPageDown;
    io.KeyMap[ImGuiKey_Home] = kHome;
    io.KeyMap[ImGuiKey_End] = kEnd;
    io.KeyMap[ImGuiKey_Insert] = kInsert;
    io.KeyMap[ImGuiKey_Delete] = kDelete;
    io.KeyMap[ImGuiKey_Backspace] = kBackspace;
    io.KeyMap[ImGuiKey_Space] = kSpace;
    io.KeyMap[ImGuiKey_Enter] = kEnter;
    io.KeyMap[ImGuiKey_Escape] = kEscape;
    io.KeyMap[ImGuiKey_KeyPadEnter] = kEnter;
    io.KeyMap[ImGuiKey_A] = kA;
    io.KeyMap[ImGuiKey_C] = kC;
    io.KeyMap[ImGuiKey_V] = kV;
    io.KeyMap[ImGuiKey_X] = kX;
    io.KeyMap[ImGuiKey_Y] = kY;
    io.KeyMap[ImGuiKey_Z] = kZ;

    emscripten_set_mousedown_callback(selector_, nullptr, EM_TRUE, on_mouse);
    emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_TRUE, on_mouse);
    emscripten_set_mousemove_callback(selector_, nullptr, EM_TRUE, on_mouse);
    emscripten_set_wheel_callback(selector_, nullptr, EM_TRUE, on_wheel);
    emscripten_set_keydown_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_TRUE, on_key);
    emscripten_set_keyup_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_TRUE, on_key);
    emscripten_set_blur_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_TRUE, on_blur);
    g_text_field.install(
        [](std::string text) {
            ui::InputEvent event;
            event.kind = ui::InputEvent::Kind::kText;
            event.text = std::move(text);
            g_queue.push(std::move(event));
        },
        // The browser's text menu over a field: its Select all is Ctrl+A to ImGui, its Cut
        // (the clipboard already has the selection) deletes the selection.
        [](TextFieldBridge::Command command) {
            if (command == TextFieldBridge::Command::SelectAll) {
                queue_key(kCtrl, true, {true, false, false, false});
                queue_key(kA, true, {true, false, false, false});
                queue_key(kA, false, {true, false, false, false});
                queue_key(kCtrl, false, {});
            } else {
                queue_key(kDelete, true, {});
                queue_key(kDelete, false, {});
            }
        });
}

std::size_t CanvasInput::queued_events() { return g_queue.size(); }

void CanvasInput::set_text_fields(const std::vector<ImRect>& fields) { g_text_field.set_fields(fields, ui_scale_); }

void CanvasInput::end_frame() { g_text_field.after_frame(ui_scale_); }

void CanvasInput::new_frame() {
    double w = 0, h = 0;
    emscripten_get_element_css_size(selector_, &w, &h);
    dpr_ = static_cast<float>(emscripten_get_device_pixel_ratio());
    css_w_ = static_cast<float>(w);
    css_h_ = static_cast<float>(h);
    const int fb_w = static_cast<int>(std::lround(w * dpr_));
    const int fb_h = static_cast<int>(std::lround(h * dpr_));
    if (fb_w != fb_w_ || fb_h != fb_h_) {
        fb_w_ = fb_w;
        fb_h_ = fb_h;
        emscripten_set_canvas_element_size(selector_, fb_w_, fb_h_);
    }
    apply_queued_events();
    // The UI grows a little on large windows (up to 1.25x at 1920 CSS px and beyond), so text
    // is not the same 15 px on a 27" screen as on a laptop. ImGui works in UI pixels: the
    // display is the CSS size over the scale, each UI pixel is dpr x scale device pixels.
    // (The browser's zoom already changes the CSS size and dpr, so the UI follows it too.)
    const float grow = std::clamp((css_w_ - 1280.0f) / 640.0f, 0.0f, 1.0f);
    ui_scale_ = g_ui_scale = std::round((1.0f + 0.25f * grow) * 16.0f) / 16.0f;  // steps: fewer font rebuilds
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(css_w_ / ui_scale_, css_h_ / ui_scale_);
    io.DisplayFramebufferScale = ImVec2(dpr_ * ui_scale_, dpr_ * ui_scale_);
    const double now = emscripten_get_now() / 1000.0;
    io.DeltaTime = last_time_ > 0 ? static_cast<float>(std::max(now - last_time_, 1e-4)) : 1.0f / 60.0f;
    last_time_ = now;
}

}  // namespace posemeet::web
