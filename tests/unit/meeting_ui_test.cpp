// meeting_ui: what a person's clicks and typing in the meeting UI ask the room for (the
// view-model -> intents logic), driven headless through the controls the UI drew.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <imgui_internal.h>

#include "meeting_ui_test_support.hpp"
#include "ui/meeting_view.hpp"
#include "ui/text_selection.hpp"

using namespace posemeet::ui;
using posemeet::ui::test::HeadlessUi;

namespace {

TileView tile(const std::string& id, const std::string& name, bool self) {
    TileView t;
    t.user_id = id;
    t.name = name;
    t.is_self = self;
    t.transport = self ? "" : "p2p";
    return t;
}

// Ann (u1, you) and Bob (u2) in a joined meeting.
MeetingView meeting(bool host = false) {
    MeetingView v;
    v.status = "joined";
    v.room_name = "standup";
    v.self_id = "u1";
    v.i_am_host = host;
    v.tiles = {tile("u1", "Ann", true), tile("u2", "Bob", false)};
    v.tiles[0].is_host = host;
    v.mic_state = "live";
    return v;
}

// The one room action asked for, as type A (fails the test otherwise).
template <class A>
A only_action(const Intents& intents) {
    REQUIRE(intents.room_actions.size() == 1);
    const A* a = std::get_if<A>(&intents.room_actions[0]);
    REQUIRE(a != nullptr);
    return *a;
}

}  // namespace

TEST_SUITE_BEGIN("meeting_ui");

TEST_CASE("the join screen joins with the typed name and room") {
    HeadlessUi ui;
    MeetingView v;
    v.status = "idle";
    v.default_room = "standup";
    ui.frames(v, 2);
    CHECK_FALSE(ui.frame(v).join);  // nothing until asked
    ui.click(v, "join/Your name");
    ui.type(v, "Ann");
    const Intents intents = ui.click(v, "join/Join");
    CHECK(intents.join);
    CHECK_FALSE(intents.join_new_meeting);
    CHECK(intents.join_name == "Ann");
    CHECK(intents.join_room == "standup");
    CHECK(intents.room_actions.empty());
}

TEST_CASE("Mute and Unmute set your own mic") {
    HeadlessUi ui;
    MeetingView v = meeting();
    v.my_mic = true;
    CHECK_FALSE(only_action<SetMyMic>(ui.click(v, "bar/Mute")).on);
    v.my_mic = false;
    ui.frame(v);
    CHECK_FALSE(ui.drawn("bar/Mute"));
    CHECK(only_action<SetMyMic>(ui.click(v, "bar/Unmute")).on);
}

TEST_CASE("while everyone is muted without self-unmute the mic button asks to speak") {
    HeadlessUi ui;
    MeetingView v = meeting();
    v.mic_blocked = true;
    ui.frame(v);
    CHECK_FALSE(ui.drawn("bar/Unmute"));
    only_action<AskToSpeak>(ui.click(v, "bar/Ask to speak"));
    v.mic_applying = true;  // asked: the button waits for the host's answer
    CHECK(ui.click(v, "bar/Asked to speak").room_actions.empty());
}

TEST_CASE("the camera button turns your camera the other way") {
    HeadlessUi ui;
    MeetingView v = meeting();
    CHECK(only_action<SetMyCamera>(ui.click(v, "bar/Camera on")).on);
    v.my_camera = true;
    CHECK_FALSE(only_action<SetMyCamera>(ui.click(v, "bar/Camera off")).on);
}

TEST_CASE("sharing: ask without permission, pick screen or whiteboard with it, stop") {
    HeadlessUi ui;
    MeetingView v = meeting();
    only_action<AskToShare>(ui.click(v, "bar/Ask to share"));
    v.may_share = true;
    CHECK(ui.click(v, "bar/Share").room_actions.empty());  // opens the menu
    CHECK(only_action<StartShare>(ui.click(v, "bar/share_menu/Share whiteboard")).kind ==
          ShareKind::Whiteboard);
    ui.click(v, "bar/Share");
    CHECK(only_action<StartShare>(ui.click(v, "bar/share_menu/Share screen")).kind ==
          ShareKind::Screen);
    v.i_am_sharing = true;
    only_action<StopShare>(ui.click(v, "bar/Stop sharing"));
}

