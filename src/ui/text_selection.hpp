// The text selected in the Dear ImGui text field being edited (UTF-8), or "" when no field
// is active or nothing is selected. The browser's copy and cut read it: ImGui keeps the
// selection in its own state, where the page's clipboard cannot see it.
#pragma once

#include <string>

namespace posemeet::ui {

std::string active_text_selection();

}  // namespace posemeet::ui
