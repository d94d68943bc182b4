// See js_bridge.hpp. Each EM_JS body is a one-liner into Module.posemeet* hooks that
// web/posemeet-api.js installs; nothing here decides product behaviour.
#include "platform/web/js_bridge.hpp"

#include <emscripten.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

namespace posemeet::web {
namespace {

EM_JS(char*, pm_js_page_config, (), {
    var cfg = (Module['posemeetConfig'] || {});
    var json = JSON.stringify({server: cfg.server || "", token: cfg.token || "", room: cfg.room || "", name: cfg.name || "",
                               relay: !!cfg.relay, autoJoin: cfg.autoJoin !== false,
                               maxFps: Number(cfg.maxFps) || 0, audio: cfg.audio !== false,
                               audioProcessing: cfg.audioProcessing !== false,
                               testLoss: Number(cfg.testLoss) || 0, testJitterMs: Number(cfg.testJitterMs) || 0,
                               pose: String(cfg.pose || "camera"), theme: String(cfg.theme || "system"),
                               language: String(cfg.language || "en")});
    var len = lengthBytesUTF8(json) + 1;
    var ptr = _malloc(len);
    stringToUTF8(json, ptr, len);
    return ptr;
});
EM_JS(void, pm_js_emit, (const char* name, const char* json), {
    if (Module['posemeetOnEvent']) Module['posemeetOnEvent'](UTF8ToString(name), UTF8ToString(json));
});
EM_JS(void, pm_js_fetch_join_token, (const char* room, const char* name, int request), {
    if (Module['posemeetFetchJoinToken']) Module['posemeetFetchJoinToken'](UTF8ToString(room), UTF8ToString(name), request);
    else Module['_pm_api_join_token'](request, 0);
});
EM_JS(void, pm_js_fatal, (const char* message), {
    if (Module['posemeetFatal']) Module['posemeetFatal'](UTF8ToString(message));
});
EM_JS(void, pm_js_ready, (), {
    if (Module['posemeetReady']) Module['posemeetReady']();
});
EM_JS(void, pm_js_update_url, (const char* room, const char* name), {
    if (Module['posemeetUpdateUrl']) Module['posemeetUpdateUrl'](UTF8ToString(room), UTF8ToString(name));
});

EM_JS(void, pm_js_announce, (const char* text), {
    if (Module['posemeetAnnounce']) Module['posemeetAnnounce'](UTF8ToString(text));
});
EM_JS(void, pm_js_set_title, (const char* room), {
    var r = UTF8ToString(room);
    document.title = r ? r + ' - PoseMeet' : 'PoseMeet';
});

EM_JS(int, pm_js_prefers_light, (), {
    if (!window.matchMedia) return 0;
    Module.pmLightQuery = Module.pmLightQuery || window.matchMedia('(prefers-color-scheme: light)');
    return Module.pmLightQuery.matches ? 1 : 0;
});
EM_JS(void, pm_js_show_theme, (const char* name), {
    document.documentElement.dataset.theme = UTF8ToString(name);
});
EM_JS(void, pm_js_set_page_language, (const char* code), {
    var lang = UTF8ToString(code) === 'zh' ? 'zh-CN' : 'en';
    if (document.documentElement.lang === lang) return;
    document.documentElement.lang = lang;
    document.dispatchEvent(new Event('posemeet-language'));
});
EM_JS(void, pm_js_store_setting, (const char* name, const char* value), {
    try { window.localStorage.setItem('posemeet.' + UTF8ToString(name), UTF8ToString(value)); } catch (e) {}
});

EM_JS(int, pm_js_software_gl, (), {
    var gl = GL.currentContext && GL.currentContext.GLctx;
    if (!gl) return 0;
    var info = gl.getExtension('WEBGL_debug_renderer_info');
    var name = info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : "";
    return /swiftshader|llvmpipe|software/i.test(name) ? 1 : 0;
});

EM_JS(void, pm_js_request_cjk_font, (), {
    if (Module['posemeetLoadFont']) Module['posemeetLoadFont']('fonts/cjk.ttc');
});

}  // namespace

void request_cjk_font() { pm_js_request_cjk_font(); }

bool webgl_is_software_rendered() { return pm_js_software_gl() != 0; }

PageConfig read_page_config() {
    char* raw = pm_js_page_config();
    const auto j = nlohmann::json::parse(raw, nullptr, false);
    std::free(raw);
    PageConfig c;
    if (j.is_object()) {
        c.server_url = j.value("server", "");
        c.token = j.value("token", "");
        c.room = j.value("room", "");
        c.name = j.value("name", "");
        c.force_relay = j.value("relay", false);
        c.auto_join = j.value("autoJoin", true);
        c.max_fps = j.value("maxFps", 0.0);
        c.audio = j.value("audio", true);
        c.audio_processing = j.value("audioProcessing", true);
        c.test_loss = j.value("testLoss", 0.0);
        c.test_jitter_ms = j.value("testJitterMs", 0.0);
        c.demo_avatar = j.value("pose", "camera") == "synthetic";
        c.theme = j.value("theme", "system");
        c.language = j.value("language", "en");
    }
    if (c.server_url.empty()) c.server_url = "ws://127.0.0.1:8080/ws";
    return c;
}

void fetch_join_token(const std::string& room, const std::string& name, int request) {
    pm_js_fetch_join_token(room.c_str(), name.c_str(), request);
}
void emit_event(const std::string& name, const std::string& json) { pm_js_emit(name.c_str(), json.c_str()); }
void report_fatal(const std::string& message) { pm_js_fatal(message.c_str()); }
void notify_ready() { pm_js_ready(); }
void announce(const std::string& text) { pm_js_announce(text.c_str()); }
bool system_prefers_light() { return pm_js_prefers_light() != 0; }
void show_theme_on_page(const std::string& name) { pm_js_show_theme(name.c_str()); }
void set_page_language(const std::string& code) { pm_js_set_page_language(code.c_str()); }
void store_setting(const std::string& name, const std::string& value) {
    pm_js_store_setting(name.c_str(), value.c_str());
}
void set_page_title(const std::string& room) { pm_js_set_title(room.c_str()); }
void update_page_url(const std::string& room, const std::string& name) {
    pm_js_update_url(room.c_str(), name.c_str());
}

}  // namespace posemeet::web
