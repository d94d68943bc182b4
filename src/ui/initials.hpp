// The letters drawn on a person's avatar head: "Ann Lee" -> "AL", "bob" -> "B",
// "王小明" -> "王" (for Chinese, Japanese and Korean names the first character, as those
// names are usually shown). UTF-8 in and out.
#pragma once

#include <string>
#include <string_view>

namespace posemeet::ui {

// Up to two letters: the first of the first word and, when there are several words, the first
// of the last one, upper-cased (ASCII and Latin-1). Leading marks that are not letters or
// digits ("(Ann)", "-bob") are skipped; characters the UI's fonts cannot draw (beyond U+FFFF,
// e.g. emoji) are too. Empty when the name has nothing drawable.
std::string initials(std::string_view name);

}  // namespace posemeet::ui
