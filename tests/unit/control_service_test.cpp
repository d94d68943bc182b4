// control_service: event dispatch, error codes, signalling and disconnects across rooms.
#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "core/control_service.hpp"
#include "control_test_support.hpp"

using namespace posemeet;
using protocol::Request;
using namespace posemeet::test;

namespace {
// The ids of the member records the relay hands a packet to (ControlService::relay_recipients).
std::vector<std::string> user_ids(const std::vector<const UserRecord*>& members) {
    std::vector<std::string> ids;
    for (const UserRecord* m : members) ids.push_back(m->user_id);
    return ids;
}

constexpr std::int64_t kNow = 1'700'000'000'000;


struct Service {
    int counter = 0;
    ControlService svc;

    explicit Service(ServiceConfig config = {})
        : svc(config, [this] { return "user-" + std::to_string(++counter); }) {}

    ControlResult join(ConnectionState& c, const std::string& room, const std::string& name,
                       std::int64_t now = kNow) {
        return svc.handle(c, make("vcJoinRoom", Json{{"room_id", room}, {"user_name", name}}), now);
    }
};

std::vector<const Delivery*> deliveries_of(const ControlResult& r, const std::string& event) {
    std::vector<const Delivery*> out;
    for (const auto& d : r.deliveries)
        if (d.message["event"] == event) out.push_back(&d);
    return out;
}

}  // namespace

TEST_SUITE_BEGIN("control_service");

TEST_CASE("join creates the room, assigns a user id and replies with room, user and user_list") {
    Service s;
    ConnectionState c;
    ControlResult r = s.svc.handle(
        c, make("vcJoinRoom", Json{{"room_id", "r1"}, {"room_name", "Daily"}, {"user_name", "Alice"}},
                "join-1"),
        kNow);
    CHECK(code_of(r) == 200);
    CHECK(r.reply["message_type"] == "return");
    CHECK(r.reply["request_id"] == "join-1");
    CHECK(r.reply["timestamp"] == kNow);
    CHECK(r.reply["response"]["room"]["room_id"] == "r1");
    CHECK(r.reply["response"]["room"]["room_name"] == "Daily");
    CHECK(r.reply["response"]["user"]["user_id"] == "user-1");
    CHECK(r.reply["response"]["user"]["user_role"] == 1);
    CHECK(r.reply["response"]["user_list"].size() == 1);
    CHECK(c.joined());
    CHECK(c.room_id == "r1");
    CHECK(c.user_id == "user-1");
    CHECK(s.svc.room_count() == 1);
    CHECK(s.svc.participant_count() == 1);
    CHECK(r.deliveries.empty());
    // Without room_name the room is named after its id.
    ConnectionState c2;
    s.join(c2, "r2", "Bob");
    CHECK(s.svc.find_room("r2")->record().room_name == "r2");
}

TEST_CASE("a second joiner is announced to the first with vcOnJoinRoom") {
    Service s;
    ConnectionState a, b;
    s.join(a, "r1", "Alice");
    ControlResult r = s.join(b, "r1", "Bob");
    REQUIRE(code_of(r) == 200);
    auto joins = deliveries_of(r, "vcOnJoinRoom");
    REQUIRE(joins.size() == 1);
    CHECK(joins[0]->user_id == a.user_id);
    CHECK(joins[0]->message["message_type"] == "inform");
    CHECK(joins[0]->message["data"]["user"]["user_id"] == b.user_id);
    CHECK(joins[0]->message["data"]["user_count"] == 2);
    CHECK(joins[0]->message["timestamp"] == kNow);
}

TEST_CASE("vcSetMediaReceive: a member sets this connection's pose rate wish, within 0-30; nobody else hears of it") {
    Service s;
    ConnectionState a, b, outsider;
    s.join(a, "r1", "Alice");
    s.join(b, "r1", "Bob");
    ControlResult r = s.svc.handle(a, make("vcSetMediaReceive", Json{{"pose_hz", 10}}), kNow);
    CHECK(code_of(r) == 200);
    CHECK(a.max_pose_hz == 10);
    CHECK(b.max_pose_hz == 0);
    CHECK(r.deliveries.empty());
    for (const Json& bad : {Json{{"pose_hz", 31}}, Json{{"pose_hz", -1}}, Json{{"pose_hz", "10"}}, Json{{"pose_hz", 2.5}},
                            Json::object()}) {
        INFO(bad.dump());
        CHECK(code_of(s.svc.handle(a, make("vcSetMediaReceive", bad), kNow)) == 400);
    }
    CHECK(a.max_pose_hz == 10);  // a refused wish changes nothing
    CHECK(code_of(s.svc.handle(a, make("vcSetMediaReceive", Json{{"pose_hz", 0}}), kNow)) == 200);
    CHECK(a.max_pose_hz == 0);
    CHECK(code_of(s.svc.handle(outsider, make("vcSetMediaReceive", Json{{"pose_hz", 10}}), kNow)) == 420);
}

