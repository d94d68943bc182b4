// Mapping of request targets to files under the web root: percent-decoding, refusal of
// path traversal and hidden files, index.html for folders, MIME types and cache policy.
// Pure functions (plus a stat for folders); the HTTP session does the I/O.
#pragma once

#include <string>
#include <string_view>

namespace posemeet::server {

// The path part of a request target: "/a/b?x=1#y" -> "/a/b".
std::string_view target_path(std::string_view target);

// Percent-decodes `in`; false on a malformed escape or a decoded NUL.
bool percent_decode(std::string_view in, std::string& out);

enum class StaticStatus { Ok, BadRequest, Forbidden };

struct StaticResolution {
    StaticStatus status = StaticStatus::Ok;
    std::string file;  // absolute-or-relative filesystem path when Ok
};

// Resolves the target ("/", "/posemeet.js?v=2", "/sub/") under `web_root`. Refuses "..",
// backslashes and dot-files (Forbidden) and bad escapes (BadRequest). Folders map to their
// index.html. Does not check that the file exists.
StaticResolution resolve_static_path(const std::string& web_root, std::string_view target);

// True when an Accept-Encoding header value lets us answer with gzip ("gzip", "x-gzip" or
// "*", unless its q-value is 0). The build writes a .gz beside each large client file
// (the wasm, the pose model); the server sends it to browsers that take gzip.
bool accepts_gzip(std::string_view accept_encoding);

// Content-Type for a file name by extension (application/octet-stream when unknown).
std::string_view mime_type(std::string_view path);

// Value of the Content-Security-Policy header for a request target; every response carries
// one. It is what makes "your video stays on this device" hold for code we did not write:
//   - files under /pose/ (the camera pose worker and the MediaPipe code it imports): may
//     reach this server only (connect-src 'self'), so the usage logs tasks-vision tries to
//     post to a Google endpoint are refused. A worker runs under the policy that came with
//     its own script, not the page's.
//   - everything else (the page): only our own code runs there. It may fetch from this
//     server only, but open WebSockets anywhere (ws: wss:), because ?server= lets the
//     client join a PoseMeet server other than the one that served the page ('self' covers
//     this server's own ws:// endpoint). Only body points go over that socket.
// Both: scripts and workers come from this server only ('wasm-unsafe-eval' lets them compile
// WebAssembly; no inline scripts, no eval); the page also allows blob: scripts for the audio
// worklet, which library_audio.js loads from a Blob so the file:// build needs no extra file
// (a blob: URL can only be made by code already running here).
std::string_view content_security_policy(std::string_view target);

// Value of the Cache-Control header for a served file. index.html (and every other file,
// since the build writes unversioned names like posemeet.wasm) must be revalidated.
std::string_view cache_control(std::string_view path);

}  // namespace posemeet::server
