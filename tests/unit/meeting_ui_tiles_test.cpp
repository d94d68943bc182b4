// meeting_ui_tiles: each avatar is queued in its participant's colour (the one the list and
// the page's test hook report), colours differ within the room, and tests can find the tiles.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "core/idle_pose.hpp"
#include "meeting_ui_test_support.hpp"

using namespace posemeet::ui;
using posemeet::ui::test::HeadlessUi;

TEST_SUITE_BEGIN("meeting_ui_tiles");

TEST_CASE("every avatar is drawn in its own participant's colour, and every tile is recorded") {
    HeadlessUi headless;
    MeetingView v;
    v.status = "joined";
    v.self_id = "u1";
    const char* names[] = {"Ann", "Bob", "Cat", "Dan", "Eve"};
    for (int i = 0; i < 5; ++i) {
        TileView t;
        t.user_id = "u" + std::to_string(i + 1);
        t.name = names[i];
        t.is_self = i == 0;
        t.pose = posemeet::idle_pose(0);
        t.idle = i == 4;  // Eve's avatar rests
        v.tiles.push_back(t);
    }
    // What the UI queued for the renderer, by the tile's top-left corner.
    std::map<std::pair<float, float>, Rgb8> queued;
    std::map<std::pair<float, float>, float> alpha;
    auto sink = [&](const posemeet::Pose&, float x, float y, float, float, const float rgba[4]) {
        auto byte = [](float f) { return static_cast<std::uint8_t>(std::lround(f * 255)); };
        queued[{x, y}] = {byte(rgba[0]), byte(rgba[1]), byte(rgba[2])};
        alpha[{x, y}] = rgba[3];
    };
    ImGui::NewFrame();
    headless.ui().draw(v, sink, [](const ImDrawList*, const ImDrawCmd*) {}, nullptr);
    ImGui::Render();

    const auto& colors = headless.ui().participant_colors();
    REQUIRE(colors.size() == 5);
    std::set<std::string> distinct;
    for (const TileView& t : v.tiles) {
        CAPTURE(t.name);
        const auto tile = headless.ui().drawn_controls().find("tile/" + t.user_id);
        REQUIRE(tile != headless.ui().drawn_controls().end());
        const std::pair<float, float> corner{tile->second.Min.x, tile->second.Min.y};
        const Rgb8 drawn = queued.at(corner);
        const Rgb8 assigned = colors.at(t.user_id);
        distinct.insert(std::to_string(assigned.r) + "," + std::to_string(assigned.g) + "," + std::to_string(assigned.b));
        if (!t.idle) {
            CHECK(drawn == assigned);
        } else {
            // A resting avatar: its colour faded towards the tile, and opaque.
            CHECK_FALSE(drawn == assigned);
            CHECK(relative_luminance(drawn) < relative_luminance(assigned));
        }
        CHECK(alpha.at(corner) == 1.0f);
    }
    CHECK(distinct.size() == 5);
}

TEST_CASE("a room of 60 is shown a page at a time: the pager moves through them, and the visible list follows") {
    HeadlessUi ui(1280, 800);
    MeetingView v;
    v.status = "joined";
    v.self_id = "u0";
    for (int i = 0; i < 60; ++i) {
        TileView t;
        t.user_id = "u" + std::to_string(i);
        t.name = "P" + std::to_string(i);
        t.is_self = i == 0;
        v.tiles.push_back(t);
    }
    v.tiles[45].active_speaker = true;
    ui.frame(v);
    CHECK(ui.ui().tiles_paged());
    const auto first = ui.ui().visible_tiles();
    REQUIRE(first.size() > 1);
    REQUIRE(first.size() < 60);
    CHECK(first.front() == "u0");  // you first
    CHECK(std::find(first.begin(), first.end(), "u45") != first.end());  // the speaker in view
    CHECK(ui.drawn("tile/u0"));
    CHECK_FALSE(ui.drawn("tile/u44"));  // not on this page: not drawn
    CHECK(ui.drawn("tiles/Next page"));
    ui.click(v, "tiles/Next page");
    ui.frame(v);
    const auto second = ui.ui().visible_tiles();
    REQUIRE_FALSE(second.empty());
    CHECK(std::find(second.begin(), second.end(), "u0") == second.end());
    for (const auto& id : second) CHECK(ui.drawn("tile/" + id));
    // Back to the first page.
    ui.click(v, "tiles/Previous page");
    ui.frame(v);
    CHECK(ui.ui().visible_tiles() == first);
    // A small room has no pager and shows everyone.
    v.tiles.resize(4);
    ui.frame(v);
    CHECK_FALSE(ui.ui().tiles_paged());
    CHECK_FALSE(ui.drawn("tiles/Next page"));
    CHECK(ui.ui().visible_tiles().size() == 4);
}

TEST_SUITE_END();