TEST_CASE("vcSetMediaReceive visible: the members on screen, checked and stored for this connection") {
    Service s;
    ConnectionState a, b, c;
    s.join(a, "r1", "Alice");
    s.join(b, "r1", "Bob");
    s.join(c, "r1", "Cleo");
    CHECK_FALSE(a.visible_members.named());
    ControlResult r = s.svc.handle(a, make("vcSetMediaReceive", Json{{"visible", {c.user_id, b.user_id, c.user_id}}}), kNow);
    CHECK(code_of(r) == 200);
    CHECK(r.deliveries.empty());
    CHECK(a.visible_members.named());
    CHECK(a.visible_members.user_ids() == std::vector<std::string>{b.user_id, c.user_id});  // sorted, once each
    CHECK(response_of(r)["visible"] == Json{b.user_id, c.user_id});
    CHECK(response_of(r)["pose_hz"] == 0);
    CHECK_FALSE(b.visible_members.named());
    // pose_hz alone leaves the list as it is, and the other way round.
    CHECK(code_of(s.svc.handle(a, make("vcSetMediaReceive", Json{{"pose_hz", 10}}), kNow)) == 200);
    CHECK(a.visible_members.contains(c.user_id));
    CHECK(code_of(s.svc.handle(a, make("vcSetMediaReceive", Json{{"visible", Json::array()}}), kNow)) == 200);
    CHECK(a.max_pose_hz == 10);
    CHECK(a.visible_members.named());  // nobody on screen: everyone at the low rate
    CHECK(a.visible_members.user_ids().empty());

    // Garbage is refused and changes nothing: not a list, not strings, too many, unknown ids.
    s.svc.handle(a, make("vcSetMediaReceive", Json{{"visible", {b.user_id}}}), kNow);
    Json too_many = Json::array();
    for (std::size_t i = 0; i <= kMaxVisibleMembers; ++i) too_many.push_back(b.user_id);
    for (const Json& bad : {Json{{"visible", "Bob"}}, Json{{"visible", {1, 2}}}, Json{{"visible", {""}}},
                            Json{{"visible", {std::string(65, 'x')}}}, Json{{"visible", Json::object()}},
                            Json{{"visible", too_many}}, Json{{"visible", {b.user_id}}, {"pose_hz", 99}}}) {
        INFO(bad.dump().substr(0, 80));
        CHECK(code_of(s.svc.handle(a, make("vcSetMediaReceive", bad), kNow)) == 400);
    }
    ControlResult unknown =
        s.svc.handle(a, make("vcSetMediaReceive", Json{{"visible", {c.user_id, "user-99"}}}), kNow);
    CHECK(code_of(unknown) == 404);
    CHECK(message_of(unknown).find("user-99") != std::string::npos);
    CHECK(a.visible_members.user_ids() == std::vector<std::string>{b.user_id});
    CHECK(a.max_pose_hz == 10);

    // null clears it: everyone at the full rate again.
    r = s.svc.handle(a, make("vcSetMediaReceive", Json{{"visible", nullptr}}), kNow);
    CHECK(code_of(r) == 200);
    CHECK_FALSE(a.visible_members.named());
    CHECK(response_of(r)["visible"].is_null());
}

TEST_CASE("join with bad content is refused with 400 and leaves no trace") {
    Service s;
    const Json bad[] = {
        Json{{"user_name", "Alice"}},                                  // missing room_id
        Json{{"room_id", ""}, {"user_name", "Alice"}},                 // empty room_id
        Json{{"room_id", 7}, {"user_name", "Alice"}},                  // room_id not a string
        Json{{"room_id", std::string(kMaxRoomIdBytes + 1, 'r')}, {"user_name", "Alice"}},
        Json{{"room_id", "r1"}},                                       // missing user_name
        Json{{"room_id", "r1"}, {"user_name", ""}},
        Json{{"room_id", "r1"}, {"user_name", "Alice"}, {"camera", "x"}},
        Json{{"room_id", "r1"}, {"user_name", "Alice"}, {"camera", 2}},
        Json{{"room_id", "r1"}, {"user_name", "Alice"}, {"camera", -1}},
        Json{{"room_id", "r1"}, {"user_name", std::string("\xC0\xAF")}},
        Json{{"room_id", "r1"}, {"room_name", 5}, {"user_name", "Alice"}},
    };
    for (const Json& content : bad) {
        INFO(content.dump(-1, ' ', true, Json::error_handler_t::replace));
        ConnectionState c;
        ControlResult r = s.svc.handle(c, make("vcJoinRoom", content, "j"), kNow);
        CHECK(code_of(r) == 400);
        CHECK(r.reply["request_id"] == "j");
        CHECK_FALSE(r.reply["message"].get<std::string>().empty());
        CHECK_FALSE(c.joined());
        CHECK(r.deliveries.empty());
    }
    CHECK(s.svc.room_count() == 0);
    CHECK(s.svc.participant_count() == 0);
}

