// theme: every text the UI draws is readable on what it is drawn on, in both themes (WCAG
// AA: a contrast of at least 4.5:1), and the contrast formula is WCAG's.
#include <doctest/doctest.h>

#include "ui/theme.hpp"

using namespace posemeet::ui;

TEST_SUITE("theme") {
    TEST_CASE("the contrast ratio is WCAG 2's") {
        CHECK(contrast_ratio(ImVec4(0, 0, 0, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(21.0f));
        CHECK(contrast_ratio(ImVec4(1, 1, 1, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(1.0f));
        // #767676 on white: the grey at the AA limit (4.54:1).
        const float g = 118.0f / 255.0f;
        CHECK(contrast_ratio(ImVec4(g, g, g, 1), ImVec4(1, 1, 1, 1)) == doctest::Approx(4.54f).epsilon(0.01));
    }

    TEST_CASE("every text over every surface reaches 4.5:1, dark and light") {
        for (const Theme* t : {&dark_theme(), &light_theme()}) {
            const auto pairs = contrast_pairs(*t);
            CHECK(pairs.size() > 60);
            for (const ContrastPair& p : pairs) {
                CAPTURE(t->name);
                CAPTURE(p.what);
                CHECK(contrast_ratio(p.text, p.surface) >= 4.5f);
            }
        }
    }
}
