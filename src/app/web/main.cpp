// Browser entry point: wires the platform-free session to the browser (WebSocket,
// WebRTC, clocks), runs the ImGui UI and the skeleton renderer every animation frame, and
// exposes the page's JavaScript API (see web/posemeet-api.js and README "JavaScript API").
#include <emscripten.h>
#include <emscripten/eventloop.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#ifndef POSEMEET_VOICE_IN_WORKER
#include <opus.h>
#endif

#include <algorithm>
#include <cstdlib>
#include <cmath>
#include <memory>
#include <string>

#include "client/audio_engine.hpp"
#include "client/voice_control.hpp"
#include "client/camera_control.hpp"
#include "client/camera_pose_source.hpp"
#include "client/meeting_session.hpp"
#include "core/idle_pose.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/synthetic_pose.hpp"
#include "platform/web/canvas_input.hpp"
#include "platform/web/js_bridge.hpp"
#include "platform/web/web_audio_device.hpp"
#include "platform/web/web_camera_device.hpp"
#include "platform/web/web_clock.hpp"
#include "platform/web/web_peer_link.hpp"
#include "platform/web/web_signaling_socket.hpp"
#include "platform/web/worker_signaling_socket.hpp"
#include "platform/web/worker_voice.hpp"
#include "render/skeleton_renderer.hpp"
#include "ui/announcements.hpp"
#include "ui/font_set.hpp"
#include "ui/initials.hpp"
#include "ui/meeting_ui.hpp"
#include "ui/room_requests.hpp"
#include "ui/strings.hpp"
#include "ui/theme.hpp"
#include "ui/ui_fonts.hpp"