TEST_CASE("any other event before joining is refused with 420") {
    Service s;
    for (const char* ev : {"vcLeaveRoom", "vcGetUserList", "vcResync", "vcSignal", "vcNoSuchThing"}) {
        INFO(ev);
        ConnectionState c;
        ControlResult r = s.svc.handle(c, make(ev, Json{{"to_user_id", "x"}, {"signal", Json::object()}}), kNow);
        CHECK(code_of(r) == 420);
        CHECK(r.deliveries.empty());
        CHECK_FALSE(c.joined());
    }
}

TEST_CASE("unknown events after joining are refused with 405") {
    Service s;
    ConnectionState c;
    s.join(c, "r1", "Alice");
    ControlResult r = s.svc.handle(c, make("vcDance", {}, "d1"), kNow);
    CHECK(code_of(r) == 405);
    CHECK(r.reply["request_id"] == "d1");
    CHECK(c.joined());  // still in the room
}

TEST_CASE("joining twice on one connection is refused with 421") {
    Service s;
    ConnectionState c;
    s.join(c, "r1", "Alice");
    const std::string first_user = c.user_id;
    ControlResult r = s.join(c, "r2", "Alice again");
    CHECK(code_of(r) == 421);
    CHECK(c.room_id == "r1");
    CHECK(c.user_id == first_user);
    CHECK(s.svc.room_count() == 1);
    CHECK(s.svc.participant_count() == 1);
}

TEST_CASE("a full room is refused with 401 and the connection stays outside") {
    ServiceConfig config;
    config.room_limits.max_participants = 2;
    Service s(config);
    ConnectionState a, b, c;
    s.join(a, "r1", "A");
    s.join(b, "r1", "B");
    ControlResult r = s.join(c, "r1", "C");
    CHECK(code_of(r) == 401);
    CHECK_FALSE(c.joined());
    CHECK(s.svc.participant_count() == 2);
    CHECK(deliveries_of(r, "vcOnJoinRoom").empty());
}

TEST_CASE("vcGetUserList and vcResync return the room as it is") {
    Service s;
    ConnectionState a, b;
    s.join(a, "r1", "Alice", kNow);
    s.join(b, "r1", "Bob", kNow);  // same ms: still ordered by join
    ControlResult list = s.svc.handle(b, make("vcGetUserList", {}, "l1"), kNow + 5);
    CHECK(code_of(list) == 200);
    CHECK(list.reply["response"]["user_count"] == 2);
    REQUIRE(list.reply["response"]["user_list"].size() == 2);
    CHECK(list.reply["response"]["user_list"][0]["user_id"] == a.user_id);
    CHECK(list.reply["response"]["user_list"][1]["user_id"] == b.user_id);

    ControlResult sync = s.svc.handle(b, make("vcResync", {}, "s1"), kNow + 6);
    CHECK(code_of(sync) == 200);
    CHECK(sync.reply["response"]["room"]["room_id"] == "r1");
    CHECK(sync.reply["response"]["user"]["user_id"] == b.user_id);
    CHECK(sync.reply["response"]["user"]["user_role"] == 0);
    CHECK(sync.reply["response"]["user_list"].size() == 2);
    CHECK(sync.deliveries.empty());
}

