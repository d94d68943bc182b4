// participant_colors: who gets which colour in a room (distinct, stable, the same on every
// page), and that the palette reads on the tile and stays apart for colour-blind people.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "ui/participant_colors.hpp"
#include "ui/theme.hpp"

using namespace posemeet::ui;

namespace {

constexpr std::size_t kPaletteSize = kParticipantPalette.size();

// User ids as the server makes them (random-looking), deterministic for the test.
std::vector<std::string> user_ids(std::size_t count, unsigned seed) {
    std::vector<std::string> ids;
    std::uint32_t x = seed * 2654435761u + 1;
    for (std::size_t i = 0; i < count; ++i) {
        std::string id = "u";
        for (int k = 0; k < 8; ++k) {
            x = x * 1664525u + 1013904223u;
            id += "0123456789abcdef"[(x >> 24) & 15];
        }
        ids.push_back(id);
    }
    return ids;
}

// Colour-vision deficiency simulation (Machado, Oliveira & Fernandes 2009, severity 1.0, on
// linear RGB) and CIELAB distance, to check the palette stays apart for colour-blind people.
using Matrix = std::array<std::array<double, 3>, 3>;
constexpr Matrix kNormal{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
constexpr Matrix kDeuteranopia{{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413},
                                {-0.011820, 0.042940, 0.968881}}};
constexpr Matrix kProtanopia{{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216},
                              {-0.003882, -0.048116, 1.051998}}};
constexpr Matrix kTritanopia{{{1.255528, -0.076749, -0.178779}, {-0.078411, 0.930809, 0.147602},
                              {0.004733, 0.691367, 0.303900}}};

std::array<double, 3> lab_as_seen(Rgb8 c, const Matrix& m) {
    auto linear = [](std::uint8_t v) {
        const double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    const double in[3] = {linear(c.r), linear(c.g), linear(c.b)};
    double rgb[3];
    for (int i = 0; i < 3; ++i)
        rgb[i] = std::clamp(m[i][0] * in[0] + m[i][1] * in[1] + m[i][2] * in[2], 0.0, 1.0);
    const double x = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.9505;
    const double y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
    const double z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.089;
    auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116.0; };
    return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}

}  // namespace

TEST_SUITE_BEGIN("participant_colors");

TEST_CASE("up to the palette's size, nobody in a room shares a colour") {
    for (unsigned room = 0; room < 200; ++room) {
        for (std::size_t n = 1; n <= kPaletteSize; ++n) {
            const auto slots = assign_palette_slots(user_ids(n, room));
            CAPTURE(room);
            CAPTURE(n);
            REQUIRE(slots.size() == n);
            CHECK(std::set<std::size_t>(slots.begin(), slots.end()).size() == n);
            for (std::size_t s : slots) CHECK(s < kPaletteSize);
        }
    }
}

TEST_CASE("a person's colour stays whoever joins after them") {
    for (unsigned room = 0; room < 200; ++room) {
        const auto ids = user_ids(12, room);
        const auto everyone = assign_palette_slots(ids);
        for (std::size_t k = 1; k <= ids.size(); ++k) {
            const auto first_k = assign_palette_slots(std::vector<std::string>(ids.begin(), ids.begin() + k));
            CAPTURE(room);
            CAPTURE(k);
            CHECK(std::equal(first_k.begin(), first_k.end(), everyone.begin()));
        }
    }
}

TEST_CASE("the same join order gives the same colours (every page agrees), from each id's own hash") {
    const auto ids = user_ids(6, 7);
    CHECK(assign_palette_slots(ids) == assign_palette_slots(ids));
    // The first to join always gets the colour their id prefers, and so does anyone whose
    // preferred colour is still free.
    for (unsigned room = 0; room < 50; ++room) {
        const auto some = user_ids(5, room);
        const auto slots = assign_palette_slots(some);
        CHECK(slots[0] == preferred_palette_slot(some[0]));
        std::set<std::size_t> taken;
        for (std::size_t i = 0; i < some.size(); ++i) {
            if (!taken.count(preferred_palette_slot(some[i]))) CHECK(slots[i] == preferred_palette_slot(some[i]));
            taken.insert(slots[i]);
        }
    }
    // Known values, so a change of the hash (which would recolour everyone) is deliberate.
    CHECK(preferred_palette_slot("") == 2166136261u % kPaletteSize);
    CHECK(assign_palette_slots({"a", "a"}) == std::vector<std::size_t>{preferred_palette_slot("a"), (preferred_palette_slot("a") + 1) % kPaletteSize});
}