TEST_CASE("the host's Mute all asks first whether participants may unmute themselves") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    CHECK(ui.click(v, "bar/Mute all").room_actions.empty());  // opens the popup
    CHECK(ui.drawn("bar/mute_all/Mute all"));
    CHECK(only_action<MuteAll>(ui.click(v, "bar/mute_all/Mute all")).allow_self_unmute);
    ui.frame(v);
    CHECK_FALSE(ui.drawn("bar/mute_all/Mute all"));  // closed

    ui.click(v, "bar/Mute all");
    ui.click(v, "bar/mute_all/Participants may unmute themselves");  // untick
    CHECK_FALSE(only_action<MuteAll>(ui.click(v, "bar/mute_all/Mute all")).allow_self_unmute);

    v.all_muted = true;
    only_action<AllowMics>(ui.click(v, "bar/Allow mics"));
}

TEST_CASE("a visitor has no host buttons") {
    HeadlessUi ui;
    const MeetingView v = meeting(false);
    ui.frame(v);
    CHECK(ui.drawn("bar/Leave"));
    CHECK_FALSE(ui.drawn("bar/Mute all"));
    CHECK_FALSE(ui.drawn("bar/End meeting"));
}

TEST_CASE("End meeting needs the confirmation") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    CHECK(ui.click(v, "bar/End meeting").room_actions.empty());
    CHECK(ui.click(v, "end_meeting/Cancel").room_actions.empty());
    ui.frame(v);
    CHECK_FALSE(ui.drawn("end_meeting/End for everyone"));  // cancelled: gone

    ui.click(v, "bar/End meeting");
    only_action<EndMeeting>(ui.click(v, "end_meeting/End for everyone"));
}

TEST_CASE("Leave leaves without a room action") {
    HeadlessUi ui;
    const Intents intents = ui.click(meeting(), "bar/Leave");
    CHECK(intents.leave);
    CHECK(intents.room_actions.empty());
}

TEST_CASE("the host's menu on a participant acts on that participant") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    v.tiles[1].mic = true;
    ui.click(v, "people/u2/...");
    const SetOtherMic mute = only_action<SetOtherMic>(ui.click(v, "people/u2/menu/Mute"));
    CHECK(mute.user_id == "u2");
    CHECK_FALSE(mute.on);

    v.tiles[1].mic = false;
    ui.click(v, "people/u2/...");
    CHECK(only_action<SetOtherMic>(ui.click(v, "people/u2/menu/Ask to unmute")).on);
    ui.click(v, "people/u2/...");
    const SetOtherCamera camera =
        only_action<SetOtherCamera>(ui.click(v, "people/u2/menu/Ask to turn camera on"));
    CHECK(camera.user_id == "u2");
    CHECK(camera.on);
    ui.click(v, "people/u2/...");
    const SetSharePermission share =
        only_action<SetSharePermission>(ui.click(v, "people/u2/menu/Allow sharing"));
    CHECK(share.user_id == "u2");
    CHECK(share.allowed);
    ui.click(v, "people/u2/...");
    CHECK(only_action<MakeHost>(ui.click(v, "people/u2/menu/Make host")).user_id == "u2");
}

TEST_CASE("a visitor's menu on a participant has no host controls") {
    HeadlessUi ui;
    const MeetingView v = meeting(false);
    ui.click(v, "people/u2/...");
    ui.frame(v);
    CHECK(ui.drawn("people/u2/menu/Volume"));
    CHECK(ui.drawn("people/u2/menu/Send a private message"));
    CHECK_FALSE(ui.drawn("people/u2/menu/Make host"));
    CHECK_FALSE(ui.drawn("people/u1/..."));  // no menu on yourself
}

