// See participant_colors.hpp.
#include "ui/participant_colors.hpp"

#include "ui/wcag_contrast.hpp"

#include <algorithm>
#include <cmath>

#include "core/avatar_figure.hpp"

namespace posemeet::ui {

std::size_t preferred_palette_slot(const std::string& user_id) {
    // FNV-1a: simple, and the same result in the browser (wasm) and natively.
    std::uint32_t h = 2166136261u;
    for (unsigned char c : user_id) {
        h ^= c;
        h *= 16777619u;
    }
    return h % kParticipantPalette.size();
}

std::vector<std::size_t> assign_palette_slots(const std::vector<std::string>& user_ids_in_join_order) {
    constexpr std::size_t n = kParticipantPalette.size();
    std::array<int, n> holders{};  // how many people hold each slot so far
    std::vector<std::size_t> slots;
    slots.reserve(user_ids_in_join_order.size());
    for (const std::string& id : user_ids_in_join_order) {
        const std::size_t preferred = preferred_palette_slot(id);
        // The first slot, walking on from the preferred one, held by the fewest people: a
        // free one while there is one.
        const int fewest = *std::min_element(holders.begin(), holders.end());
        std::size_t slot = preferred;
        while (holders[slot] != fewest) slot = (slot + 1) % n;
        ++holders[slot];
        slots.push_back(slot);
    }
    return slots;
}

Rgb8 head_fill(Rgb8 c) {
    // Dark enough for white initials on the lightest colours (yellow, light grey) and still
    // recognisably the person's hue; the renderer draws the head with the same shade.
    auto dark = [](std::uint8_t v) { return static_cast<std::uint8_t>(std::lround(v * kHeadFillBrightness)); };
    return {dark(c.r), dark(c.g), dark(c.b)};
}

Rgb8 shade_for_tile(Rgb8 c, Rgb8 tile) {
    if (relative_luminance(tile) < 0.5) return c;
    for (double k = 1.0; k > 0.1; k -= 0.05) {
        auto dark = [k](std::uint8_t v) { return static_cast<std::uint8_t>(std::lround(v * k)); };
        const Rgb8 shaded{dark(c.r), dark(c.g), dark(c.b)};
        if (contrast_ratio(shaded, tile) >= 3.0) return shaded;
    }
    return {0, 0, 0};
}

Rgb8 initials_color(Rgb8 head) {
    const Rgb8 white{255, 255, 255}, black{0, 0, 0};
    return contrast_ratio(white, head) >= contrast_ratio(black, head) ? white : black;
}

double relative_luminance(Rgb8 c) { return relative_luminance(c.r / 255.0, c.g / 255.0, c.b / 255.0); }

double contrast_ratio(Rgb8 a, Rgb8 b) { return contrast_of_luminances(relative_luminance(a), relative_luminance(b)); }

}  // namespace posemeet::ui
