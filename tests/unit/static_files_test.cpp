// static_files: the server's Content-Security-Policy (the browser's guarantee that the page
// and its pose worker talk to our server only) and the page it must not break, plus the
// MIME types the camera pose files need.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "server/static_files.hpp"

using namespace posemeet::server;

namespace {

// "a x y; b z" -> {a: {x, y}, b: {z}}
std::map<std::string, std::set<std::string>> directives(std::string_view policy) {
    std::map<std::string, std::set<std::string>> out;
    std::stringstream all{std::string(policy)};
    std::string part;
    while (std::getline(all, part, ';')) {
        std::stringstream words(part);
        std::string name, source;
        if (!(words >> name)) continue;
        auto& sources = out[name];
        while (words >> source) sources.insert(source);
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_SUITE("static_files") {
    TEST_CASE("the policy lets the page and its workers reach this server only") {
        const auto d = directives(content_security_policy());
        CHECK(d.at("default-src") == std::set<std::string>{"'self'"});
        CHECK(d.at("connect-src") == std::set<std::string>{"'self'"});
        CHECK(d.at("worker-src") == std::set<std::string>{"'self'"});
        // blob: for the audio worklet (library_audio.js makes it from a Blob).
        CHECK(d.at("script-src") == std::set<std::string>{"'self'", "'wasm-unsafe-eval'", "blob:"});
        CHECK(d.at("object-src") == std::set<std::string>{"'none'"});
        for (const auto& [name, sources] : d) {
            for (const auto& s : sources) {
                INFO(name << " " << s);
                CHECK(s.find("://") == std::string::npos);  // no other host
                CHECK(s.find('*') == std::string::npos);
                CHECK(s != "'unsafe-inline'");
                CHECK(s != "'unsafe-eval'");
            }
        }
    }

    TEST_CASE("index.html has no inline script, which the policy would refuse") {
        const std::string html = read_file(std::string(POSEMEET_SOURCE_DIR) + "/web/index.html");
        REQUIRE(!html.empty());
        const std::regex script_tag("<script\\b[^>]*>");
        int scripts = 0;
        for (auto it = std::sregex_iterator(html.begin(), html.end(), script_tag); it != std::sregex_iterator(); ++it) {
            ++scripts;
            INFO(it->str());
            CHECK(it->str().find(" src=") != std::string::npos);
        }
        CHECK(scripts >= 3);  // camera, page API, boot
        CHECK(!std::regex_search(html, std::regex("\\son[a-z]+\\s*=")));  // nor inline event handlers
    }

    TEST_CASE("camera pose files get the types browsers insist on") {
        CHECK(mime_type("pose/pose-worker.mjs") == "text/javascript; charset=utf-8");  // module scripts
        CHECK(mime_type("pose/vision_wasm_module_internal.wasm") == "application/wasm");  // streaming compile
        CHECK(mime_type("pose/pose_landmarker_lite.task") == "application/octet-stream");
    }
}