TEST_CASE("the invited who are not here are listed under the participants, with where each stands") {
    HeadlessUi ui;
    MeetingView v = meeting();
    ui.frame(v);
    CHECK_FALSE(ui.drawn("people/invited/Cy:invited"));
    v.invitations = {{"Cy", "invited"}, {"Di", "declined"}, {"Eve", "missed"}};
    ui.frame(v);
    CHECK(ui.drawn("people/invited/Cy:invited"));
    CHECK(ui.drawn("people/invited/Di:declined"));
    CHECK(ui.drawn("people/invited/Eve:missed"));
}

TEST_CASE("chat: Enter sends to everyone, a private message goes to the chosen person") {
    HeadlessUi ui;
    const MeetingView v = meeting();
    ui.click(v, "chat/Message");
    ui.type(v, "hello");
    SendChat chat = only_action<SendChat>(ui.press_enter(v));
    CHECK(chat.text == "hello");
    CHECK(chat.to_user_id.empty());
    CHECK(ui.press_enter(v).room_actions.empty());  // the field was emptied
    ui.type(v, "and again");  // the field keeps the keyboard after a send: no click needed
    CHECK(only_action<SendChat>(ui.press_enter(v)).text == "and again");

    ui.click(v, "people/u2/...");
    ui.click(v, "people/u2/menu/Send a private message");
    ui.click(v, "chat/Message");
    ui.type(v, "psst");
    chat = only_action<SendChat>(ui.click(v, "chat/Send"));
    CHECK(chat.text == "psst");
    CHECK(chat.to_user_id == "u2");
}

TEST_CASE("the host answers requests to speak and to share") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    v.requests = {{"u2", "Bob", false}, {"u2", "Bob", true}};
    const AnswerSpeakRequest speak =
        only_action<AnswerSpeakRequest>(ui.click(v, "requests/u2/speak/Accept"));
    CHECK(speak.user_id == "u2");
    CHECK(speak.permit);
    const AnswerShareRequest share =
        only_action<AnswerShareRequest>(ui.click(v, "requests/u2/share/Deny"));
    CHECK(share.user_id == "u2");
    CHECK_FALSE(share.permit);
}

TEST_CASE("answering the host who asks you to unmute or turn on your camera") {
    HeadlessUi ui;
    MeetingView v = meeting();
    v.asked_mic_on = v.asked_camera_on = true;
    AnswerHostAsk answer = only_action<AnswerHostAsk>(ui.click(v, "host_asks/mic/Unmute"));
    CHECK(answer.device == Device::Mic);
    CHECK(answer.accept);
    answer = only_action<AnswerHostAsk>(ui.click(v, "host_asks/camera/Not now"));
    CHECK(answer.device == Device::Camera);
    CHECK_FALSE(answer.accept);
}

TEST_CASE("a narrow window opens People & chat over the tiles, and Close closes it") {
    HeadlessUi ui(360, 640);
    const MeetingView v = meeting(true);
    ui.frame(v);
    CHECK_FALSE(ui.drawn("chat/Send"));  // no room for the side column
    ui.click(v, "side_toggle/People & chat");
    ui.frame(v);
    CHECK(ui.drawn("chat/Send"));
    CHECK_FALSE(ui.drawn("side_toggle/People & chat"));
    CHECK(ui.drawn("bar/End meeting"));  // shortened to "End" to fit
    ui.click(v, "people/u2/...");
    CHECK(only_action<MakeHost>(ui.click(v, "people/u2/menu/Make host")).user_id == "u2");
    ui.click(v, "people/Close");
    ui.frame(v);
    CHECK_FALSE(ui.drawn("chat/Send"));
}

TEST_CASE("drawn controls are those of this frame only") {
    HeadlessUi ui;
    MeetingView v = meeting();
    ui.frame(v);
    CHECK(ui.drawn("bar/Unmute"));
    CHECK(ui.drawn("chat/Send"));
    v.status = "idle";
    ui.frame(v);
    CHECK_FALSE(ui.drawn("bar/Unmute"));
    CHECK(ui.drawn("join/Join"));
}

