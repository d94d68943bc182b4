// The UI's fonts: Dear ImGui's built-in font rasterized at device resolution (crisp on
// HiDPI), plus CJK glyphs merged in once a CJK font has been supplied. The built-in font
// is Latin only, so the app supplies the CJK font the first time it has such text to show.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <set>
#include <string_view>
#include <vector>

namespace posemeet::ui {

class FontSet {
public:
    // Builds the atlas (call before the first frame and after set_cjk_font()).
    void build(float device_pixel_ratio);
    void set_cjk_font(std::vector<std::uint8_t> font_file);  // takes the bytes; rebuild follows
    bool rebuild_pending() const { return rebuild_pending_; }
    bool has_cjk() const { return !cjk_font_.empty(); }

    // True when `utf8` holds characters the built-in font lacks (CJK and beyond U+2E80).
    static bool needs_cjk(std::string_view utf8);
    // Records the CJK characters of text about to be shown; one missing from the atlas
    // (the common set covers ~2500) schedules a rebuild that adds it.
    void note_text(std::string_view utf8);

private:
    std::vector<std::uint8_t> cjk_font_;
    std::set<std::uint32_t> extra_chars_;  // seen beyond the common set
    ImVector<ImWchar> ranges_;             // must outlive the atlas build
    bool rebuild_pending_ = false;
};

}  // namespace posemeet::ui
