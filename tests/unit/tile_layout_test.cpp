// tile_layout: the tiles fill the stage at any count and window shape (no empty quarter
// for three people), never overlap or leave it, and the speaker view makes one tile large.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <vector>

#include "ui/tile_layout.hpp"

using namespace posemeet::ui;

namespace {

float area_of(const std::vector<ImRect>& tiles) {
    float a = 0;
    for (const ImRect& r : tiles) a += r.GetWidth() * r.GetHeight();
    return a;
}

void check_inside_and_apart(const std::vector<ImRect>& tiles, const ImRect& stage) {
    for (std::size_t i = 0; i < tiles.size(); ++i) {
        CAPTURE(i);
        CHECK(stage.Contains(tiles[i]));
        CHECK(tiles[i].GetWidth() > 0);
        CHECK(tiles[i].GetHeight() > 0);
        for (std::size_t j = i + 1; j < tiles.size(); ++j) CHECK_FALSE(tiles[i].Overlaps(tiles[j]));
    }
}

}  // namespace

TEST_SUITE("tile_layout") {
    TEST_CASE("the grid fills the stage at every count and window shape") {
        for (const ImVec2 size : {ImVec2(1000, 600), ImVec2(600, 1000), ImVec2(320, 560), ImVec2(1920, 1000)}) {
            for (std::size_t n = 1; n <= 16; ++n) {
                CAPTURE(size.x);
                CAPTURE(size.y);
                CAPTURE(n);
                const ImRect stage(0, 0, size.x, size.y);
                const auto tiles = layout_tiles({n, stage, 10.0f, false, 0});
                REQUIRE(tiles.size() == n);
                check_inside_and_apart(tiles, stage);
                // Every row spans the stage from edge to edge (less the gap), and the rows
                // reach its top and bottom: nothing is left over but the gaps.
                std::map<float, std::pair<float, float>> rows;  // top -> leftmost, rightmost
                float top = 1e9f, bottom = 0;
                for (const ImRect& r : tiles) {
                    auto [it, fresh] = rows.emplace(r.Min.y, std::make_pair(r.Min.x, r.Max.x));
                    if (!fresh) it->second = {std::min(it->second.first, r.Min.x), std::max(it->second.second, r.Max.x)};
                    top = std::min(top, r.Min.y);
                    bottom = std::max(bottom, r.Max.y);
                }
                for (const auto& [y, span] : rows) {
                    CHECK(span.first == doctest::Approx(10.0f));
                    CHECK(span.second == doctest::Approx(size.x - 10.0f));
                }
                CHECK(top == doctest::Approx(10.0f));
                CHECK(bottom == doctest::Approx(size.y - 10.0f));
            }
        }
    }

    TEST_CASE("three people on a landscape window: no empty quarter") {
        const ImRect stage(0, 0, 1000, 600);
        const auto tiles = layout_tiles({3, stage, 10.0f, false, 0});
        CHECK(area_of(tiles) > 0.9f * 1000 * 600);
    }

    TEST_CASE("the speaker view: the featured tile is the largest, the others beside or under it") {
        for (const ImVec2 size : {ImVec2(1000, 600), ImVec2(500, 900)}) {
            const ImRect stage(0, 0, size.x, size.y);
            for (std::size_t featured = 0; featured < 5; ++featured) {
                const auto tiles = layout_tiles({5, stage, 10.0f, true, featured});
                REQUIRE(tiles.size() == 5);
                check_inside_and_apart(tiles, stage);
                for (std::size_t i = 0; i < 5; ++i)
                    if (i != featured) CHECK(figure_area(tiles[featured]) > 3 * figure_area(tiles[i]));
            }
        }
        // Alone, the speaker view is the whole stage.
        const auto alone = layout_tiles({1, ImRect(0, 0, 800, 600), 10.0f, true, 0});
        CHECK(alone[0].GetWidth() == doctest::Approx(780));
    }
}