TEST_CASE("copy and cut read the selection of the field being edited, in UTF-8") {
    HeadlessUi ui;
    const MeetingView v = meeting();
    CHECK(active_text_selection().empty());  // no field active
    ui.click(v, "chat/Message");
    ui.type(v, "你好 world");
    CHECK(active_text_selection().empty());  // nothing selected yet
    ImGui::GetCurrentContext()->InputTextState.SelectAll();
    CHECK(active_text_selection() == "你好 world");
    ImGui::GetCurrentContext()->InputTextState.Stb.select_start = 1;
    ImGui::GetCurrentContext()->InputTextState.Stb.select_end = 4;
    CHECK(active_text_selection() == "好 w");
}

// The top bar's own controls (not those of its popups), by name, as the last frame drew them.
std::map<std::string, ImRect> bar_controls(HeadlessUi& ui) {
    std::map<std::string, ImRect> out;
    for (const auto& [name, r] : ui.ui().drawn_controls())
        if (name.rfind("bar/", 0) == 0 && name.find('/', 4) == std::string::npos) out[name.substr(4)] = r;
    return out;
}

TEST_CASE("the top bar fits every width from 320 px: nothing overlaps or leaves it, every action is reachable") {
    for (const float width : {320.0f, 400.0f, 768.0f, 1280.0f, 1920.0f}) {
        for (const bool host : {false, true}) {
            CAPTURE(width);
            CAPTURE(host);
            HeadlessUi ui(width, 700);
            const MeetingView v = meeting(host);
            ui.frames(v, 2);
            const auto bar = bar_controls(ui);
            for (const auto& [name, r] : bar) {
                CAPTURE(name);
                CHECK(r.Min.x >= 0);
                CHECK(r.Max.x <= width);
                CHECK(r.Max.y <= 48);
                for (const auto& [other, o] : bar)
                    if (other != name) CHECK_FALSE(r.Overlaps(o));
            }
            std::set<std::string> in_more;
            if (bar.count("More")) {
                ui.click(v, "bar/More");
                for (const auto& [name, r] : ui.ui().drawn_controls())
                    if (name.rfind("bar/more/", 0) == 0) in_more.insert(name.substr(9));
            }
            std::vector<std::string> actions = {"Unmute", "Microphone settings", "Camera on", "Camera settings",
                                                "Ask to share", "Settings", "Leave"};
            if (host) actions.insert(actions.end(), {"Mute all", "End meeting"});
            for (const auto& a : actions) {
                CAPTURE(a);
                CHECK((bar.count(a) + in_more.count(a)) == 1);
            }
            if (width >= 1280) CHECK(in_more.empty());  // a desktop window shows everything
        }
    }
}

TEST_CASE("the actions in More do what their buttons do") {
    MeetingView v = meeting(true);
    v.may_share = true;
    // Every width from phone to tablet where More holds something.
    int widths_with_more = 0, tested_actions = 0;
    for (float width = 200; width <= 900; width += 20) {
        CAPTURE(width);
        HeadlessUi ui(width, 640);
        ui.frames(v, 2);
        if (!ui.drawn("bar/More")) continue;
        ++widths_with_more;
        ui.click(v, "bar/More");
        const bool camera = ui.drawn("bar/more/Camera on"), mute_all = ui.drawn("bar/more/Mute all"),
                   share = ui.drawn("bar/more/Share");
        tested_actions += camera + mute_all + share;
        bool any = false;  // More is never empty
        for (const auto& [name, r] : ui.ui().drawn_controls()) any = any || name.rfind("bar/more/", 0) == 0;
        CHECK(any);
        if (camera) CHECK(only_action<SetMyCamera>(ui.click(v, "bar/more/Camera on")).on);
        if (mute_all) {
            if (camera) ui.click(v, "bar/More");
            CHECK(ui.click(v, "bar/more/Mute all").room_actions.empty());  // asks first, as its button does
            CHECK(only_action<MuteAll>(ui.click(v, "bar/mute_all/Mute all")).allow_self_unmute);
        }
        if (share) {
            ui.click(v, "bar/More");
            ui.click(v, "bar/more/Share");
            CHECK(only_action<StartShare>(ui.click(v, "bar/share_menu/Share screen")).kind == ShareKind::Screen);
        }
    }
    CHECK(widths_with_more > 0);
    CHECK(tested_actions > 0);
}

