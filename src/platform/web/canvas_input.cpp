// See canvas_input.hpp.
#include "platform/web/canvas_input.hpp"

#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

namespace posemeet::web {
namespace {

// DOM keyCode values for the keys ImGui needs for text editing and navigation.
enum DomKey : int {
    kTab = 9, kEnter = 13, kShift = 16, kCtrl = 17, kAlt = 18, kEscape = 27, kSpace = 32,
    kPageUp = 33, kPageDown = 34, kEnd = 35, kHome = 36, kLeft = 37, kUp = 38, kRight = 39,
    kDown = 40, kInsert = 45, kDelete = 46, kBackspace = 8, kA = 65, kC = 67, kV = 86, kX = 88,
    kY = 89, kZ = 90, kMeta = 91,
};

// Key and button transitions wait here until the next frame: ImGui 1.86 reads key and
// button *state* once per frame, so a press and release between two frames (fast typing,
// a quick click, a slow software-rendered page) would otherwise never be seen.
struct Transition {
    bool mouse;  // mouse button or key
    int code;
    bool down;
};
std::vector<Transition> g_pending;

void apply_pending_transitions() {
    ImGuiIO& io = ImGui::GetIO();
    std::vector<int> pressed_keys, pressed_buttons;  // went down this frame
    std::size_t i = 0;
    for (; i < g_pending.size(); ++i) {
        const Transition& t = g_pending[i];
        auto& pressed = t.mouse ? pressed_buttons : pressed_keys;
        const bool down_now = std::find(pressed.begin(), pressed.end(), t.code) != pressed.end();
        if (!t.down && down_now) break;  // let ImGui see the press for one frame first
        (t.mouse ? io.MouseDown[t.code] : io.KeysDown[t.code]) = t.down;
        if (t.down) pressed.push_back(t.code);
    }
    g_pending.erase(g_pending.begin(), g_pending.begin() + static_cast<std::ptrdiff_t>(i));
}

EM_BOOL on_mouse(int type, const EmscriptenMouseEvent* e, void*) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(static_cast<float>(e->targetX), static_cast<float>(e->targetY));
    if (e->button < 3 && type != EMSCRIPTEN_EVENT_MOUSEMOVE)
        g_pending.push_back({true, e->button, type == EMSCRIPTEN_EVENT_MOUSEDOWN});
    return EM_TRUE;
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
    ImGuiIO& io = ImGui::GetIO();
    const float scale = e->deltaMode == DOM_DELTA_PIXEL ? 1.0f / 100.0f : 1.0f / 3.0f;
    io.MouseWheel -= static_cast<float>(e->deltaY) * scale;
    io.MouseWheelH -= static_cast<float>(e->deltaX) * scale;
    return EM_TRUE;
}

EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void*) {
    ImGuiIO& io = ImGui::GetIO();
    const bool down = type == EMSCRIPTEN_EVENT_KEYDOWN;
    if (e->keyCode < 512) g_pending.push_back({false, static_cast<int>(e->keyCode), down});
    io.KeyCtrl = e->ctrlKey;
    io.KeyShift = e->shiftKey;
    io.KeyAlt = e->altKey;
    io.KeySuper = e->metaKey;
    // Printable characters arrive as `key` strings ("a", "中"); let them through as text.
    if (down && !e->ctrlKey && !e->metaKey && std::strlen(e->key) > 0 &&
        (static_cast<unsigned char>(e->key[0]) >= 0x80 || std::strlen(e->key) == 1)) {
        io.AddInputCharactersUTF8(e->key);
        return EM_TRUE;
    }
    // Swallow keys ImGui uses so the page does not scroll or lose focus; let the rest pass
    // (e.g. Ctrl+V must reach the browser to produce the paste event).
    return io.WantCaptureKeyboard && !(e->ctrlKey || e->metaKey) ? EM_TRUE : EM_FALSE;
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
}

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
    apply_pending_transitions();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(css_w_, css_h_);
    io.DisplayFramebufferScale = ImVec2(dpr_, dpr_);
    const double now = emscripten_get_now() / 1000.0;
    io.DeltaTime = last_time_ > 0 ? static_cast<float>(std::max(now - last_time_, 1e-4)) : 1.0f / 60.0f;
    last_time_ = now;
}

}  // namespace posemeet::web
