// Which participants get a tile on screen when there are more than the stage can show well
// (rooms of a hundred): the tiles go in pages, you and then everyone in join order, with the
// sharer and the active speaker always on the first page (each swapped in for its last tile,
// so pages do not reshuffle as people speak). Pure: unit-tested
// in tests/unit/tile_paging_test.cpp. The UI asks the server for full-rate pose only for the
// tiles a page shows (the relay sends the others slowly).
#pragma once

#include <cstddef>
#include <vector>

#include "ui/meeting_view.hpp"

namespace posemeet::ui {

// How many tiles a stage of this size shows at once: as many as keep each at least
// kMinTileWidth x kMinTileHeight (a figure still readable), at least 1, at most kMaxTilesPerPage.
constexpr float kMinTileWidth = 150.0f, kMinTileHeight = 140.0f;
constexpr std::size_t kMaxTilesPerPage = 25;
std::size_t tiles_per_page(float stage_width, float stage_height);

struct TilePage {
    std::vector<std::size_t> shown;  // indices into the view's tiles, in the order to lay out
    int page = 0;                    // 0-based, clamped to the pages there are
    int pages = 1;
};

// The tiles of page `page` (clamped) when `per_page` fit at once.
TilePage page_of_tiles(const std::vector<TileView>& tiles, int page, std::size_t per_page);

}  // namespace posemeet::ui