TEST_CASE("Escape closes every popup; a popup opens below its button, not over it") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    v.may_share = true;
    v.input_devices = {{"mic1", "Desk microphone"}};
    const std::pair<const char*, const char*> popups[] = {
        {"bar/Microphone settings", "bar/audio_menu/Desk microphone"},
        {"bar/Camera settings", "bar/camera_menu/Show my camera"},
        {"bar/Settings", "bar/settings/Light"},
        {"bar/Share", "bar/share_menu/Share screen"},
        {"bar/Mute all", "bar/mute_all/Mute all"},
        {"people/u2/...", "people/u2/menu/Volume"},
    };
    for (const auto& [opener_name, inside_name] : popups) {
        const std::string opener = opener_name, inside = inside_name;
        CAPTURE(opener);
        ui.click(v, opener);
        ui.frame(v);
        REQUIRE(ui.drawn(inside));
        const ImRect button = ui.ui().drawn_controls().at(opener);
        const ImRect item = ui.ui().drawn_controls().at(inside);
        CHECK(item.Min.y > button.Max.y);  // below: the button stays visible
        ui.press_escape(v);
        ui.frame(v);
        CHECK_FALSE(ui.drawn(inside));
    }
}

TEST_CASE("ending the meeting: a red button Enter confirms, Escape cancels") {
    HeadlessUi ui;
    const MeetingView v = meeting(true);
    ui.click(v, "bar/End meeting");
    ui.frame(v);
    REQUIRE(ui.drawn("end_meeting/End for everyone"));
    CHECK(ui.press_escape(v).room_actions.empty());
    ui.frame(v);
    CHECK_FALSE(ui.drawn("end_meeting/End for everyone"));
    ui.click(v, "bar/End meeting");
    ui.frame(v);
    only_action<EndMeeting>(ui.press_enter(v));
    ui.frame(v);
    CHECK_FALSE(ui.drawn("end_meeting/End for everyone"));
}

TEST_CASE("Ctrl+D toggles your microphone and Ctrl+E your camera, as in other meeting apps") {
    HeadlessUi ui;
    constexpr int kD = 68, kE = 69;
    ui.ui().set_shortcut_keys(kD, kE);
    MeetingView v = meeting();
    CHECK(only_action<SetMyMic>(ui.press_ctrl(v, kD)).on);
    v.my_mic = true;
    CHECK_FALSE(only_action<SetMyMic>(ui.press_ctrl(v, kD)).on);
    CHECK(only_action<SetMyCamera>(ui.press_ctrl(v, kE)).on);
    v.my_camera = true;
    CHECK_FALSE(only_action<SetMyCamera>(ui.press_ctrl(v, kE)).on);
}

TEST_CASE("what the access token does not include stays off: mic, camera, sharing and chat") {
    HeadlessUi ui;
    constexpr int kD = 68, kE = 69;
    ui.ui().set_shortcut_keys(kD, kE);
    MeetingView v = meeting();
    v.may_share = true;
    v.granted.mic = v.granted.camera = v.granted.screen = v.granted.data = false;
    CHECK(ui.click(v, "bar/Unmute").room_actions.empty());
    CHECK(ui.click(v, "bar/Camera on").room_actions.empty());
    CHECK(ui.press_ctrl(v, kD).room_actions.empty());
    CHECK(ui.press_ctrl(v, kE).room_actions.empty());
    ui.click(v, "bar/Share");
    ui.frame(v);
    CHECK_FALSE(ui.drawn("bar/share_menu/Share screen"));  // the menu did not open
    ui.click(v, "chat/Message");
    ui.type(v, "hello");
    CHECK(ui.press_enter(v).room_actions.empty());
    CHECK(ui.click(v, "chat/Send").room_actions.empty());
    // Turning off what is on always works (the operator may have just taken it away).
    v.my_mic = v.my_camera = true;
    CHECK_FALSE(only_action<SetMyMic>(ui.click(v, "bar/Mute")).on);
    CHECK_FALSE(only_action<SetMyCamera>(ui.click(v, "bar/Camera off")).on);
}

