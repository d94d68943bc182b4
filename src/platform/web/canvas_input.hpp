// Dear ImGui platform backend for a full-page <canvas> via <emscripten/html5.h>:
// keeps the canvas backing store at CSS size x devicePixelRatio (crisp on HiDPI, follows
// resizes) and feeds mouse, wheel, keyboard and text input to ImGui (text through a hidden
// DOM field, text_field_bridge.hpp, so that input methods and the clipboard work).
// (Dear ImGui 1.86 uses the io.MouseDown/KeysDown fields; 1.87 moved to AddXxxEvent.)
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <vector>

namespace posemeet::web {

class CanvasInput {
public:
    // Keys of the UI's Ctrl shortcuts (DOM keyCodes, the indices of io.KeysDown here): the
    // browser's own meaning of Ctrl+D (bookmark) and Ctrl+E (search) is held back for them.
    static constexpr int kMicShortcutKey = 68, kCameraShortcutKey = 69;

    explicit CanvasInput(const char* canvas_selector);
    void install();      // register html5 callbacks and ImGui key map
    void new_frame();    // update sizes and time before ImGui::NewFrame()
    void end_frame();    // after ImGui::Render(): the hidden text field follows the caret
    // The UI's text fields this frame (UI pixels): a right-click on one opens the browser's
    // text menu there.
    void set_text_fields(const std::vector<ImRect>& fields);
    // Keyboard, button and text events not yet handed to ImGui (they wait for their frame).
    static std::size_t queued_events();
    float device_pixel_ratio() const { return dpr_; }
    int framebuffer_width() const { return fb_w_; }
    int framebuffer_height() const { return fb_h_; }
    float css_width() const { return css_w_; }
    float css_height() const { return css_h_; }
    // CSS pixels per UI pixel: ImGui's display is the canvas's CSS size divided by it.
    float ui_scale() const { return ui_scale_; }
    // Device pixels per UI pixel: what fonts are rasterized for.
    float raster_scale() const { return dpr_ * ui_scale_; }

private:
    const char* selector_;
    float dpr_ = 1, css_w_ = 0, css_h_ = 0, ui_scale_ = 1;
    int fb_w_ = 0, fb_h_ = 0;
    double last_time_ = 0;
};

}  // namespace posemeet::web
