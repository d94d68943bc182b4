// static_files: the server's Content-Security-Policy (the browser's guarantee that the code
// we did not write, the pose worker's, talks to our server only) and the page it must not
// break, plus the MIME types the camera pose files need.
#include "server/static_files.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

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
    TEST_CASE("the pose worker's files may reach this server only") {
        for (const char* target :
             {"/pose/pose-worker.mjs", "/pose/vision_bundle.mjs?v=1", "/%70ose/pose-worker.mjs"}) {
            INFO(target);
            const auto d = directives(content_security_policy(target));
            CHECK(d.at("default-src") == std::set<std::string>{"'self'"});
            CHECK(d.at("connect-src") == std::set<std::string>{"'self'"});
            CHECK(d.at("script-src") == std::set<std::string>{"'self'", "'wasm-unsafe-eval'"});
            CHECK(d.at("worker-src") == std::set<std::string>{"'self'"});
        }
    }

    TEST_CASE("the page may fetch from this server only and open WebSockets to a chosen server") {
        for (const char* target :
             {"/", "/index.html", "/posemeet.js", "/api/v1/stats", "/pose-x/a.js"}) {
            INFO(target);
            const auto d = directives(content_security_policy(target));
            CHECK(d.at("default-src") == std::set<std::string>{"'self'"});
            CHECK(d.at("connect-src") ==
                  std::set<std::string>{"'self'", "ws:", "wss:"});  // ?server=
            // blob: for the audio worklet (library_audio.js makes it from a Blob).
            CHECK(d.at("script-src") ==
                  std::set<std::string>{"'self'", "'wasm-unsafe-eval'", "blob:"});
            CHECK(d.at("worker-src") == std::set<std::string>{"'self'"});
            CHECK(d.at("object-src") == std::set<std::string>{"'none'"});
        }
    }

    TEST_CASE("no policy names another host, a wildcard, inline code or eval") {
        for (const char* target : {"/", "/pose/pose-worker.mjs"}) {
            for (const auto& [name, sources] : directives(content_security_policy(target))) {
                for (const auto& s : sources) {
                    INFO(target << " " << name << " " << s);
                    CHECK(s.find("://") == std::string::npos);
                    CHECK(s.find('*') == std::string::npos);
                    CHECK(s != "'unsafe-inline'");
                    CHECK(s != "'unsafe-eval'");
                    CHECK(s != "http:");
                    CHECK(s != "https:");
                }
            }
        }
    }

    TEST_CASE("index.html has no inline script, which the policy would refuse") {
        const std::string html = read_file(std::string(POSEMEET_SOURCE_DIR) + "/web/index.html");
        REQUIRE(!html.empty());
        const std::regex script_tag("<script\\b[^>]*>");
        int scripts = 0;
        for (auto it = std::sregex_iterator(html.begin(), html.end(), script_tag);
             it != std::sregex_iterator(); ++it) {
            ++scripts;
            INFO(it->str());
            CHECK(it->str().find(" src=") != std::string::npos);
        }
        CHECK(scripts >= 3);  // camera, page API, boot
        CHECK(
            !std::regex_search(html, std::regex("\\son[a-z]+\\s*=")));  // nor inline event handlers
    }

    TEST_CASE("camera pose files get the types browsers insist on") {
        CHECK(mime_type("pose/pose-worker.mjs") ==
              "text/javascript; charset=utf-8");  // module scripts
        CHECK(mime_type("pose/vision_wasm_module_internal.wasm") ==
              "application/wasm");  // streaming compile
        CHECK(mime_type("pose/pose_landmarker_lite.task") == "application/octet-stream");
    }

    TEST_CASE("gzip is sent to browsers that take it, and only to them") {
        CHECK(accepts_gzip("gzip, deflate, br, zstd"));  // Chromium
        CHECK(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
        CHECK(accepts_gzip("x-gzip"));
        CHECK(accepts_gzip("*"));
        CHECK_FALSE(accepts_gzip(""));
        CHECK_FALSE(accepts_gzip("identity"));
        CHECK_FALSE(accepts_gzip("br, deflate"));
        CHECK_FALSE(accepts_gzip("gzip;q=0"));
        CHECK_FALSE(accepts_gzip("gzip;q=0.000, br"));
        CHECK_FALSE(accepts_gzip("gzipx, xgzip"));  // a coding is a whole token
    }
}

