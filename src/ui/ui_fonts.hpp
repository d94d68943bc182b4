// The UI's font files, built into the client by cmake/UiFonts.cmake: Inter (text, Latin)
// and Font Awesome 4.7 (the icons of icons.hpp). Sizes are 0 when the build machine lacked
// the font packages; FontSet then uses Dear ImGui's built-in font.
#pragma once

#include <cstddef>

namespace posemeet::ui {

struct UiFontFiles {
    const unsigned char* text = nullptr;
    std::size_t text_size = 0;
    const unsigned char* icons = nullptr;
    std::size_t icons_size = 0;
};

extern const UiFontFiles kUiFontFiles;

}  // namespace posemeet::ui
