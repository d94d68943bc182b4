// See font_set.hpp.
#include "ui/font_set.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include <algorithm>
#include <cmath>

namespace posemeet::ui {

constexpr float kFontSize = 15.0f;  // CSS pixels

void FontSet::build(float device_pixel_ratio) {
    const float dpr = std::max(1.0f, device_pixel_ratio);
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig base;
    base.SizePixels = std::round(kFontSize * dpr);
    base.OversampleH = base.OversampleV = 1;
    base.PixelSnapH = true;
    io.Fonts->AddFontDefault(&base);
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
        io.Fonts->AddFontFromMemoryTTF(cjk_font_.data(), static_cast<int>(cjk_font_.size()), base.SizePixels, &cjk,
                                       ranges_.Data);
    }
    io.Fonts->Build();
    io.FontGlobalScale = 1.0f / dpr;
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
        if (c < 0x2E80 || c > 0xFFFF || extra_chars_.count(c)) continue;
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