TEST_CASE("Settings: the theme follows the system, or is always dark or light") {
    HeadlessUi ui;
    MeetingView v = meeting();
    ui.click(v, "bar/Settings");
    CHECK(ui.click(v, "bar/settings/Light").theme == std::optional<std::string>("light"));
    v.theme_choice = "light";
    ui.click(v, "bar/Settings");
    CHECK(ui.click(v, "bar/settings/Follow the system").theme == std::optional<std::string>("system"));
}

TEST_CASE("a long name is shortened to fit its row, and a right-click on a row opens that person's menu") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    v.tiles[1].name = "Bartholomew Fitzgerald-Montgomery the Third, Head of Everything";
    v.tiles[1].wants_to_speak = true;
    ui.frames(v, 2);
    const ImRect row = ui.ui().drawn_controls().at("people/u2/row");
    const ImRect menu = ui.ui().drawn_controls().at("people/u2/...");
    CHECK(row.Max.x <= 1280);
    CHECK(menu.Max.x <= 1280);
    CHECK(menu.Min.x > row.Min.x + 100);  // the menu button is at the end of the row, not pushed off it
    ui.click(v, "people/u2/row", /*right button*/ 1);
    ui.frame(v);
    CHECK(ui.drawn("people/u2/menu/Mute") != ui.drawn("people/u2/menu/Ask to unmute"));
}

TEST_CASE("a tile's menu: hover shows its button, right-click opens it; Pin shows that person large") {
    HeadlessUi ui;
    MeetingView v = meeting(true);
    v.tiles.push_back(v.tiles[1]);
    v.tiles[2].user_id = "u3";
    v.tiles[2].name = "Cat";
    ui.frames(v, 2);
    CHECK_FALSE(ui.drawn("tile/u2/..."));  // only while hovered
    ImGui::GetIO().MousePos = ui.ui().drawn_controls().at("tile/u2").GetCenter();
    ui.frames(v, 2);
    CHECK(ui.drawn("tile/u2/..."));
    ui.click(v, "tile/u2", /*right button*/ 1);
    ui.frame(v);
    REQUIRE(ui.drawn("tile/u2/menu/Pin"));
    CHECK(ui.drawn("tile/u2/menu/Volume"));
    CHECK(ui.drawn("tile/u2/menu/Mute") != ui.drawn("tile/u2/menu/Ask to unmute"));  // the host's controls
    ui.click(v, "tile/u2/menu/Pin");
    ui.frames(v, 2);
    const auto& drawn = ui.ui().drawn_controls();
    const float big = drawn.at("tile/u2").GetWidth() * drawn.at("tile/u2").GetHeight();
    CHECK(big > 3 * drawn.at("tile/u1").GetWidth() * drawn.at("tile/u1").GetHeight());
    CHECK(big > 3 * drawn.at("tile/u3").GetWidth() * drawn.at("tile/u3").GetHeight());
    // Back to the grid from Settings: equal tiles again.
    ui.click(v, "bar/Settings");
    ui.click(v, "bar/settings/Grid view");
    ui.frames(v, 2);
    CHECK(ui.ui().drawn_controls().at("tile/u2").GetWidth() ==
          doctest::Approx(ui.ui().drawn_controls().at("tile/u1").GetWidth()).epsilon(0.5));
}

TEST_SUITE_END();
