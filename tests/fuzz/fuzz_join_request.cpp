// Fuzz target: the content of a vcJoinRoom request (parse_join_request) on arbitrary JSON.
// Inputs that are not JSON become a user_name made of the raw bytes, so the UTF-8 check is
// fuzzed too. Acceptance is compared with an independent oracle (including a reference
// UTF-8 validator written from the Unicode standard's table of well-formed sequences).
#include <cstdint>
#include <string>
#include <string_view>

#include "core/protocol.hpp"
#include "core/room.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;
using protocol::Json;

namespace {

// Unicode 15, Table 3-7 "Well-Formed UTF-8 Byte Sequences".
bool reference_utf8(std::string_view s) {
    const std::size_t n = s.size();
    std::size_t i = 0;
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    auto in = [&](std::size_t k, unsigned lo, unsigned hi) { return k < n && byte(k) >= lo && byte(k) <= hi; };
    while (i < n) {
        const unsigned c = byte(i);
        if (c <= 0x7F) { i += 1; continue; }
        if (c >= 0xC2 && c <= 0xDF) {
            if (!in(i + 1, 0x80, 0xBF)) return false;
            i += 2;
        } else if (c == 0xE0 || (c >= 0xE1 && c <= 0xEC) || c == 0xED || c == 0xEE || c == 0xEF) {
            const unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
            if (!in(i + 1, lo, hi) || !in(i + 2, 0x80, 0xBF)) return false;
            i += 3;
        } else if (c >= 0xF0 && c <= 0xF4) {
            const unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
            if (!in(i + 1, lo, hi) || !in(i + 2, 0x80, 0xBF) || !in(i + 3, 0x80, 0xBF)) return false;
            i += 4;
        } else {
            return false;
        }
    }
    return true;
}

// Would a device flag (0/1 enum) be accepted? Missing/null means "use the default".
bool flag_ok(const Json& content, const char* field) {
    auto it = content.find(field);
    if (it == content.end() || it->is_null()) return true;
    if (it->is_boolean()) return true;
    if (it->is_number_unsigned()) return it->get<std::uint64_t>() <= 1;
    if (it->is_number_integer()) return it->get<std::int64_t>() >= 0 && it->get<std::int64_t>() <= 1;
    if (it->is_string()) return *it == "0" || *it == "1";
    return false;
}

int flag_value(const Json& content, const char* field) {
    auto it = content.find(field);
    if (it == content.end() || it->is_null()) return 0;
    if (it->is_boolean()) return it->get<bool>() ? 1 : 0;
    if (it->is_string()) return *it == "1" ? 1 : 0;
    return static_cast<int>(it->get<std::int64_t>());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Differential check of the UTF-8 validator on every input, on the exact-size buffer so
    // ASan sees any read past the end.
    const std::string_view view(reinterpret_cast<const char*>(data), size);
    FUZZ_CHECK(protocol::is_valid_utf8(view) == reference_utf8(view));
    const std::string raw(view);

    Json content = Json::parse(raw.begin(), raw.end(), nullptr, /*allow_exceptions=*/false);
    if (content.is_discarded()) content = Json{{"user_name", raw}};

    std::string error;
    const auto r = parse_join_request(content, error);

    bool expect_ok = content.is_object();
    std::string name;
    if (expect_ok) {
        auto it = content.find("user_name");
        expect_ok = it != content.end() && it->is_string();
        if (expect_ok) {
            name = it->get<std::string>();
            expect_ok = !name.empty() && name.size() <= kMaxUserNameBytes && reference_utf8(name);
        }
        for (const char* f : {"camera", "mic", "is_silence", "media_relay"}) expect_ok = expect_ok && flag_ok(content, f);
    }
    FUZZ_CHECK(r.has_value() == expect_ok);
    if (!r) {
        FUZZ_CHECK(!error.empty());
        return 0;
    }
    FUZZ_CHECK(error.empty());
    FUZZ_CHECK(r->user_name == name);
    FUZZ_CHECK(r->camera == flag_value(content, "camera"));
    FUZZ_CHECK(r->mic == flag_value(content, "mic"));
    FUZZ_CHECK(r->is_silence == flag_value(content, "is_silence"));
    FUZZ_CHECK(r->media_relay == flag_value(content, "media_relay"));

    // An accepted request joins a room, and the user record it produces serializes.
    Room room("fuzz-room", "fuzz-room", 0, {});
    Outcome o = room.join("fz-1", *r, 1);
    FUZZ_CHECK(o.code == protocol::ErrorCode::Ok);
    (void)o.response.dump();
    return 0;
}