TEST_CASE("vcSignal is delivered only to the named member of the same room") {
    Service s;
    ConnectionState a, b, c, other;
    s.join(a, "r1", "A");
    s.join(b, "r1", "B");
    s.join(c, "r1", "C");
    s.join(other, "r2", "Other");
    const Json sdp = {{"type", "offer"}, {"sdp", "v=0..."}};

    ControlResult r = s.svc.handle(a, make("vcSignal", Json{{"to_user_id", b.user_id}, {"signal", sdp}}, "sig"), kNow);
    CHECK(code_of(r) == 200);
    REQUIRE(r.deliveries.size() == 1);
    CHECK(r.deliveries[0].user_id == b.user_id);
    const Json& m = r.deliveries[0].message;
    CHECK(m["message_type"] == "inform");
    CHECK(m["event"] == "vcOnSignal");
    CHECK(m["data"]["from_user_id"] == a.user_id);
    CHECK(m["data"]["room_id"] == "r1");
    CHECK(m["data"]["signal"] == sdp);

    SUBCASE("a user in another room is not reachable (404)") {
        ControlResult x = s.svc.handle(a, make("vcSignal", Json{{"to_user_id", other.user_id}, {"signal", sdp}}), kNow);
        CHECK(code_of(x) == 404);
        CHECK(x.deliveries.empty());
    }
    SUBCASE("signalling yourself is refused (404)") {
        ControlResult x = s.svc.handle(a, make("vcSignal", Json{{"to_user_id", a.user_id}, {"signal", sdp}}), kNow);
        CHECK(code_of(x) == 404);
        CHECK(x.deliveries.empty());
    }
    SUBCASE("an unknown user is refused (404)") {
        ControlResult x = s.svc.handle(a, make("vcSignal", Json{{"to_user_id", "ghost"}, {"signal", sdp}}), kNow);
        CHECK(code_of(x) == 404);
        CHECK(x.deliveries.empty());
    }
    SUBCASE("an oversized signal is refused (413)") {
        const Json huge = {{"sdp", std::string(17 * 1024, 'x')}};
        ControlResult x = s.svc.handle(a, make("vcSignal", Json{{"to_user_id", b.user_id}, {"signal", huge}}), kNow);
        CHECK(code_of(x) == 413);
        CHECK(x.deliveries.empty());
    }
    SUBCASE("missing recipient or non-object signal is refused (400)") {
        CHECK(code_of(s.svc.handle(a, make("vcSignal", Json{{"signal", sdp}}), kNow)) == 400);
        CHECK(code_of(s.svc.handle(a, make("vcSignal", Json{{"to_user_id", b.user_id}}), kNow)) == 400);
        CHECK(code_of(s.svc.handle(a, make("vcSignal", Json{{"to_user_id", b.user_id}, {"signal", "sdp"}}), kNow)) == 400);
    }
}

TEST_CASE("vcLeaveRoom replies, notifies the others, and the connection can join again") {
    Service s;
    ConnectionState a, b;
    s.join(a, "r1", "A");
    s.join(b, "r1", "B");
    const std::string old_b = b.user_id;
    ControlResult r = s.svc.handle(b, make("vcLeaveRoom", {}, "bye"), kNow);
    CHECK(code_of(r) == 200);
    auto leaves = deliveries_of(r, "vcOnLeaveRoom");
    REQUIRE(leaves.size() == 1);
    CHECK(leaves[0]->user_id == a.user_id);
    CHECK(leaves[0]->message["data"]["user"]["user_id"] == old_b);
    CHECK_FALSE(b.joined());
    CHECK(code_of(s.svc.handle(b, make("vcGetUserList"), kNow)) == 420);
    CHECK(code_of(s.join(b, "r1", "B")) == 200);
    CHECK(s.svc.participant_count() == 2);
}

TEST_CASE("disconnect tells the others and deletes a room once it is empty") {
    Service s;
    ConnectionState a, b, c;
    s.join(a, "r1", "A");
    s.join(b, "r1", "B");
    s.join(c, "r2", "C");
    CHECK(s.svc.room_count() == 2);

    const std::string a_id = a.user_id;
    auto out = s.svc.disconnect(a, kNow);  // the host drops
    CHECK_FALSE(a.joined());
    bool saw_leave = false, saw_host = false;
    for (const auto& d : out) {
        CHECK(d.user_id == b.user_id);
        if (d.message["event"] == "vcOnLeaveRoom") {
            saw_leave = true;
            CHECK(d.message["data"]["user"]["user_id"] == a_id);
            CHECK(d.message["data"]["user_count"] == 1);
        }
        if (d.message["event"] == "vcOnHostChange") {
            saw_host = true;
            CHECK(d.message["data"]["user_id"] == b.user_id);
        }
    }
    CHECK(saw_leave);
    CHECK(saw_host);
    CHECK(s.svc.room_count() == 2);

    CHECK(s.svc.disconnect(b, kNow).empty());  // last one out: nobody to tell
    CHECK(s.svc.room_count() == 1);
    CHECK(s.svc.find_room("r1") == nullptr);
    CHECK(s.svc.disconnect(c, kNow).empty());
    CHECK(s.svc.room_count() == 0);
    CHECK(s.svc.participant_count() == 0);
    // Disconnecting a connection that never joined is harmless.
    ConnectionState never;
    CHECK(s.svc.disconnect(never, kNow).empty());
}

