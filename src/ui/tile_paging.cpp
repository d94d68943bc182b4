// See tile_paging.hpp.
#include "ui/tile_paging.hpp"

#include <algorithm>
#include <cmath>

namespace posemeet::ui {

std::size_t tiles_per_page(float stage_width, float stage_height) {
    const auto across = static_cast<std::size_t>(std::max(0.0f, std::floor(stage_width / kMinTileWidth)));
    const auto down = static_cast<std::size_t>(std::max(0.0f, std::floor(stage_height / kMinTileHeight)));
    return std::clamp<std::size_t>(across * down, 1, kMaxTilesPerPage);
}

TilePage page_of_tiles(const std::vector<TileView>& tiles, int page, std::size_t per_page) {
    per_page = std::max<std::size_t>(1, per_page);
    // Every page together: you, then everyone in join order. The sharer and the active
    // speaker are brought onto the first page by swapping each with the last of its tiles
    // that is neither of them, so a new speaker moves two tiles, not the whole grid.
    std::vector<std::size_t> order;
    order.reserve(tiles.size());
    for (std::size_t i = 0; i < tiles.size(); ++i)
        if (tiles[i].is_self) order.push_back(i);
    for (std::size_t i = 0; i < tiles.size(); ++i)
        if (!tiles[i].is_self) order.push_back(i);
    const std::size_t first_page = std::min(per_page, order.size());
    std::size_t kept = 0;  // tiles swapped onto the first page so far (they fill it from its end)
    auto bring_forward = [&](auto&& is) {
        auto it = std::find_if(order.begin(), order.end(), [&](std::size_t i) { return is(tiles[i]); });
        if (it == order.end()) return;
        const auto at = static_cast<std::size_t>(it - order.begin());
        if (at < first_page || kept >= first_page) return;  // in view already (or no room)
        std::swap(order[at], order[first_page - 1 - kept]);
        ++kept;
    };
    bring_forward([](const TileView& t) { return t.sharing; });
    bring_forward([](const TileView& t) { return t.active_speaker && !t.is_self && !t.sharing; });

    TilePage out;
    out.pages = std::max(1, static_cast<int>((tiles.size() + per_page - 1) / per_page));
    out.page = std::clamp(page, 0, out.pages - 1);
    const std::size_t first = static_cast<std::size_t>(out.page) * per_page;
    const std::size_t last = std::min(order.size(), first + per_page);
    if (first < last) out.shown.assign(order.begin() + static_cast<std::ptrdiff_t>(first),
                                       order.begin() + static_cast<std::ptrdiff_t>(last));
    return out;
}

}  // namespace posemeet::ui
