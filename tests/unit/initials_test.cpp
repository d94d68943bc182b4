// initials: the letters written on a person's avatar head.
#include <doctest/doctest.h>

#include <string>

#include "ui/font_set.hpp"
#include "ui/initials.hpp"

using posemeet::ui::initials;

TEST_SUITE_BEGIN("initials");

TEST_CASE("first letters of the first and last word, upper-cased") {
    CHECK(initials("Ann") == "A");
    CHECK(initials("ann lee") == "AL");
    CHECK(initials("Mary Ann van der Berg") == "MB");
    CHECK(initials("  Bob   Stone  ") == "BS");
    CHECK(initials("Mary-Jane Watson") == "MW");
    CHECK(initials("(Cat) 2") == "C2");
    CHECK(initials("élodie émond") == "ÉÉ");  // Latin-1, which the UI's font holds
    CHECK(initials("Øyvind") == "Ø");
}

TEST_CASE("Chinese, Japanese and Korean names: the first character") {
    CHECK(initials("王小明") == "王");
    CHECK(initials("山田 太郎") == "山");
    CHECK(initials("김민준") == "김");
    CHECK(initials("Ann 王") == "A");  // a mixed name keeps the Latin initial alone
    CHECK(posemeet::ui::FontSet::needs_cjk(initials("王小明")));
}

TEST_CASE("nothing drawable gives no initials; broken UTF-8 does not crash") {
    CHECK(initials("").empty());
    CHECK(initials("   ").empty());
    CHECK(initials("?!").empty());
    CHECK(initials("\xF0\x9F\x98\x80").empty());  // an emoji: beyond the fonts' 16-bit range
    CHECK(initials("\xE7\x8E").empty());          // cut short
    CHECK(initials("\x80x") == "X");              // a stray continuation byte is skipped
}

TEST_SUITE_END();