TEST_CASE("relay_recipients stamps the sender's media id and refuses non-members") {
    Service s;
    ConnectionState native, web, outsider;
    s.svc.handle(native, make("vcJoinRoom", Json{{"room_id", "r1"}, {"user_name", "bot"}, {"media_relay", 1}}), kNow);
    s.join(web, "r1", "web");
    std::uint16_t mid = 0;
    auto to = user_ids(s.svc.relay_recipients(native, {}, MediaKind::Pose, mid));
    CHECK(to == std::vector<std::string>{web.user_id});
    CHECK(mid == s.svc.find_room("r1")->find(native.user_id)->media_id);
    std::uint16_t none = 0;
    CHECK(s.svc.relay_recipients(outsider, {}, MediaKind::Pose, none).empty());
}

TEST_CASE("the relay carries audio only from members whose mic the room has on") {
    Service s;
    ConnectionState host, bot;
    s.join(host, "r1", "host");
    s.svc.handle(bot, make("vcJoinRoom", Json{{"room_id", "r1"}, {"user_name", "bot"}, {"media_relay", 1},
                                               {"mic", 1}}), kNow);
    std::uint16_t mid = 0;
    CHECK(user_ids(s.svc.relay_recipients(bot, {}, MediaKind::Audio, mid)) == std::vector<std::string>{host.user_id});
    // The host mutes everyone: from that moment the relay drops the bot's audio, pose still flows.
    s.svc.handle(host, make("vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}}), kNow);
    CHECK(s.svc.relay_recipients(bot, {}, MediaKind::Audio, mid).empty());
    CHECK(user_ids(s.svc.relay_recipients(bot, {}, MediaKind::Pose, mid)) == std::vector<std::string>{host.user_id});
    // Lifting it does not unmute anyone; the bot turns its mic on itself, and audio flows again.
    s.svc.handle(host, make("vcOperateAllMic", Json{{"operate", 1}}), kNow);
    CHECK(s.svc.relay_recipients(bot, {}, MediaKind::Audio, mid).empty());
    s.svc.handle(bot, make("vcOperateSelfMic", Json{{"operate", 1}}), kNow);
    CHECK(user_ids(s.svc.relay_recipients(bot, {}, MediaKind::Audio, mid)) == std::vector<std::string>{host.user_id});
    s.svc.handle(bot, make("vcOperateSelfMic", Json{{"operate", 0}}), kNow);
    CHECK(s.svc.relay_recipients(bot, {}, MediaKind::Audio, mid).empty());
}

TEST_CASE("a deeply nested vcSignal from a member is refused without crashing the server") {
    // ControlService::signal() calls dump() on the signal before checking its size, and
    // dump() recurses once per nesting level. A 2 MB message of [[[...]]] overflows an 8 MB
    // stack in every build; at the server's default 64 KB message cap (depth 32k) a Debug or
    // ASan build, or a thread with a 1 MB stack, already crashes. The cap is configurable
    // up to 16 MB. Run in a child process so a stack overflow fails this test, not the binary.
    constexpr int kDepth = 1'000'000;
    std::string text = R"({"v":1,"event_name":"vcSignal","request_id":"deep","content":{"to_user_id":"user-2","signal":{"a":)";
    text += std::string(kDepth, '[') + std::string(kDepth, ']') + "}}}";
    std::fflush(nullptr);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        // doctest's crash handlers would report from inside the child; let it just die.
        for (int sig : {SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE}) std::signal(sig, SIG_DFL);
        Service s;
        ConnectionState a, b;
        s.join(a, "r1", "A");
        s.join(b, "r1", "B");
        auto parsed = protocol::parse_request(text);
        if (std::holds_alternative<protocol::RequestError>(parsed)) _exit(0);  // refused early: fine
        ControlResult r = s.svc.handle(a, std::get<protocol::Request>(parsed), kNow);
        const int code = code_of(r);
        _exit(code == 400 || code == 413 ? 0 : 3);
    }
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    INFO("child " << (WIFSIGNALED(status) ? "killed by signal " + std::to_string(WTERMSIG(status))
                                          : "exited with " + std::to_string(WEXITSTATUS(status))));
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_SUITE_END();
