// strings: the Chinese UI has every word in Chinese. Walks every entry of the catalogue
// (a translation with no English words, the same printf conversions), checks that every
// tr("...") / trf("...") / button / menu label written in src/ui has an entry, and that the
// sentences the client makes in English come out in Chinese.
#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "ui/strings.hpp"

using namespace posemeet::ui;

namespace {

// Words allowed in Latin letters in the Chinese UI: names of things that are written so.
const std::set<std::string> kKeptWords = {"Ctrl", "D", "E", "WebRTC", "https", "http", "s", "PoseMeet"};

std::vector<std::string> latin_words(const std::string& text) {
    std::vector<std::string> words;
    std::string w;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        const char c = i < text.size() ? text[i] : ' ';
        if (std::isalpha(static_cast<unsigned char>(c)) && static_cast<unsigned char>(c) < 0x80) {
            w += c;
        } else {
            if (!w.empty()) words.push_back(w);
            w.clear();
        }
    }
    return words;
}

std::string conversions(const std::string& format) {
    std::string out;
    for (std::size_t i = 0; i + 1 < format.size(); ++i)
        if (format[i] == '%') {
            std::size_t j = i + 1;
            while (j < format.size() && !std::isalpha(static_cast<unsigned char>(format[j]))) ++j;
            if (j < format.size() && format[j] == 'z') ++j;
            out += format.substr(i, j - i + 1) + " ";
            i = j;
        }
    return out;
}

struct ChineseUi {
    ChineseUi() { set_language(Language::Chinese); }
    ~ChineseUi() { set_language(Language::English); }
};

}  // namespace

TEST_SUITE("strings") {
    TEST_CASE("every entry has a Chinese translation without English words, with the same conversions") {
        std::set<std::string> seen;
        for (const auto& [en, zh] : chinese_entries()) {
            CAPTURE(en);
            CHECK(seen.insert(en).second);  // no key twice
            const std::string z(zh);
            CHECK_FALSE(z.empty());
            CHECK(z != en);
            for (const std::string& w : latin_words(z.substr(0, z.size()))) {
                // Conversions (%s, %zu) are not words.
                if (w == "s" || w == "zu" || w == "d" || w == "f") continue;
                CAPTURE(w);
                CHECK(kKeptWords.count(w) == 1);
            }
            CHECK(conversions(en) == conversions(z));
        }
        CHECK(chinese_entries().size() > 150);
    }

    TEST_CASE("every label the UI's code writes has an entry") {
        // tr("..."), trf("..."), button("..."), small_button("..."), menu_item("..."), shown("..."),
        // bar_text(icon, "..."), and the labels chosen with ?: inside them.
        const std::regex call(R"re((?:\btr|\btrf|\bbutton|\bsmall_button|\bmenu_item|\bshown|\bbar_text)\(([^;{]*?)\)(?:[;,)]|\.c_str|$))re");
        const std::regex literal(R"re("((?:[^"\\]|\\.)*)")re");
        std::set<std::string> keys;
        for (const auto& [en, zh] : chinese_entries()) keys.insert(en);
        int checked = 0;
        for (const char* file : {"meeting_ui.cpp", "meeting_ui_top_bar.cpp", "meeting_ui_tiles.cpp",
                                 "meeting_ui_side_column.cpp", "meeting_ui_prompts.cpp"}) {
            std::ifstream in(std::string(POSEMEET_SOURCE_DIR) + "/src/ui/" + file);
            REQUIRE(in.good());
            std::stringstream text;
            text << in.rdbuf();
            std::string src = text.str();
            // Adjacent literals ("a" "b") are one string.
            src = std::regex_replace(src, std::regex(R"re("\s*\n\s*")re"), "");
            for (std::sregex_iterator it(src.begin(), src.end(), call), end; it != end; ++it) {
                const std::string args = (*it)[1];
                for (std::sregex_iterator l(args.begin(), args.end(), literal), le; l != le; ++l) {
                    const std::string s = (*l)[1];
                    // Ids, separators and icons are not words.
                    if (s.empty() || s.find("##") != std::string::npos || !std::isalpha(static_cast<unsigned char>(s[0])))
                        if (s.empty() || s[0] != '%') continue;
                    if (s == "..." ) continue;
                    CAPTURE(file);
                    CAPTURE(s);
                    CHECK(keys.count(s) == 1);
                    ++checked;
                }
            }
        }
        CHECK(checked > 80);
    }

    TEST_CASE("sentences made in English elsewhere come out in Chinese, names kept") {
        const ChineseUi chinese;
        CHECK(translate_sentence("The host muted you") == "主持人将你静音了");
        CHECK(translate_sentence("Bob asks to speak") == "Bob 申请发言");
        CHECK(translate_sentence("陈 joined.") == "陈 加入了。");
        CHECK(translate_sentence("Cannot reach the server: the connection was lost. Trying again in 2.0 s.") ==
              "无法连接服务器：连接已断开。2.0 s后重试。");
        CHECK(translate_sentence("The host has ended this meeting.") == "主持人已结束这个会议。");
        CHECK(translate_sentence("Could not start the microphone: NotReadableError") == "无法启动麦克风：NotReadableError");
        CHECK(translate_sentence("not in the catalogue") == "not in the catalogue");
        CHECK(std::string(tr("Mute")) == "静音");
        CHECK(trf("Participants (%zu)", std::size_t{3}) == "参会者（3）");
    }

    TEST_CASE("English is the default, and the browser's language code picks") {
        CHECK(std::string(tr("Mute")) == "Mute");
        CHECK(translate_sentence("Bob asks to speak") == "Bob asks to speak");
        CHECK(language_from_code("zh-CN") == Language::Chinese);
        CHECK(language_from_code("zh-TW") == Language::Chinese);
        CHECK(language_from_code("en-US") == Language::English);
        CHECK(language_from_code("fr") == Language::English);
    }
}
