// See static_files.hpp.
#include "server/static_files.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

namespace posemeet::server {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string lower_extension(std::string_view path) {
    const auto slash = path.find_last_of('/');
    const auto dot = path.find_last_of('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
    std::string ext(path.substr(dot + 1));
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

}  // namespace

std::string_view target_path(std::string_view target) {
    const auto end = target.find_first_of("?#");
    return end == std::string_view::npos ? target : target.substr(0, end);
}

bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return false;  // needs two hex digits
            const int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        if (c == '\0') return false;
        out.push_back(c);
    }
    return true;
}

StaticResolution resolve_static_path(const std::string& web_root, std::string_view target) {
    StaticResolution r;
    const std::string_view raw = target_path(target);
    if (raw.empty() || raw.front() != '/') {
        r.status = StaticStatus::BadRequest;
        return r;
    }
    std::string decoded;
    if (!percent_decode(raw, decoded)) {
        r.status = StaticStatus::BadRequest;
        return r;
    }
    if (decoded.find('\\') != std::string::npos) {
        r.status = StaticStatus::Forbidden;
        return r;
    }
    // Rebuild the relative path segment by segment; never let one escape the root.
    std::string relative;
    std::size_t pos = 0;
    while (pos <= decoded.size()) {
        auto next = decoded.find('/', pos);
        if (next == std::string::npos) next = decoded.size();
        const std::string_view seg(decoded.data() + pos, next - pos);
        pos = next + 1;
        if (seg.empty() || seg == ".") continue;
        if (seg.front() == '.') {  // "..", ".git", ".env", ...
            r.status = StaticStatus::Forbidden;
            return r;
        }
        if (!relative.empty()) relative += '/';
        relative.append(seg);
    }
    std::string file = web_root.empty() ? std::string("./") : web_root;
    if (file.back() != '/') file += '/';
    file += relative;
    const bool wants_folder = relative.empty() || decoded.back() == '/';
    std::error_code ec;
    if (wants_folder || std::filesystem::is_directory(file, ec)) {
        if (file.back() != '/') file += '/';
        file += "index.html";
    }
    r.file = std::move(file);
    return r;
}

std::string_view mime_type(std::string_view path) {
    const std::string ext = lower_extension(path);
    if (ext == "html" || ext == "htm") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "wasm") return "application/wasm";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "json" || ext == "map") return "application/json";
    if (ext == "txt") return "text/plain; charset=utf-8";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
    if (ext == "gif") return "image/gif";
    if (ext == "webp") return "image/webp";
    if (ext == "ico") return "image/vnd.microsoft.icon";
    if (ext == "woff2") return "font/woff2";
    if (ext == "woff") return "font/woff";
    if (ext == "ttf") return "font/ttf";
    if (ext == "wav") return "audio/wav";
    return "application/octet-stream";
}

bool accepts_gzip(std::string_view header) {
    auto trim = [](std::string_view v) {
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        return v;
    };
    auto lower_equals = [](std::string_view a, std::string_view b) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i)
            if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
        return true;
    };
    while (!header.empty()) {
        const std::size_t comma = header.find(',');
        std::string_view item = header.substr(0, comma);
        header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
        const std::size_t semi = item.find(';');
        const std::string_view coding = trim(item.substr(0, semi));
        if (!lower_equals(coding, "gzip") && !lower_equals(coding, "x-gzip") && coding != "*") continue;
        // "gzip;q=0" refuses it; any other q-value (or none) accepts.
        bool refused = false;
        if (semi != std::string_view::npos) {
            std::string_view param = trim(item.substr(semi + 1));
            if (param.size() > 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
                param.remove_prefix(2);
                refused = !param.empty() && param.find_first_not_of("0.") == std::string_view::npos;
            }
        }
        if (!refused) return true;
    }
    return false;
}

std::string_view content_security_policy(std::string_view target) {
#define POSEMEET_CSP_COMMON                                                          \
    "default-src 'self'; worker-src 'self'; img-src 'self' data: blob:; "            \
    "media-src 'self' blob:; style-src 'self'; font-src 'self'; object-src 'none'; " \
    "base-uri 'none'; form-action 'self'"
    static constexpr std::string_view kPose =
        "script-src 'self' 'wasm-unsafe-eval'; "
        "connect-src 'self'; " POSEMEET_CSP_COMMON;
    static constexpr std::string_view kPage =
        "script-src 'self' 'wasm-unsafe-eval' blob:; "
        "connect-src 'self' ws: wss:; " POSEMEET_CSP_COMMON;
#undef POSEMEET_CSP_COMMON
    // Decoded, so "/%70ose/x" is under /pose/ too; a malformed path gets the stricter one.
    std::string path;
    if (!percent_decode(target_path(target), path)) return kPose;
    return path.rfind("/pose/", 0) == 0 ? kPose : kPage;
}

std::string_view cache_control(std::string_view /*path*/) {
    // index.html must never be served stale (it names the current build); the other build
    // outputs keep fixed names too, so every file is revalidated.
    return "no-cache";
}

}  // namespace posemeet::server
