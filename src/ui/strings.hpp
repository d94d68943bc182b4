// The UI's words in English and Chinese. English is the key: the code writes
// tr("Mute") and gets "静音" while the language is Chinese. Sentences made elsewhere in
// English (the client's notices and messages: "Bob asks to speak", "The host has ended this
// meeting.") are translated where they are shown, by translate_sentence(), which also knows
// the patterns with a %s in them. Control names for tests (MeetingUi::drawn_controls) stay
// English whatever the language.
//
// tests/unit/strings_test.cpp walks every entry: each has a translation with no English
// words in it and the same printf conversions, and every tr("...") in src/ui has an entry.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace posemeet::ui {

enum class Language { English, Chinese };

// "en" / "zh" (or "zh-CN", "zh-TW"...: any Chinese); anything else is English.
Language language_from_code(std::string_view code);
const char* language_code(Language language);

Language language();
void set_language(Language language);

// `english` in the current language (itself when there is no entry). The pointer lives as
// long as the program (English keys are literals).
const char* tr(const char* english);
// tr() of a printf format, then formatted.
std::string trf(const char* english_format, ...);
// A whole sentence made in English elsewhere, in the current language: exact entries, then
// the patterns with %s (each argument translated in turn when it has an entry).
std::string translate_sentence(const std::string& english);

// Every entry (English, Chinese), for tests.
const std::vector<std::pair<const char*, const char*>>& chinese_entries();

}  // namespace posemeet::ui
