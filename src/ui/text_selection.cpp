// See text_selection.hpp.
#include "ui/text_selection.hpp"

#include <imgui.h>
#include <imgui_internal.h>  // ImGuiInputTextState

#include <algorithm>

namespace posemeet::ui {

std::string active_text_selection() {
    const ImGuiContext* g = ImGui::GetCurrentContext();
    if (!g) return {};
    const ImGuiInputTextState& state = g->InputTextState;
    if (g->ActiveId == 0 || state.ID != g->ActiveId || !state.HasSelection()) return {};
    const int begin = std::clamp(std::min(state.Stb.select_start, state.Stb.select_end), 0, state.CurLenW);
    const int end = std::clamp(std::max(state.Stb.select_start, state.Stb.select_end), 0, state.CurLenW);
    std::string utf8(static_cast<std::size_t>(end - begin) * 4 + 1, '\0');
    const int written = ImTextStrToUtf8(utf8.data(), static_cast<int>(utf8.size()), state.TextW.Data + begin,
                                        state.TextW.Data + end);
    utf8.resize(static_cast<std::size_t>(written));
    return utf8;
}

}  // namespace posemeet::ui
