// Where the tiles go on the stage, for any number of people and any window shape.
//   Grid: rows of equal height, each row's tiles sharing its width, so the stage is filled
//     (three people are two and one, the one as wide as the row: no empty quarter). The row
//     count is the one that gives the smallest tile the largest standing figure.
//   Speaker: one tile large (the pinned person, else the one speaking, else the first) and
//     the others in a strip beside it (landscape) or under it (portrait).
// Pure: rectangles in, rectangles out; unit-tested (tests/unit/tile_layout_test.cpp).
#pragma once

#include <imgui.h>
#include <imgui_internal.h>  // ImRect

#include <cstddef>
#include <vector>

namespace posemeet::ui {

struct TileLayoutInput {
    std::size_t count = 0;
    ImRect stage;              // the area the tiles share
    float gap = 10.0f;         // between tiles and around them
    bool speaker_view = false;
    std::size_t featured = 0;  // speaker view: the index of the large tile
};

// One rectangle per tile, in the order given.
std::vector<ImRect> layout_tiles(const TileLayoutInput& in);

// The size of a standing figure (3:4 upright) that fits in `r`, as its area: what the
// layouts compare.
float figure_area(const ImRect& r);

}  // namespace posemeet::ui
