// See tile_layout.hpp.
#include "ui/tile_layout.hpp"

#include <algorithm>

namespace posemeet::ui {
namespace {

constexpr float kFigureAspect = 0.75f;  // width / height of a standing figure with some room

// `count` tiles in `rows` rows filling `area`: the first rows get the extra tile when the
// count does not divide evenly (4 + 3, not 3 + 4: the larger tiles come first).
std::vector<ImRect> rows_layout(std::size_t count, const ImRect& area, std::size_t rows, float gap) {
    std::vector<ImRect> out;
    const float row_h = (area.GetHeight() - gap * static_cast<float>(rows - 1)) / static_cast<float>(rows);
    std::size_t placed = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t in_row = count / rows + (r < count % rows ? 1 : 0);
        const float y = area.Min.y + static_cast<float>(r) * (row_h + gap);
        const float w = (area.GetWidth() - gap * static_cast<float>(in_row - 1)) / static_cast<float>(in_row);
        for (std::size_t c = 0; c < in_row; ++c, ++placed) {
            const float x = area.Min.x + static_cast<float>(c) * (w + gap);
            out.emplace_back(x, y, x + w, y + row_h);
        }
    }
    return out;
}

// The grid whose smallest figure is largest.
std::vector<ImRect> best_grid(std::size_t count, const ImRect& area, float gap) {
    std::vector<ImRect> best;
    float best_score = -1;
    for (std::size_t rows = 1; rows <= count; ++rows) {
        std::vector<ImRect> candidate = rows_layout(count, area, rows, gap);
        float smallest = 1e30f;
        for (const ImRect& r : candidate) smallest = std::min(smallest, figure_area(r));
        if (smallest > best_score) {
            best_score = smallest;
            best = std::move(candidate);
        }
    }
    return best;
}

}  // namespace

float figure_area(const ImRect& r) {
    const float w = std::max(0.0f, r.GetWidth()), h = std::max(0.0f, r.GetHeight());
    const float fig_h = std::min(h, w / kFigureAspect);
    return fig_h * fig_h * kFigureAspect;
}

std::vector<ImRect> layout_tiles(const TileLayoutInput& in) {
    if (in.count == 0) return {};
    const float g = in.gap;
    const ImRect area(in.stage.Min.x + g, in.stage.Min.y + g, in.stage.Max.x - g, in.stage.Max.y - g);
    if (!in.speaker_view || in.count == 1) return best_grid(in.count, area, g);
    // Speaker view: the featured tile takes three quarters of the long side; the others
    // share the rest as a grid of their own.
    const std::size_t featured = std::min(in.featured, in.count - 1);
    const bool landscape = area.GetWidth() >= area.GetHeight();
    ImRect big = area, strip = area;
    if (landscape) {
        big.Max.x = area.Min.x + (area.GetWidth() - g) * 0.75f;
        strip.Min.x = big.Max.x + g;
    } else {
        big.Max.y = area.Min.y + (area.GetHeight() - g) * 0.75f;
        strip.Min.y = big.Max.y + g;
    }
    // The strip's tiles: one column (landscape) or one row (portrait) while they are not
    // too small, else the strip's best grid.
    const std::size_t others = in.count - 1;
    std::vector<ImRect> small = landscape ? rows_layout(others, strip, others, g) : rows_layout(others, strip, 1, g);
    if (figure_area(small.front()) < figure_area(best_grid(others, strip, g).front()))
        small = best_grid(others, strip, g);
    std::vector<ImRect> out;
    std::size_t next = 0;
    for (std::size_t i = 0; i < in.count; ++i) out.push_back(i == featured ? big : small[next++]);
    return out;
}

}  // namespace posemeet::ui
