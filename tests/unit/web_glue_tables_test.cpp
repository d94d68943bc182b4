// web_glue_tables: the enums that cross into the browser's JS glue are declared once in C++
// and mirrored by one table in the JS library file; this reads those files from the source
// tree and checks that every table has exactly the C++ enum's names and values.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "client/audio_device.hpp"
#include "platform/web/web_peer_link.hpp"

using namespace posemeet;

namespace {

using NameValues = std::map<std::string, int>;

std::string read_source(const std::string& relative_path) {
    std::ifstream in(std::string(POSEMEET_SOURCE_DIR) + "/" + relative_path);
    REQUIRE_MESSAGE(in, "cannot read " << relative_path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The `Name: {A: 0, B: 1}` object literal in a JS file, as {A: 0, B: 1}. Empty when the
// file has no such table.
NameValues js_table(const std::string& js, const std::string& name) {
    NameValues table;
    std::smatch literal;
    if (!std::regex_search(js, literal, std::regex("\\b" + name + "\\s*:\\s*\\{([^}]*)\\}"))) return table;
    const std::string body = literal[1].str();
    const std::regex entry("([A-Za-z_]\\w*)\\s*:\\s*(-?\\d+)");
    for (std::sregex_iterator it(body.begin(), body.end(), entry), end; it != end; ++it)
        table[(*it)[1].str()] = std::stoi((*it)[2].str());
    return table;
}

// "A=0 B=1": what a failed check prints.
std::string listed(const NameValues& table) {
    std::string out;
    for (const auto& [name, value] : table) out += (out.empty() ? "" : " ") + name + "=" + std::to_string(value);
    return out;
}

}  // namespace

TEST_SUITE("web_glue_tables") {
    TEST_CASE("library_audio.js MicState is the C++ MicState") {
        NameValues cpp;
        for (const MicStateName& n : kMicStateNames) cpp[n.enumerator] = static_cast<int>(n.state);
        const std::string js = read_source("src/platform/web/library_audio.js");
        CHECK(listed(js_table(js, "MicState")) == listed(cpp));
        // Every state the glue reports goes through the table, never a bare number.
        CHECK_FALSE(std::regex_search(js, std::regex("micState\\(\\s*-?\\d")));
    }

    TEST_CASE("library_webrtc.js SendResult is the C++ RtcSendResult") {
        NameValues cpp;
#define POSEMEET_ADD_SEND_RESULT(name, value) cpp[#name] = static_cast<int>(web::RtcSendResult::name);
        POSEMEET_RTC_SEND_RESULTS(POSEMEET_ADD_SEND_RESULT)
#undef POSEMEET_ADD_SEND_RESULT
        const std::string js = read_source("src/platform/web/library_webrtc.js");
        CHECK(listed(js_table(js, "SendResult")) == listed(cpp));
    }

    TEST_CASE("mic states have distinct API names, and every problem a message for the user") {
        std::map<std::string, int> api_names;
        for (const MicStateName& n : kMicStateNames) ++api_names[to_string(n.state)];
        CHECK(api_names.size() == std::size(kMicStateNames));
        CHECK(std::string(to_string(MicState::NoDevice)) == "no_device");

        CHECK(mic_message(MicState::Off, MicState::Live, "") == "");
        CHECK(mic_message(MicState::Live, MicState::Asking, "Fake Mic") == "Fake Mic");
        CHECK(mic_message(MicState::Denied, MicState::Asking, "").find("Microphone access is blocked") == 0);
        CHECK(mic_message(MicState::NoDevice, MicState::Asking, "") == "No microphone found: you can listen and chat");
        CHECK(mic_message(MicState::NoDevice, MicState::Live, "") == "The microphone was disconnected");
        CHECK(mic_message(MicState::Error, MicState::Asking, "busy") == "Could not start the microphone: busy");
        CHECK(mic_message(MicState::Error, MicState::Asking, "").find("secure https://") != std::string::npos);
    }
}
