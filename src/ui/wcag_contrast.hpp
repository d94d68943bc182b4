// WCAG 2.1's relative luminance of an sRGB colour and the contrast ratio of two: the one
// formula behind the theme's text contrast (theme.cpp) and the participants' colours
// (participant_colors.cpp).
#pragma once

#include <algorithm>
#include <cmath>

namespace posemeet::ui {

// Channels 0..1.
inline double relative_luminance(double r, double g, double b) {
    auto linear = [](double s) { return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4); };
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

// 1..21.
inline double contrast_of_luminances(double la, double lb) {
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace posemeet::ui