TEST_CASE("a room larger than the palette repeats colours evenly") {
    const auto slots = assign_palette_slots(user_ids(2 * kPaletteSize + 1, 3));
    std::array<int, kPaletteSize> uses{};
    for (std::size_t s : slots) ++uses[s];
    CHECK(*std::max_element(uses.begin(), uses.end()) == 3);
    CHECK(std::count(uses.begin(), uses.end(), 2) == static_cast<long>(kPaletteSize - 1));
    CHECK(assign_palette_slots({}).empty());
}

TEST_CASE("every palette colour reads on the tile, and the initials read on every head") {
    // The background the palette was checked against is the tiles' colour.
    const ImVec4 tile = dark_theme().tile_bg;
    CHECK(kTileBackground == Rgb8{static_cast<std::uint8_t>(tile.x * 255 + 0.5f), static_cast<std::uint8_t>(tile.y * 255 + 0.5f),
                                  static_cast<std::uint8_t>(tile.z * 255 + 0.5f)});
    CHECK(contrast_ratio({255, 255, 255}, {0, 0, 0}) == doctest::Approx(21.0));
    for (const Rgb8 c : kParticipantPalette) {
        CAPTURE(int(c.r));
        CAPTURE(int(c.g));
        CAPTURE(int(c.b));
        // WCAG 2.1 1.4.11: graphical objects at least 3:1 against what is next to them.
        CHECK(contrast_ratio(c, kTileBackground) >= 3.0);
        // WCAG 1.4.3: text at least 4.5:1 (the initials on the head's dark shade).
        const Rgb8 head = head_fill(c);
        CHECK(contrast_ratio(initials_color(head), head) >= 4.5);
        // The light theme's tile: the same hue, darkened to 3:1.
        const ImVec4 l = light_theme().tile_bg;
        const Rgb8 light_tile{static_cast<std::uint8_t>(l.x * 255 + 0.5f), static_cast<std::uint8_t>(l.y * 255 + 0.5f),
                              static_cast<std::uint8_t>(l.z * 255 + 0.5f)};
        const Rgb8 on_light = shade_for_tile(c, light_tile);
        CHECK(contrast_ratio(on_light, light_tile) >= 3.0);
        CHECK(shade_for_tile(c, kTileBackground) == c);
        const Rgb8 light_head = head_fill(on_light);
        CHECK(contrast_ratio(initials_color(light_head), light_head) >= 4.5);
    }
}

TEST_CASE("the palette's colours stay apart for people with each kind of colour blindness") {
    struct Vision {
        const char* name;
        const Matrix& m;
    };
    for (const Vision v : {Vision{"normal", kNormal}, Vision{"deuteranopia", kDeuteranopia},
                           Vision{"protanopia", kProtanopia}, Vision{"tritanopia", kTritanopia}}) {
        double closest = 1e9;
        for (std::size_t i = 0; i < kPaletteSize; ++i)
            for (std::size_t j = i + 1; j < kPaletteSize; ++j) {
                const auto a = lab_as_seen(kParticipantPalette[i], v.m), b = lab_as_seen(kParticipantPalette[j], v.m);
                closest = std::min(closest, std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]));
            }
        CAPTURE(v.name);
        // CIELAB ΔE: ~2 is just noticeable; 15 is plainly different at a glance (the
        // closest pair, orange and yellow under deuteranopia, is ~17).
        CHECK(closest >= 15.0);
    }
}

TEST_SUITE_END();
