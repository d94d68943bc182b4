// See initials.hpp.
#include "ui/initials.hpp"

#include <cstdint>
#include <vector>

namespace posemeet::ui {
namespace {

// Decodes one UTF-8 character at `i` (advancing it); malformed bytes come out as U+FFFD.
std::uint32_t next_char(std::string_view s, std::size_t& i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = b(i);
    int extra = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
    if (extra < 0 || i + extra >= s.size()) {  // a stray continuation byte, or cut short
        ++i;
        return 0xFFFD;
    }
    std::uint32_t c = extra == 0 ? lead : lead & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) {
            ++i;
            return 0xFFFD;
        }
        c = (c << 6) | (b(i + k) & 0x3F);
    }
    i += extra + 1;
    return c;
}

void append_utf8(std::string& out, std::uint32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

bool is_space(std::uint32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x3000; }
// CJK scripts (and everything else from U+2E80 on the UI's fonts may hold): names are not
// split into initials there.
bool is_cjk(std::uint32_t c) { return c >= 0x2E80 && c <= 0xFFFF && c != 0xFFFD; }
// A character that can start a word's initial: a letter or digit in ASCII or Latin-1, any
// other character below U+FFFF that is not ASCII/Latin-1 punctuation.
bool is_initial(std::uint32_t c) {
    if (c < 0x80) return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    if (c < 0xC0) return c == 0xAA || c == 0xB5 || c == 0xBA;  // Latin-1 symbols, except ª µ º
    return c <= 0xFFFF && c != 0xD7 && c != 0xF7 && c != 0xFFFD;  // not × ÷
}
std::uint32_t upper(std::uint32_t c) {
    if (c >= 'a' && c <= 'z') return c - 0x20;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7) return c - 0x20;  // à..þ -> À..Þ
    return c;
}

}  // namespace

std::string initials(std::string_view name) {
    // The first drawable character of each word.
    std::vector<std::uint32_t> firsts;
    bool in_word = false;
    for (std::size_t i = 0; i < name.size();) {
        const std::uint32_t c = next_char(name, i);
        if (is_space(c)) {
            in_word = false;
        } else if (!in_word && is_initial(c)) {
            in_word = true;
            firsts.push_back(c);
        }
    }
    std::string out;
    if (firsts.empty()) return out;
    if (is_cjk(firsts.front())) {
        append_utf8(out, firsts.front());
        return out;
    }
    append_utf8(out, upper(firsts.front()));
    if (firsts.size() > 1 && !is_cjk(firsts.back())) append_utf8(out, upper(firsts.back()));
    return out;
}

}  // namespace posemeet::ui