namespace posemeet {
namespace {

constexpr const char* kCanvas = "#canvas";
constexpr double kSoftwareRenderingFps = 20.0;
constexpr double kToastMs = 5000.0;  // how long a notice stays on screen

struct App {
    web::PageConfig config;
    web::CanvasInput input{kCanvas};
    web::WebClock clock;
#ifdef POSEMEET_VOICE_IN_WORKER
    web::WorkerSignalingSocket socket;  // held by the voice worker (relayed voice stays there)
#else
    web::WebSignalingSocket socket;
#endif
    std::unique_ptr<web::WebPeerLinkFactory> peers;
    std::unique_ptr<MeetingSession> session;
    // The voice: in the voice worker for the served page (web::WorkerVoice, which is also
    // worker_voice), in this thread for the file:// page (AudioEngine).
    std::unique_ptr<VoiceControl> audio;
    web::WorkerVoice* worker_voice = nullptr;
    std::unique_ptr<AudioDevice> audio_device;  // web::WebAudioDevice
    bool mic_requested = false;  // asked for the microphone once, at the first join
    CameraPoseSource camera_pose;  // landmarks from the camera's estimator
    std::unique_ptr<web::WebCameraDevice> camera_device;
    std::unique_ptr<CameraControl> camera;
    bool self_view = true;  // the camera's self-view box (hideable)
    render::SkeletonRenderer renderer;
    ui::MeetingUi ui;
    ui::Announcements announcements;  // read out through the page's live region
    std::string page_title_room;
    ui::FontSet fonts;
    std::string theme_choice = "system";  // system, dark or light
    bool theme_shown = false;             // the page's own elements have the theme too
    bool cjk_font_requested = false;
    std::string room_name;
    // Joins waiting for a development token from the page (MeetingSession::TokenSource).
    std::map<int, std::function<void(std::string)>> token_answers;
    int token_requests = 0;
    std::string notice;
    std::string about;
    double min_frame_interval_ms = 0;  // from the frame-rate cap
    double last_frame_ms = 0;
    double first_remote_pose_rendered_ms = -1;  // performance.now() when it first happened
    std::uint64_t frames = 0;
};

App* g_app = nullptr;

Pose mirrored(Pose pose) {
    for (auto& l : pose.landmarks) l.x = 1.0f - l.x;
    return pose;
}

void set_self_view(App& app, bool show) {
    app.self_view = show;
    app.camera_device->show_self_view(show);
}

// A room operation the user asked for (a click, or the page API). Turning our own camera
// off releases it at once, before the room answers: the camera light goes off and no
// further pose leaves at the moment of the click.
std::string request_from_user(App& app, const std::string& event, protocol::Json content) {
    const auto operate = content.is_object() ? content.find("operate") : content.end();
    if (protocol::event_from_name(event) == protocol::Event::OperateSelfCamera && operate != content.end() &&
        operate->is_number() && *operate == 0)
        app.camera->release_now();
    return app.session->request(event, std::move(content));
}

void render_skeletons(const ImDrawList*, const ImDrawCmd*) {
    const ImGuiIO& io = ImGui::GetIO();
    g_app->renderer.draw(io.DisplaySize.x, io.DisplaySize.y, io.DisplayFramebufferScale.x);
}

ui::MeetingView build_view(App& app) {
    ui::MeetingView v;
    const MeetingSession& s = *app.session;
    v.status = to_string(s.status());
    v.error = s.last_error();
    v.error_detail = s.last_error_detail();
    v.join_refused_meeting_ended = s.status() == ConnectionStatus::Failed &&
                                   s.join_refusal_code() == static_cast<int>(protocol::ErrorCode::RoomEnded);
    v.notice = app.notice;
    v.theme_choice = app.theme_choice;
    v.language = ui::language_code(ui::language());
    if (app.worker_voice && !app.worker_voice->failure().empty() && v.notice.empty())
        v.notice = "Sound could not start in this page (" + app.worker_voice->failure() +
                   "): you can still see everyone and chat.";
    v.room_name = s.room() ? s.room()->room_name : app.room_name;
    v.server_url = app.config.server_url;
    v.default_name = app.config.name;
    v.default_room = app.config.room.empty() ? "demo" : app.config.room;
    if (app.worker_voice && !app.worker_voice->codec_version().empty())
        app.about = "PoseMeet - " + app.worker_voice->codec_version();
    v.about = app.about;
    const RoomMirror& m = s.mirror();
    const RoomControls& c = m.controls();
    auto contains = [](const std::vector<std::string>& v, const std::string& id) {
        return std::find(v.begin(), v.end(), id) != v.end();
    };
    for (const UserRecord* u : s.participants_in_order()) {
        ui::TileView t;
        t.user_id = u->user_id;
        t.name = u->user_name;
        t.is_host = u->user_role == UserRole::Host;
        t.mic = u->mic;
        t.camera = u->camera;
        t.online = u->online == 1;
        t.sharing = u->share_status == 1;
        t.may_share = u->share_permission == 1;
        t.wants_to_speak = contains(c.mic_applications, u->user_id);
        t.wants_to_share = contains(c.share_applications, u->user_id);
        if (t.wants_to_speak) v.requests.push_back({u->user_id, u->user_name, /*share=*/false});
        if (t.wants_to_share) v.requests.push_back({u->user_id, u->user_name, /*share=*/true});
        t.speaking = app.audio->speaking(u->user_id);
        t.active_speaker = app.audio->active_speaker() == u->user_id;
        t.volume = app.audio->volume(u->user_id);
        if (s.self() && u->user_id == s.self()->user_id) {
            t.is_self = true;
            t.pose = s.local_pose();
            // The camera's view of us is mirrored, as people expect of a self-view; what
            // others see is not.
            if (t.pose && !app.camera->demo_avatar()) t.pose = mirrored(*t.pose);
        } else {
            const RemoteMedia& r = s.remotes().at(u->user_id);
            t.transport = to_string(r.last_path);
            t.packets_received = r.packets_received;
            t.pose = app.session->remote_pose_now(u->user_id);  // advances its playout: once a frame
            if (t.pose && app.first_remote_pose_rendered_ms < 0)
                app.first_remote_pose_rendered_ms = emscripten_get_now();
        }
        if (!t.pose) {
            // Nothing drives this avatar (camera off, nobody in view, not arrived yet).
            t.pose = idle_pose(app.clock.media_time_ms());
            t.idle = true;
        }
        v.tiles.push_back(std::move(t));
    }
    if (const auto& me = s.self()) {
        v.self_id = me->user_id;
        v.i_am_host = m.i_am_host();
        v.my_mic = me->mic;
        v.my_camera = me->camera;
        v.may_share = me->share_permission == 1;
        v.granted = me->permission;
        v.i_am_sharing = me->share_status == 1;
        v.mic_blocked = m.mic_blocked();
    }
    if (!v.i_am_host) v.requests.clear();
    v.mic_applying = c.mic_applying;
    v.share_applying = c.share_applying;
    v.asked_mic_on = c.asked_mic_on;
    v.asked_camera_on = c.asked_camera_on;
    v.all_muted = c.mic_all_status == 0;
    if (const UserRecord* sharer = c.share_user_id.empty() ? nullptr : s.find_user(c.share_user_id))
        v.sharer_name = sharer->user_name;
    v.share_type = c.share_type;
    v.ended = m.ended();
    const AudioDeviceState audio = app.audio_device->state();
    v.mic_state = to_string(audio.mic);
    v.mic_message = audio.mic_message;
    v.input_level_dbfs = app.audio->input_level_dbfs();
    v.input_device = audio.input_device;
    for (const auto& d : audio.input_devices) v.input_devices.push_back({d.id, d.label});
    v.audio_waits_for_click = !audio.playback_running && s.status() == ConnectionStatus::Joined;
    v.slow_connection = s.relay_congestion().active && s.status() == ConnectionStatus::Joined;
    const CameraDeviceState camera = app.camera->state();
    v.camera_state = to_string(camera.state);
    v.camera_message = camera.message;
    v.camera_device = camera.device;
    for (const auto& d : camera.devices) v.camera_devices.push_back({d.id, d.label});
    v.demo_avatar = app.camera->demo_avatar();
    v.self_view = app.self_view;
    for (const ChatMessage& msg : m.chat()) {
        const UserRecord* to = msg.to_user_id.empty() ? nullptr : s.find_user(msg.to_user_id);
        v.chat.push_back({msg.user_name, msg.to_user_id.empty() ? "" : (to ? to->user_name : "?"), msg.message,
                          msg.user_id == v.self_id});
    }
    for (const Invitation& inv : m.invitations())
        if (inv.status != InvitationStatus::Joined)  // those are in the list already
            v.invitations.push_back({inv.name.empty() ? inv.identity : inv.name, invitation_status_name(inv.status)});
    const double now = emscripten_get_now();
    for (const Notice& n : m.notices())
        if (now - n.at_ms < kToastMs) v.toasts.push_back(n.text);
    return v;
}

// Feeds every text about to be shown to the font set; true if any needs the CJK font.
bool note_texts(ui::FontSet& fonts, const ui::MeetingView& v, const std::string& typed) {
    bool cjk = false;
    auto note = [&](const std::string& text) {
        fonts.note_text(text);
        cjk = cjk || ui::FontSet::needs_cjk(text);
    };
    note(typed);
    for (const auto& t : v.tiles) {
        note(t.name);
        note(ui::initials(t.name));  // drawn on the avatar's head (upper-cased: not always in the name)
    }
    for (const auto& c : v.chat) {
        note(c.text);
        note(c.from);
        note(c.to);
    }
    for (const auto& t : v.toasts) note(t);
    note(v.room_name);
    return cjk;
}

// The theme in use follows the choice, and for "system" the browser's setting (which can
// change while the page is open).
void update_theme(App& app) {
    const bool light = app.theme_choice == "light" || (app.theme_choice == "system" && web::system_prefers_light());
    const ui::Theme& wanted = light ? ui::light_theme() : ui::dark_theme();
    if (&ui::theme() == &wanted && app.theme_shown) return;
    app.theme_shown = true;
    ui::apply_theme(wanted);
    web::show_theme_on_page(wanted.name);
}

void set_theme_choice(App& app, const std::string& choice) {
    if (choice != "system" && choice != "dark" && choice != "light") return;
    app.theme_choice = choice;
    update_theme(app);
}

// The UI's words; Chinese needs the CJK font at once (every label is in it).
void set_language(App& app, const std::string& code) {
    ui::set_language(ui::language_from_code(code));
    web::set_page_language(ui::language_code(ui::language()));
    if (ui::language() != ui::Language::Chinese) return;
    for (const auto& [english, chinese] : ui::chinese_entries()) app.fonts.note_text(chinese);
    if (!app.cjk_font_requested) {
        app.cjk_font_requested = true;
        web::request_cjk_font();
    }
}

void frame() {
    App& app = *g_app;
    app.session->tick();
    // Frame-rate cap: skip this animation frame if the last one was drawn too recently
    // (the 1.5 ms slack keeps a 30 fps cap on a 60 Hz display at every other frame).
    const double now = emscripten_get_now();
    if (now - app.last_frame_ms < app.min_frame_interval_ms - 1.5) return;
    app.last_frame_ms = now;
    app.input.new_frame();
    if (app.fonts.rebuild_pending() || app.fonts.built_scale() != app.input.raster_scale()) {
        app.fonts.build(app.input.raster_scale());
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    update_theme(app);
    ImGui_ImplOpenGL3_NewFrame();
    ImGui::NewFrame();
    const ui::MeetingView view = build_view(app);
    for (const std::string& sentence : app.announcements.update(view)) web::announce(ui::translate_sentence(sentence));
    const std::string title_room = view.status == "joined" || view.status == "reconnecting" ? view.room_name : "";
    if (title_room != app.page_title_room) web::set_page_title(app.page_title_room = title_room);
    if (note_texts(app.fonts, view, app.ui.typed_text()) && !app.cjk_font_requested) {
        app.cjk_font_requested = true;
        web::request_cjk_font();
    }
    const ui::Intents intents = app.ui.draw(
        view,
        [&app](const Pose& pose, float x, float y, float w, float h, const float rgba[4]) {
            app.renderer.queue(pose, {x, y, w, h}, {rgba[0], rgba[1], rgba[2], rgba[3]});
        },
        render_skeletons, nullptr);
    ImGui::Render();
    app.input.set_text_fields(app.ui.text_fields());
    app.input.end_frame();

    glViewport(0, 0, app.input.framebuffer_width(), app.input.framebuffer_height());
    const ImVec4 bg = ui::theme().window_bg;
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++app.frames;
    // Tiles in pages (a large room): the relay sends full-rate pose only for those on screen.
    app.session->set_visible_members(app.ui.tiles_paged() ? std::optional(app.ui.visible_tiles()) : std::nullopt);

    if (intents.join) {
        app.room_name = intents.join_room;
        app.session->join(intents.join_room, intents.join_name, intents.join_new_meeting, app.config.token);
        web::update_page_url(intents.join_room, intents.join_name);
    }
    if (intents.leave) app.session->leave();
    for (const ui::RoomAction& action : intents.room_actions) {
        ui::RoomRequest r = ui::room_request(action);
        request_from_user(app, protocol::event_name(r.event), std::move(r.content));
    }
    for (const auto& [user_id, gain] : intents.volumes) app.audio->set_volume(user_id, gain);
    if (intents.input_device) app.audio_device->start_capture(*intents.input_device);
    if (intents.camera_device) app.camera->choose_device(*intents.camera_device);
    if (intents.demo_avatar) app.camera->set_demo_avatar(*intents.demo_avatar);
    if (intents.self_view) set_self_view(app, *intents.self_view);
    if (intents.language) {
        set_language(app, *intents.language);
        web::store_setting("language", ui::language_code(ui::language()));
    }
    if (intents.theme) {
        set_theme_choice(app, *intents.theme);
        web::store_setting("theme", app.theme_choice);
    }
    // The camera estimates no faster than the room's tier sends.
    app.camera->set_rate(app.session->pose_rate_hz());
    app.camera->tick();
}

// The session must keep sending at its tier rate (up to 30 Hz) even when the page draws slowly.
void tick_timer(void*) {
    g_app->session->tick();
    if (g_app->worker_voice) g_app->worker_voice->tick();
    g_app->camera->tick();
    g_app->audio_device->pump();
}

}  // namespace
}  // namespace posemeet

// [SECTION] JavaScript API exports (wrapped by web/posemeet-api.js)
extern "C" {
// `token`: the join token given to PoseMeet.join, "" = the page's (?token=), if any.
EMSCRIPTEN_KEEPALIVE void pm_api_join(const char* room, const char* name, int new_meeting, const char* token) {
    auto& app = *posemeet::g_app;
    app.room_name = room;
    app.session->join(room, name, new_meeting != 0, token && *token ? std::string(token) : app.config.token);
}
// The page's answer to web::fetch_join_token: a token, or ""/null to join without one.
EMSCRIPTEN_KEEPALIVE void pm_api_join_token(int request, const char* token) {
    auto& answers = posemeet::g_app->token_answers;
    auto it = answers.find(request);
    if (it == answers.end()) return;
    auto answer = std::move(it->second);
    answers.erase(it);
    answer(token ? token : "");
}
EMSCRIPTEN_KEEPALIVE void pm_api_leave() { posemeet::g_app->session->leave(); }
// Any room operation; returns the request id ("" when not connected or content is not a
// JSON object). The answer comes as a "reply" event carrying that id.
EMSCRIPTEN_KEEPALIVE const char* pm_api_request(const char* event, const char* content_json) {
    static std::string id;
    auto content = posemeet::protocol::Json::parse(content_json, nullptr, false);
    id = content.is_object() ? posemeet::request_from_user(*posemeet::g_app, event, std::move(content)) : "";
    return id.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* pm_api_state() {
    static std::string buffer;
    auto& app = *posemeet::g_app;
    auto j = app.session->state_json();
    j["render"] = {{"frames", app.frames},
                   {"first_remote_pose_rendered_ms", app.first_remote_pose_rendered_ms},
                   {"bone_instances", app.renderer.last_bone_instances()},
                   {"head_instances", app.renderer.last_head_instances()},
                   {"draw_calls", app.renderer.last_draw_calls()},
                   {"ui_scale", app.input.ui_scale()},  // CSS pixels per UI pixel
                   {"input_queued", posemeet::web::CanvasInput::queued_events()}};
    j["server_url"] = app.config.server_url;
    j["ui"] = {{"theme", posemeet::ui::theme().name},
               {"theme_choice", app.theme_choice},
               {"language", posemeet::ui::language_code(posemeet::ui::language())}};
    j["audio"] = app.audio->state_json();
    j["audio"].update(posemeet::to_json(app.audio_device->state()));
    j["camera"] = posemeet::to_json(app.camera->state());
    j["camera"]["demo_avatar"] = app.camera->demo_avatar();
    j["camera"]["estimates"] = app.camera_pose.estimates();
    buffer = j.dump();
    return buffer.c_str();
}
// Test hook: the camera's recent estimates [{timestamp, landmarks}], oldest first.
EMSCRIPTEN_KEEPALIVE const char* pm_api_camera_recent() {
    static std::string buffer;
    auto arr = posemeet::protocol::Json::array();
    for (const auto& tp : posemeet::g_app->camera_pose.recent()) {
        auto landmarks = posemeet::protocol::Json::array();
        for (const auto& l : tp.pose.landmarks) landmarks.push_back({l.x, l.y, l.z, l.visibility});
        arr.push_back({{"timestamp", tp.media_time_ms}, {"landmarks", std::move(landmarks)}});
    }
    buffer = arr.dump();
    return buffer.c_str();
}
// Test hook: what the last frame drew that a person can click or type into, by name
// ("bar/Mute", "chat/Message"), with its rectangle in CSS pixels: {name: [x, y, w, h]}.
EMSCRIPTEN_KEEPALIVE const char* pm_api_ui_controls() {
    static std::string buffer;
    auto out = posemeet::protocol::Json::object();
    const float s = posemeet::g_app->input.ui_scale();  // UI pixels -> CSS pixels
    for (const auto& [name, r] : posemeet::g_app->ui.drawn_controls())
        out[name] = {r.Min.x * s, r.Min.y * s, r.GetWidth() * s, r.GetHeight() * s};
    buffer = out.dump();
    return buffer.c_str();
}
// The look: "system", "dark" or "light".
EMSCRIPTEN_KEEPALIVE void pm_api_set_theme(const char* theme) { posemeet::set_theme_choice(*posemeet::g_app, theme); }
// The UI's language: "en" or "zh".
EMSCRIPTEN_KEEPALIVE void pm_api_set_language(const char* code) { posemeet::set_language(*posemeet::g_app, code); }
// Test hook: the colour each participant was drawn in last frame: {user id: [r, g, b]}.
EMSCRIPTEN_KEEPALIVE const char* pm_api_ui_participant_colors() {
    static std::string buffer;
    auto out = posemeet::protocol::Json::object();
    for (const auto& [id, c] : posemeet::g_app->ui.participant_colors()) out[id] = {c.r, c.g, c.b};
    buffer = out.dump();
    return buffer.c_str();
}
// The demo avatar (synthetic motion, no camera) instead of the camera, or back.
EMSCRIPTEN_KEEPALIVE void pm_api_set_demo_avatar(int on) { posemeet::g_app->camera->set_demo_avatar(on != 0); }
// Which camera to use ("" = the browser's default).
EMSCRIPTEN_KEEPALIVE void pm_api_set_camera_device(const char* device_id) {
    posemeet::g_app->camera->choose_device(device_id);
}
EMSCRIPTEN_KEEPALIVE void pm_api_show_self_view(int show) { posemeet::set_self_view(*posemeet::g_app, show != 0); }
// Output volume of one participant, 0..2.
EMSCRIPTEN_KEEPALIVE void pm_api_set_volume(const char* user_id, double gain) {
    posemeet::g_app->audio->set_volume(user_id, static_cast<float>(gain));
}
// Switch the microphone ("" = the browser's default).
EMSCRIPTEN_KEEPALIVE void pm_api_audio_set_input(const char* device_id) {
    posemeet::g_app->audio_device->start_capture(device_id);
}
// Test hook: analyse every played frame of every remote at these frequencies (JSON array).
EMSCRIPTEN_KEEPALIVE void pm_api_audio_tap_start(const char* frequencies_json) {
    posemeet::g_app->audio->start_tap(
        posemeet::VoicePipeline::tap_frequencies(posemeet::protocol::Json::parse(frequencies_json, nullptr, false)));
}
EMSCRIPTEN_KEEPALIVE const char* pm_api_audio_tap_take() {
    static std::string buffer;
    buffer = posemeet::g_app->audio->take_tap().dump();
    return buffer.c_str();
}
// The page hands over the CJK font it fetched (malloc'ed by the page; we take ownership).
EMSCRIPTEN_KEEPALIVE void pm_api_font_loaded(std::uint8_t* data, int size) {
    std::vector<std::uint8_t> bytes(data, data + size);
    std::free(data);
    posemeet::g_app->fonts.set_cjk_font(std::move(bytes));
}
// The pose a participant's synthetic source produces at a timestamp (tests compare it with
// what arrived), plus the codec's error bounds.
EMSCRIPTEN_KEEPALIVE const char* pm_api_synthetic_pose(const char* user_id, double timestamp_ms) {
    static std::string buffer;
    using namespace posemeet;
    const Pose p = SyntheticPoseSource(pose_seed_for_user(user_id))
                       .pose_at(static_cast<std::uint32_t>(static_cast<std::uint64_t>(timestamp_ms)));
    protocol::Json arr = protocol::Json::array();
    for (const auto& l : p.landmarks) arr.push_back({l.x, l.y, l.z, l.visibility});
    buffer = protocol::Json{{"landmarks", arr},
                            {"max_error", {kPoseMaxErrorXY, kPoseMaxErrorXY, kPoseMaxErrorZ, kPoseMaxErrorVisibility}}}
                 .dump();
    return buffer.c_str();
}
}

int main() {
    using namespace posemeet;
    static App app;
    g_app = &app;
    app.config = web::read_page_config();

    EmscriptenWebGLContextAttributes attrs;
    emscripten_webgl_init_context_attributes(&attrs);
    attrs.majorVersion = 2;
    attrs.minorVersion = 0;
    attrs.alpha = EM_FALSE;
    attrs.antialias = EM_FALSE;  // the shaders anti-alias their own edges
    const EMSCRIPTEN_WEBGL_CONTEXT_HANDLE ctx = emscripten_webgl_create_context(kCanvas, &attrs);
    if (ctx <= 0) {
        web::report_fatal("This browser cannot show PoseMeet: WebGL2 is not available. "
                          "Enable hardware acceleration or use a current Chrome, Edge, Firefox or Safari.");
        return 0;
    }
    emscripten_webgl_make_context_current(ctx);
    // Software WebGL (no GPU) costs ~25 ms of CPU per frame: at 60 fps it starves the
    // page's own pose sending (up to 30 Hz). 20 fps keeps the skeletons fluid (they are
    // interpolated) and the meeting on time. A page may set its own cap (maxFps / ?fps=).
    const double max_fps = app.config.max_fps > 0 ? app.config.max_fps
                           : web::webgl_is_software_rendered() ? kSoftwareRenderingFps : 0.0;
    if (max_fps > 0) app.min_frame_interval_ms = 1000.0 / max_fps;

    if (web::WebPeerLinkFactory::browser_supports_webrtc()) {
        app.peers = std::make_unique<web::WebPeerLinkFactory>();
    } else {
        app.notice = "WebRTC is not available in this browser: media goes through the server relay.";
    }
    SessionConfig sc;
    sc.server_url = app.config.server_url;
    sc.force_relay = app.config.force_relay;
    // The demo avatar is live from the start (as a bot's); a camera opens only when asked.
    sc.join_with_camera = app.config.demo_avatar;
    app.session = std::make_unique<MeetingSession>(sc, app.socket, app.peers.get(), app.clock);
    app.camera_device = std::make_unique<web::WebCameraDevice>(app.camera_pose);
    app.camera = std::make_unique<CameraControl>(*app.session, *app.camera_device, app.camera_pose,
                                                 app.config.demo_avatar);
    app.session->set_token_source([](const std::string& room, const std::string& name,
                                     std::function<void(std::string)> answer) {
        const int request = ++g_app->token_requests;
        g_app->token_answers[request] = std::move(answer);
        web::fetch_join_token(room, name, request);
    });
    app.session->set_pose_source_factory(
        [](const std::string& user_id) { return g_app->camera->make_pose_source(user_id); });
    AudioEngineConfig ac;
    ac.test_loss = app.config.test_loss;
    ac.test_jitter_ms = static_cast<int>(app.config.test_jitter_ms);
    app.audio_device = std::make_unique<web::WebAudioDevice>(app.clock, app.config.audio_processing);
#ifdef POSEMEET_VOICE_IN_WORKER
    // Next to posemeet.js; it loads posemeet-voice.js/.wasm from beside itself.
    auto voice = std::make_unique<web::WorkerVoice>(*app.session, ac, "posemeet-voice-worker.js");
    voice->attach_device(*app.audio_device);
    app.worker_voice = voice.get();
    app.audio = std::move(voice);
#else
    auto engine = std::make_unique<AudioEngine>(*app.session, ac);
    engine->attach_device(*app.audio_device);
    app.audio = std::move(engine);
#endif
    app.session->set_event_listener([](const std::string& name, const protocol::Json& data) {
        // The microphone opens when we get into a meeting (the browser asks once) and is
        // released when we are out of it, so the browser's recording indicator goes off.
        if (name == "joined" && g_app->config.audio && !g_app->mic_requested) {
            g_app->mic_requested = true;
            g_app->audio_device->start_capture(g_app->audio_device->state().input_device);
        } else if ((name == "left" || name == "ended" || name == "replaced") && g_app->mic_requested) {
            g_app->mic_requested = false;
            g_app->audio_device->stop_capture();
        }
        web::emit_event(name, data.dump());
    });
#ifndef POSEMEET_VOICE_IN_WORKER
    app.about = std::string("PoseMeet - ") + opus_get_version_string();
#else
    app.about = "PoseMeet";  // the codec's version comes with the voice worker's first report
#endif

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab, arrows, Space, Escape
    app.input.install();
    app.input.new_frame();
    const float dpr = std::max(1.0f, app.input.device_pixel_ratio());
    app.fonts.set_ui_fonts(ui::kUiFontFiles);
    app.fonts.build(app.input.raster_scale());
    app.ui.apply_style(dpr);
    set_theme_choice(app, app.config.theme);  // applied before the first frame (update_theme)
    set_language(app, app.config.language);
    app.ui.set_shortcut_keys(web::CanvasInput::kMicShortcutKey, web::CanvasInput::kCameraShortcutKey);
    ImGui_ImplOpenGL3_Init("#version 300 es");

    std::string error;
    if (!app.renderer.init(error)) {
        web::report_fatal("Could not start the skeleton renderer: " + error);
        return 0;
    }
    if (!app.config.room.empty() && !app.config.name.empty() && app.config.auto_join) {
        app.room_name = app.config.room;
        app.session->join(app.config.room, app.config.name, false, app.config.token);
    }
    emscripten_set_interval(tick_timer, 5.0, nullptr);
    web::notify_ready();
    emscripten_set_main_loop(frame, 0, 0);
    return 0;
}
