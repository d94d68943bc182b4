// tile_paging: which tiles a page shows in a large room: you first, join order, the sharer and
// the active speaker always on the first page (swapped in, so a new speaker moves two tiles),
// pages clamped, and how many tiles a stage holds.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ui/tile_paging.hpp"

using namespace posemeet::ui;

namespace {

// u0 .. u<n-1> in join order; `self` is you.
std::vector<TileView> people(int n, int self = 0) {
    std::vector<TileView> tiles;
    for (int i = 0; i < n; ++i) {
        TileView t;
        t.user_id = "u" + std::to_string(i);
        t.is_self = i == self;
        tiles.push_back(t);
    }
    return tiles;
}

std::string ids(const std::vector<TileView>& tiles, const TilePage& page) {
    std::string out;
    for (std::size_t i : page.shown) out += (out.empty() ? "" : " ") + tiles[i].user_id;
    return out;
}

}  // namespace

TEST_SUITE("tile_paging") {
    TEST_CASE("a room that fits is one page in its own order, you first") {
        const auto tiles = people(4, 2);
        const TilePage p = page_of_tiles(tiles, 0, 9);
        CHECK(p.pages == 1);
        CHECK(ids(tiles, p) == "u2 u0 u1 u3");
    }

    TEST_CASE("a hundred people in pages of 25, the last one partial, pages clamped") {
        const auto tiles = people(101);
        CHECK(page_of_tiles(tiles, 0, 25).pages == 5);
        const TilePage last = page_of_tiles(tiles, 4, 25);
        CHECK(last.shown.size() == 1);
        CHECK(ids(tiles, last) == "u100");
        CHECK(page_of_tiles(tiles, 99, 25).page == 4);
        CHECK(page_of_tiles(tiles, -3, 25).page == 0);
        CHECK(ids(tiles, page_of_tiles(tiles, 1, 25)).rfind("u25 u26", 0) == 0);
    }

    TEST_CASE("the active speaker and the sharer are always on the first page, swapped in for its last tiles") {
        auto tiles = people(30);
        tiles[27].active_speaker = true;
        tiles[5].sharing = true;  // on page 1 already: stays where it is
        TilePage first = page_of_tiles(tiles, 0, 9);
        CHECK(ids(tiles, first) == "u0 u1 u2 u3 u4 u5 u6 u7 u27");
        // u8 took u27's place on its page: nobody is lost or shown twice.
        TilePage fourth = page_of_tiles(tiles, 3, 9);
        CHECK(ids(tiles, fourth) == "u8 u28 u29");
        // The sharer beyond the first page comes in too, before the speaker's slot.
        tiles[5].sharing = false;
        tiles[20].sharing = true;
        first = page_of_tiles(tiles, 0, 9);
        CHECK(ids(tiles, first) == "u0 u1 u2 u3 u4 u5 u6 u27 u20");
        // A new speaker moves two tiles, not the grid.
        tiles[27].active_speaker = false;
        tiles[3].active_speaker = true;
        CHECK(ids(tiles, page_of_tiles(tiles, 0, 9)) == "u0 u1 u2 u3 u4 u5 u6 u7 u20");
    }

    TEST_CASE("every participant is on exactly one page") {
        auto tiles = people(57, 13);
        tiles[40].active_speaker = true;
        tiles[50].sharing = true;
        std::vector<int> seen(57, 0);
        const int pages = page_of_tiles(tiles, 0, 12).pages;
        for (int p = 0; p < pages; ++p)
            for (std::size_t i : page_of_tiles(tiles, p, 12).shown) ++seen[i];
        for (int i = 0; i < 57; ++i) CHECK(seen[i] == 1);
    }

    TEST_CASE("tiles per page follow the stage, at least one, at most 25") {
        CHECK(tiles_per_page(1280, 700) == kMaxTilesPerPage);  // 8 x 5 would fit: capped
        CHECK(tiles_per_page(600, 420) == 4 * 3);
        CHECK(tiles_per_page(100, 100) == 1);
    }
}
