// Each participant's colour: one of eight colours that people with colour-vision
// deficiencies can still tell apart (Okabe & Ito's palette, adapted to the dark tile), and
// distinct among the people in the room. Every page sees the participants in the same join
// order, so every page gives each person the same colour.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace posemeet::ui {

struct Rgb8 {
    std::uint8_t r, g, b;
    bool operator==(const Rgb8& o) const { return r == o.r && g == o.g && b == o.b; }
};

// Okabe & Ito, "Color Universal Design" (2002/2008), the 8-colour set, with two changes for
// the dark tile (#20242E): its black is replaced by a light grey (black is invisible there;
// light grey takes its place as the colour with no hue), and its blue (0,114,178) is lightened
// a little, to (0,118,184), so that it reaches 3:1 against the tile (WCAG 2.1 1.4.11 for
// graphics; 2.99:1 before). The order is the slot order the assignment walks through.
constexpr std::array<Rgb8, 8> kParticipantPalette{{
    {230, 159, 0},    // orange
    {86, 180, 233},   // sky blue
    {0, 158, 115},    // bluish green
    {240, 228, 66},   // yellow
    {0, 118, 184},    // blue (lightened)
    {213, 94, 0},     // vermillion
    {204, 121, 167},  // reddish purple
    {235, 235, 235},  // light grey (in place of black)
}};

constexpr Rgb8 kTileBackground{32, 36, 46};  // the dark theme's tile_bg (theme.cpp)

// A participant's colour as drawn on a tile of colour `tile`: itself on the dark tile, and
// on a light one (the light theme) darkened, keeping its hue, until it stands out 3:1.
Rgb8 shade_for_tile(Rgb8 color, Rgb8 tile);

// The palette slot each participant gets, for participants in join order (the result is in
// the same order). A person's preferred slot comes from a hash of their user id; when an
// earlier joiner already holds it they take the next free slot. So nobody shares a colour
// while the room has at most kParticipantPalette.size() people, and a person's colour depends
// only on who joined before them (it changes only if one of those leaves). Beyond the
// palette's size, colours repeat: a latecomer takes the least-used slot from their preferred.
std::vector<std::size_t> assign_palette_slots(const std::vector<std::string>& user_ids_in_join_order);

// The slot a user id prefers (a stable hash, the same on every platform).
std::size_t preferred_palette_slot(const std::string& user_id);

// The head disc's fill: a dark shade of the person's colour, so that their initials, drawn in
// initials_color(), read at >= 4.5:1 on it (WCAG text contrast).
Rgb8 head_fill(Rgb8 color);
Rgb8 initials_color(Rgb8 head);

// WCAG 2.1 relative luminance and contrast ratio (1..21) of sRGB colours.
double relative_luminance(Rgb8 c);
double contrast_ratio(Rgb8 a, Rgb8 b);

}  // namespace posemeet::ui
