// See font_set.hpp.
#include "ui/font_set.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>

namespace posemeet::ui {

constexpr float kFontSize = 15.0f;  // UI pixels (CSS pixels at UI scale 1)

namespace {
// What the subset UI font holds (cmake/UiFonts.cmake): Latin, Latin-1, Latin Extended-A,
// punctuation, arrows, the euro sign and the minus sign.
const ImWchar kTextRanges[] = {0x0020, 0x017F, 0x2010, 0x2027, 0x2030, 0x203A, 0x20AC, 0x20AC,
                               0x2122, 0x2122, 0x2190, 0x2193, 0x2212, 0x2212, 0};
const ImWchar kIconRanges[] = {0xF000, 0xF2FF, 0};
}  // namespace

void FontSet::build(float raster_scale) {
    const float scale = std::max(1.0f, raster_scale);
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const float size = std::round(kFontSize * scale);
    if (ui_files_.text_size > 0) {
        ImFontConfig text;
        text.FontDataOwnedByAtlas = false;  // the bytes are the program's
        text.OversampleH = 2;
        text.OversampleV = 1;
        io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(ui_files_.text), static_cast<int>(ui_files_.text_size),
                                       size, &text, kTextRanges);
    } else {
        ImFontConfig base;
        base.SizePixels = size;
        base.OversampleH = base.OversampleV = 1;
        base.PixelSnapH = true;
        io.Fonts->AddFontDefault(&base);
    }
    if (ui_files_.icons_size > 0) {
        ImFontConfig icons;
        icons.MergeMode = true;
        icons.FontDataOwnedByAtlas = false;
        icons.PixelSnapH = true;
        icons.GlyphMinAdvanceX = size;  // icons of one width line up in buttons and menus
        icons.GlyphOffset.y = std::round(size * 0.06f);
        io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(ui_files_.icons), static_cast<int>(ui_files_.icons_size),
                                       std::round(size * 0.95f), &icons, kIconRanges);
    }
    if (!cjk_font_.empty()) {
        ImFontConfig cjk;
        cjk.MergeMode = true;
        cjk.FontDataOwnedByAtlas = false;  // we keep the bytes
        cjk.OversampleH = cjk.OversampleV = 1;
        cjk.PixelSnapH = true;
        ImFontGlyphRangesBuilder builder;
        builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
        for (std::uint32_t c : extra_chars_) builder.AddChar(static_cast<ImWchar>(c));
        ranges_.clear();
        builder.BuildRanges(&ranges_);
        io.Fonts->AddFontFromMemoryTTF(cjk_font_.data(), static_cast<int>(cjk_font_.size()), size, &cjk,
                                       ranges_.Data);
    }
    io.Fonts->Build();
    io.FontGlobalScale = 1.0f / scale;
    built_scale_ = raster_scale;
    rebuild_pending_ = false;
}

void FontSet::set_cjk_font(std::vector<std::uint8_t> font_file) {
    cjk_font_ = std::move(font_file);
    rebuild_pending_ = true;
}

void FontSet::note_text(std::string_view utf8) {
    if (!needs_cjk(utf8)) return;
    const ImFont* font = ImGui::GetIO().Fonts->Fonts.empty() ? nullptr : ImGui::GetIO().Fonts->Fonts[0];
    const char* p = utf8.data();
    const char* end = p + utf8.size();
    while (p < end) {
        unsigned int c = 0;
        const int n = ImTextCharFromUtf8(&c, p, end);
        if (n <= 0) break;
        p += n;
        // ImWchar is 16-bit in this build: characters beyond the BMP cannot be added.
        if (c < 0x2E80 || c > 0xFFFF || (c >= 0xE000 && c <= 0xF8FF) || extra_chars_.count(c)) continue;
        if (font && font->FindGlyphNoFallback(static_cast<ImWchar>(c))) continue;
        extra_chars_.insert(c);
        if (!cjk_font_.empty()) rebuild_pending_ = true;
    }
}

bool FontSet::needs_cjk(std::string_view utf8) {
    // Any lead byte of a 3-byte sequence at or above U+2E80 (0xE2 0xBA 0x80), or a 4-byte one.
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0xF0) return true;
        if (c >= 0xE3) return true;
        if (c == 0xE2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) >= 0xBA) return true;
    }
    return false;
}

}  // namespace posemeet::ui
