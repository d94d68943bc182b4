// The page side of the client: configuration from the page (URL parameters or the
// embedding page's config object), events out to JavaScript, fatal errors shown by the
// page. The JS half lives in web/posemeet-api.js.
#pragma once

#include <string>

namespace posemeet::web {

struct PageConfig {
    std::string server_url;  // ws://.../ws
    std::string token;  // the join token from the operator's backend (?token=), "" = none
    std::string room, name;
    bool force_relay = false;
    bool auto_join = true;
    double max_fps = 0;  // 0 = the display rate (20 on software-rendered WebGL)
    bool audio = true;             // ask for the microphone when joining
    bool audio_processing = true;  // echo cancellation, noise suppression, auto gain
    double test_loss = 0, test_jitter_ms = 0;  // test only: impair received audio
    // The demo avatar (synthetic motion, no camera) instead of the camera: ?pose=synthetic.
    bool demo_avatar = false;
    std::string theme = "system";  // system, dark or light
    std::string language = "en";   // a BCP 47 code: "zh..." is Chinese, the rest English
};

PageConfig read_page_config();
// Asks the page for a join token (a development server's GET /api/v1/dev/token); the
// answer comes back through pm_api_join_token(request, token), "" (or null) for none.
void fetch_join_token(const std::string& room, const std::string& name, int request);
void emit_event(const std::string& name, const std::string& json);
void report_fatal(const std::string& message);
void notify_ready();
// Read out to screen readers through the page's ARIA live region.
void announce(const std::string& text);
// The browser's colour scheme is light (prefers-color-scheme).
bool system_prefers_light();
// The page's own elements (loading screen, self-view) take the theme: <html data-theme=...>.
void show_theme_on_page(const std::string& name);
// The page's <html lang> ("en" or "zh"): screen readers and the page's own elements follow.
void set_page_language(const std::string& code);
// Remembers a setting the user chose for the next visit (localStorage "posemeet.<name>").
void store_setting(const std::string& name, const std::string& value);
// The tab's title names the room ("standup - PoseMeet"); "" for none.
void set_page_title(const std::string& room);
// True when the current WebGL context renders in software (SwiftShader, llvmpipe): the
// client then draws at a lower frame rate to leave CPU for the meeting itself.
bool webgl_is_software_rendered();
// Ask the page to download the CJK font; it arrives through pm_api_font_loaded().
void request_cjk_font();
// Reflect a join made from the join screen in the address bar (so a reload rejoins).
void update_page_url(const std::string& room, const std::string& name);

}  // namespace posemeet::web
