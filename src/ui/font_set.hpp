// The UI's fonts, rasterized at device resolution (crisp on HiDPI and at any zoom): the UI
// font (Inter) with the icons (Font Awesome) merged in, both built into the client
// (ui_fonts.hpp; Dear ImGui's built-in font when the build had none), plus CJK glyphs merged
// in once a CJK font has been supplied. The UI font is Latin only, so the app supplies the
// CJK font the first time it has such text to show.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

#include "ui/ui_fonts.hpp"

namespace posemeet::ui {

class FontSet {
public:
    // The UI font and icons to use (kUiFontFiles in the app; none: ImGui's built-in font).
    void set_ui_fonts(const UiFontFiles& files) { ui_files_ = files; }
    // Builds the atlas for device pixels per UI pixel (call before the first frame, after
    // set_cjk_font(), and when the scale changes: a zoom, another screen, the UI scale).
    void build(float raster_scale);
    float built_scale() const { return built_scale_; }
    void set_cjk_font(std::vector<std::uint8_t> font_file);  // takes the bytes; rebuild follows
    bool rebuild_pending() const { return rebuild_pending_; }
    bool has_cjk() const { return !cjk_font_.empty(); }

    // True when `utf8` holds characters the built-in font lacks (CJK and beyond U+2E80).
    static bool needs_cjk(std::string_view utf8);
    // Records the CJK characters of text about to be shown; one missing from the atlas
    // (the common set covers ~2500) schedules a rebuild that adds it.
    void note_text(std::string_view utf8);

private:
    UiFontFiles ui_files_;
    float built_scale_ = 0;
    std::vector<std::uint8_t> cjk_font_;
    std::set<std::uint32_t> extra_chars_;  // seen beyond the common set
    ImVector<ImWchar> ranges_;             // must outlive the atlas build
    bool rebuild_pending_ = false;
};

}  // namespace posemeet::ui
