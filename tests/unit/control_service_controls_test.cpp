// control_service_controls: the meeting-control events as a client sends them through
// ControlService::handle - content validation (400 naming the field), permission (410),
// unknown users (404), the exact deliveries (event, recipients, data) in order, ending a
// meeting (422 for whoever is left), chat with history, and room_state in join/resync.
//
// trace() renders a result's deliveries as "event[recipients] event[...]": consecutive
// deliveries of the same inform envelope are one notification, its recipients are sorted
// and shown by name (host, alice, bob, ...), so order, recipients and duplicates are all
// compared exactly.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/control_service.hpp"
#include "control_test_support.hpp"

using namespace posemeet;
using protocol::Request;
using namespace posemeet::test;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr const char* kRoom = "r1";


std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// A meeting in room r1: host (first), then alice and bob. Every connection has a name so
// traces read "vcOnX[alice,bob,host]".
struct Meeting {
    int counter = 0;
    ControlService svc;
    ConnectionState host, alice, bob;
    std::map<std::string, std::string> names;  // user id -> name

    Meeting() : svc(ServiceConfig{}, [this] { return "user-" + std::to_string(++counter); }) {
        join(host, "host");
        join(alice, "alice");
        join(bob, "bob");
    }

    ControlResult join(ConnectionState& c, const std::string& name, Json extra = Json::object(),
                       std::int64_t now = kNow) {
        Json content{{"room_id", kRoom}, {"user_name", name}, {"mic", 1}, {"camera", 1}};
        for (auto it = extra.begin(); it != extra.end(); ++it) content[it.key()] = it.value();
        ControlResult r = svc.handle(c, make("vcJoinRoom", content, "join"), now);
        if (code_of(r) == 200) names[c.user_id] = name;
        return r;
    }

    ControlResult call(ConnectionState& c, const std::string& event, Json content = Json::object(),
                       std::int64_t now = kNow) {
        return svc.handle(c, make(event, std::move(content)), now);
    }

    const Room& room() const {
        const Room* r = svc.find_room(kRoom);
        REQUIRE(r != nullptr);
        return *r;
    }
    const UserRecord& user(const ConnectionState& c) const {
        const UserRecord* u = room().find(c.user_id);
        REQUIRE(u != nullptr);
        return *u;
    }
    std::string name(const std::string& id) const {
        auto it = names.find(id);
        return it == names.end() ? id : it->second;
    }

    // Recipients by name (see test::trace).
    std::string trace(const ControlResult& r) const {
        return test::trace(r.deliveries, [this](const std::string& id) { return name(id); });
    }

    // Everything a request could change, to prove a refused one changed nothing.
    Json snapshot() const {
        const Room& r = room();
        return Json{{"users", r.user_list_json()},
                    {"record", r.record().to_json()},
                    {"host", r.controls_json(host.user_id)},
                    {"alice", r.controls_json(alice.user_id)},
                    {"bob", r.controls_json(bob.user_id)},
                    {"chat", r.chat_history_json()}};
    }
};

// The data of the n-th distinct notification in a result (deliveries grouped as in trace()).
Json data_of(const ControlResult& r, std::size_t n) {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < r.deliveries.size(); ++i) {
        if (i > 0 && r.deliveries[i].message == r.deliveries[i - 1].message) continue;
        if (seen++ == n) return r.deliveries[i].message["data"];
    }
    FAIL("no notification #" << n);
    return {};
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_SUITE_BEGIN("control_service_controls");

// ---------------------------------------------------------------------------------------
// content validation

TEST_CASE("malformed content for every control operation is 400 naming the field, with no effect") {
    struct Row { const char* event; Json content; const char* field; };
    const std::string too_long(kMaxChatMessageBytes + 1, 'x');
    const Row rows[] = {
        // own devices
        {"vcOperateSelfMic", Json::object(), "operate"},
        {"vcOperateSelfMic", Json{{"operate", 2}}, "operate"},
        {"vcOperateSelfMic", Json{{"operate", "x"}}, "operate"},
        {"vcOperateSelfMic", Json{{"operate", -1}}, "operate"},
        {"vcOperateSelfMic", Json{{"operate", 0.5}}, "operate"},
        {"vcOperateSelfMic", Json{{"operate", Json::array({1})}}, "operate"},
        {"vcOperateSelfCamera", Json::object(), "operate"},
        {"vcOperateSelfCamera", Json{{"operate", 2}}, "operate"},
        {"vcOperateSelfCamera", Json{{"operate", "x"}}, "operate"},
        {"vcOperateSelfCamera", Json{{"operate", "10"}}, "operate"},
        // others' devices and share permission
        {"vcOperateOtherMic", Json{{"operate", 0}}, "operate_user_id"},
        {"vcOperateOtherMic", Json{{"operate_user_id", ""}, {"operate", 0}}, "operate_user_id"},
        {"vcOperateOtherMic", Json{{"operate_user_id", 2}, {"operate", 0}}, "operate_user_id"},
        {"vcOperateOtherMic", Json{{"operate_user_id", "user-2"}}, "operate"},
        {"vcOperateOtherMic", Json{{"operate_user_id", "user-2"}, {"operate", 2}}, "operate"},
        {"vcOperateOtherMic", Json{{"operate_user_id", "user-2"}, {"operate", "x"}}, "operate"},
        {"vcOperateOtherCamera", Json{{"operate", 0}}, "operate_user_id"},
        {"vcOperateOtherCamera", Json{{"operate_user_id", "user-2"}}, "operate"},
        {"vcOperateOtherCamera", Json{{"operate_user_id", "user-2"}, {"operate", 2}}, "operate"},
        {"vcOperateOtherSharePermission", Json{{"operate", 1}}, "operate_user_id"},
        {"vcOperateOtherSharePermission", Json{{"operate_user_id", "user-2"}}, "operate"},
        {"vcOperateOtherSharePermission", Json{{"operate_user_id", "user-2"}, {"operate", 3}}, "operate"},
        // answering a request
        {"vcReplyOperateRequest", Json{{"device", "speaker"}, {"accept", 1}}, "device"},
        {"vcReplyOperateRequest", Json{{"accept", 1}}, "device"},
        {"vcReplyOperateRequest", Json{{"device", 1}, {"accept", 1}}, "device"},
        {"vcReplyOperateRequest", Json{{"device", "MIC"}, {"accept", 1}}, "device"},
        {"vcReplyOperateRequest", Json{{"device", "mic"}}, "accept"},
        {"vcReplyOperateRequest", Json{{"device", "mic"}, {"accept", 2}}, "accept"},
        {"vcReplyOperateRequest", Json{{"device", "camera"}, {"accept", "yes"}}, "accept"},
        // mute all, mic applications and permits
        {"vcOperateAllMic", Json{{"operate", 2}, {"operate_self_mic_permission", 0}}, "operate"},
        {"vcOperateAllMic", Json{{"operate", "x"}, {"operate_self_mic_permission", 0}}, "operate"},
        {"vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 2}}, "operate_self_mic_permission"},
        {"vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", "x"}}, "operate_self_mic_permission"},
        {"vcOperateSelfMicApply", Json{{"operate", 2}}, "operate"},
        {"vcOperateSelfMicApply", Json{{"operate", "x"}}, "operate"},
        {"vcOperateSelfMicPermit", Json{{"permit", 1}}, "apply_user_id"},
        {"vcOperateSelfMicPermit", Json{{"apply_user_id", 5}, {"permit", 1}}, "apply_user_id"},
        {"vcOperateSelfMicPermit", Json{{"apply_user_id", "user-2"}}, "permit"},
        {"vcOperateSelfMicPermit", Json{{"apply_user_id", "user-2"}, {"permit", 2}}, "permit"},
        // sharing
        {"vcStartShare", Json{{"share_type", 2}}, "share_type"},
        {"vcStartShare", Json{{"share_type", "x"}}, "share_type"},
        {"vcSharePermissionPermit", Json{{"permit", 1}}, "apply_user_id"},
        {"vcSharePermissionPermit", Json{{"apply_user_id", "user-2"}}, "permit"},
        {"vcSharePermissionPermit", Json{{"apply_user_id", "user-2"}, {"permit", "x"}}, "permit"},
        // host hand-over
        {"vcTransferHost", Json::object(), "operate_user_id"},
        {"vcTransferHost", Json{{"operate_user_id", ""}}, "operate_user_id"},
        {"vcTransferHost", Json{{"operate_user_id", 3}}, "operate_user_id"},
        {"vcTransferHost", Json{{"operate_user_id", std::string(65, 'u')}}, "operate_user_id"},
        // chat
        {"vcSendMessage", Json::object(), "message"},
        {"vcSendMessage", Json{{"message", ""}}, "message"},
        {"vcSendMessage", Json{{"message", 5}}, "message"},
        {"vcSendMessage", Json{{"message", too_long}}, "message"},
        {"vcSendMessage", Json{{"message", std::string("bad \xC3\x28 utf8")}}, "message"},
        {"vcSendMessage", Json{{"message", std::string("\xED\xA0\x80")}}, "message"},
        {"vcSendMessage", Json{{"message", std::string("trunc \xE4\xBD")}}, "message"},
        {"vcSendMessage", Json{{"message", "hi"}, {"to_user_id", 2}}, "to_user_id"},
    };
    for (const Row& r : rows) {
        INFO(r.event << " " << dump(r.content));
        // Asked by the host, so a permission check can never be what refuses it.
        Meeting m;
        const Json before = m.snapshot();
        ControlResult res = m.call(m.host, r.event, r.content);
        CHECK(code_of(res) == 400);
        CHECK_MESSAGE(contains(message_of(res), r.field), "message: " << message_of(res));
        CHECK(res.deliveries.empty());
        CHECK(m.snapshot() == before);
        CHECK(m.host.joined());
    }
}

TEST_CASE("enum fields accept 1 and \"1\" alike") {
    Meeting m;
    ControlResult r = m.call(m.alice, "vcOperateSelfCamera", Json{{"operate", "0"}});
    CHECK(code_of(r) == 200);
    CHECK(m.user(m.alice).camera == 0);
    r = m.call(m.host, "vcOperateOtherMic", Json{{"operate_user_id", m.bob.user_id}, {"operate", "0"}});
    CHECK(code_of(r) == 200);
    CHECK(m.user(m.bob).mic == 0);
    r = m.call(m.host, "vcOperateAllMic", Json{{"operate", "0"}, {"operate_self_mic_permission", "0"}});
    CHECK(code_of(r) == 200);
    CHECK(data_of(r, 0)["operate_self_mic_permission"] == 0);
}

TEST_CASE("vcOperateAllMic without operate is 400, not a silent mute-all") {
    // BUG (src/core/control_service.cpp, vcOperateAllMic: `operate.value_or(0)`): a missing
    // `operate` defaults to 0, so an empty request mutes every visitor instead of being
    // refused as malformed.
    for (const Json& content : {Json::object(), Json{{"operate_self_mic_permission", 0}}}) {
        INFO(dump(content));
        Meeting m;
        ControlResult r = m.call(m.host, "vcOperateAllMic", content);
        CHECK(code_of(r) == 400);
        CHECK_MESSAGE(contains(message_of(r), "operate"), "message: " << message_of(r));
        CHECK(m.trace(r) == "");
        CHECK(m.room().controls_json(m.host.user_id)["mic_all_status"] == 1);
        CHECK(m.user(m.alice).mic == 1);
        CHECK(m.user(m.bob).mic == 1);
    }
}

TEST_CASE("vcOperateSelfMicApply without operate is 400") {
    // The content is {operate:1}; a missing operate is malformed like everywhere else
    // (src/core/control_service.cpp, vcOperateSelfMicApply: `operate.value_or(1)` applies
    // and notifies the host).
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    ControlResult r = m.call(m.alice, "vcOperateSelfMicApply", Json::object());
    CHECK(code_of(r) == 400);
    CHECK_MESSAGE(contains(message_of(r), "operate"), "message: " << message_of(r));
    CHECK(m.trace(r) == "");
    CHECK(m.room().controls_json(m.host.user_id)["mic_applications"] == Json::array());
}

TEST_CASE("vcStartShare without share_type is 400") {
    // The content is {share_type}; src/core/control_service.cpp (vcStartShare:
    // `type.value_or(0)`) starts a screen share instead.
    Meeting m;
    ControlResult r = m.call(m.host, "vcStartShare", Json::object());
    CHECK(code_of(r) == 400);
    CHECK_MESSAGE(contains(message_of(r), "share_type"), "message: " << message_of(r));
    CHECK(m.trace(r) == "");
    CHECK(m.user(m.host).share_status == 0);
}

// ---------------------------------------------------------------------------------------
// permission and unknown users

TEST_CASE("every host-only operation by a visitor is 410 with no notification and no change") {
    struct Row { const char* event; Json content; };
    Meeting m;
    // Give the host something to permit, so a refusal cannot come from "not applied".
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    REQUIRE(code_of(m.call(m.bob, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 200);
    REQUIRE(code_of(m.call(m.bob, "vcSharePermissionApply")) == 200);
    const std::string b = m.bob.user_id, h = m.host.user_id, a = m.alice.user_id;
    const Row rows[] = {
        {"vcOperateOtherMic", Json{{"operate_user_id", b}, {"operate", 0}}},
        {"vcOperateOtherMic", Json{{"operate_user_id", b}, {"operate", 1}}},
        {"vcOperateOtherMic", Json{{"operate_user_id", h}, {"operate", 0}}},
        {"vcOperateOtherCamera", Json{{"operate_user_id", b}, {"operate", 0}}},
        {"vcOperateOtherCamera", Json{{"operate_user_id", b}, {"operate", 1}}},
        {"vcOperateOtherCamera", Json{{"operate_user_id", a}, {"operate", 1}}},
        {"vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 1}}},
        {"vcOperateAllMic", Json{{"operate", 1}, {"operate_self_mic_permission", 1}}},
        {"vcOperateSelfMicPermit", Json{{"apply_user_id", b}, {"permit", 1}}},
        {"vcOperateSelfMicPermit", Json{{"apply_user_id", b}, {"permit", 0}}},
        {"vcSharePermissionPermit", Json{{"apply_user_id", b}, {"permit", 1}}},
        {"vcSharePermissionPermit", Json{{"apply_user_id", b}, {"permit", 0}}},
        {"vcOperateOtherSharePermission", Json{{"operate_user_id", b}, {"operate", 1}}},
        {"vcOperateOtherSharePermission", Json{{"operate_user_id", h}, {"operate", 0}}},
        {"vcOperateOtherSharePermission", Json{{"operate_user_id", a}, {"operate", 1}}},
        {"vcTransferHost", Json{{"operate_user_id", a}}},
        {"vcTransferHost", Json{{"operate_user_id", b}}},
        {"vcFinishRoom", Json::object()},
    };
    for (const Row& r : rows) {
        INFO(r.event << " " << dump(r.content));
        const Json before = m.snapshot();
        ControlResult res = m.call(m.alice, r.event, r.content);
        CHECK(code_of(res) == 410);
        CHECK(m.trace(res) == "");
        CHECK(m.snapshot() == before);
        CHECK(m.alice.joined());
    }
    CHECK_FALSE(m.room().ended());
}

TEST_CASE("unknown user ids are 404 with no notification and no change") {
    struct Row { const char* event; Json content; };
    const Row rows[] = {
        {"vcOperateOtherMic", Json{{"operate_user_id", "ghost"}, {"operate", 0}}},
        {"vcOperateOtherMic", Json{{"operate_user_id", "ghost"}, {"operate", 1}}},
        {"vcOperateOtherCamera", Json{{"operate_user_id", "ghost"}, {"operate", 0}}},
        {"vcOperateOtherCamera", Json{{"operate_user_id", "ghost"}, {"operate", 1}}},
        {"vcOperateOtherSharePermission", Json{{"operate_user_id", "ghost"}, {"operate", 1}}},
        {"vcOperateSelfMicPermit", Json{{"apply_user_id", "ghost"}, {"permit", 1}}},
        {"vcSharePermissionPermit", Json{{"apply_user_id", "ghost"}, {"permit", 1}}},
        {"vcTransferHost", Json{{"operate_user_id", "ghost"}}},
        {"vcSendMessage", Json{{"message", "hi"}, {"to_user_id", "ghost"}}},
    };
    for (const Row& r : rows) {
        INFO(r.event << " " << dump(r.content));
        Meeting m;
        // A member of another room is just as unknown here.
        ConnectionState elsewhere;
        REQUIRE(code_of(m.svc.handle(elsewhere, make("vcJoinRoom", Json{{"room_id", "r2"}, {"user_name", "x"}}), kNow)) == 200);
        const Json before = m.snapshot();
        ControlResult res = m.call(m.host, r.event, r.content);
        CHECK(code_of(res) == 404);
        CHECK(m.trace(res) == "");
        CHECK(m.snapshot() == before);

        Json other = r.content;
        for (const char* f : {"operate_user_id", "apply_user_id", "to_user_id"})
            if (other.contains(f)) other[f] = elsewhere.user_id;
        ControlResult res2 = m.call(m.host, r.event, other);
        CHECK(code_of(res2) == 404);
        CHECK(m.trace(res2) == "");
        CHECK(m.snapshot() == before);
    }
}

// ---------------------------------------------------------------------------------------
// deliveries of the device operations

TEST_CASE("own devices: vcOnOperateSelf* to every member incl. the actor") {
    Meeting m;
    ControlResult r = m.call(m.bob, "vcOperateSelfMic", Json{{"operate", 0}}, kNow + 1);
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnOperateSelfMic[alice,bob,host]");
    CHECK(data_of(r, 0) == Json{{"room_id", kRoom}, {"user_id", m.bob.user_id}, {"operate", 0}});
    CHECK(r.deliveries[0].message["message_type"] == "inform");
    CHECK(r.deliveries[0].message["timestamp"] == kNow + 1);
    CHECK(m.user(m.bob).mic == 0);

    r = m.call(m.alice, "vcOperateSelfCamera", Json{{"operate", 0}});
    CHECK(m.trace(r) == "vcOnOperateSelfCamera[alice,bob,host]");
    CHECK(data_of(r, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"operate", 0}});
    CHECK(m.user(m.alice).camera == 0);
    // The user list everyone fetches agrees.
    ControlResult list = m.call(m.host, "vcGetUserList");
    CHECK(list.reply["response"]["user_list"][1]["camera"] == 0);
    CHECK(list.reply["response"]["user_list"][2]["mic"] == 0);
}

TEST_CASE("host mutes a visitor: immediate, to everyone") {
    Meeting m;
    ControlResult r = m.call(m.host, "vcOperateOtherMic", Json{{"operate_user_id", m.alice.user_id}, {"operate", 0}});
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnOperateOtherMic[alice,bob,host]");
    CHECK(data_of(r, 0) == Json{{"room_id", kRoom}, {"operate_user_id", m.alice.user_id}, {"operate", 0}});
    CHECK(m.user(m.alice).mic == 0);

    r = m.call(m.host, "vcOperateOtherCamera", Json{{"operate_user_id", m.bob.user_id}, {"operate", 0}});
    CHECK(m.trace(r) == "vcOnOperateOtherCamera[alice,bob,host]");
    CHECK(m.user(m.bob).camera == 0);
}

TEST_CASE("host asks a visitor to unmute: only the target is asked; the answer goes to the host") {
    Meeting m;
    REQUIRE(code_of(m.call(m.alice, "vcOperateSelfMic", Json{{"operate", 0}})) == 200);

    ControlResult ask = m.call(m.host, "vcOperateOtherMic", Json{{"operate_user_id", m.alice.user_id}, {"operate", 1}});
    CHECK(code_of(ask) == 200);
    CHECK(m.trace(ask) == "vcOnOperateOtherMic[alice]");
    CHECK(data_of(ask, 0) == Json{{"room_id", kRoom}, {"operate_user_id", m.alice.user_id}, {"operate", 1}});
    CHECK(m.user(m.alice).mic == 0);

    ControlResult sync = m.call(m.alice, "vcResync");
    CHECK(sync.reply["response"]["room_state"]["me"]["asked_mic_on"] == true);

    // bob cannot answer alice's request
    ControlResult wrong = m.call(m.bob, "vcReplyOperateRequest", Json{{"device", "mic"}, {"accept", 1}});
    CHECK(code_of(wrong) == 404);
    CHECK(m.trace(wrong) == "");

    ControlResult reply = m.call(m.alice, "vcReplyOperateRequest", Json{{"device", "mic"}, {"accept", 1}});
    CHECK(code_of(reply) == 200);
    CHECK(m.trace(reply) == "vcOnOperateSelfMic[alice,bob,host] vcOnReplyOperateRequest[host]");
    CHECK(data_of(reply, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"operate", 1}});
    const Json answer = data_of(reply, 1);
    CHECK(answer["user_id"] == m.alice.user_id);
    CHECK(answer["device"] == "mic");
    CHECK(answer["accept"] == 1);
    CHECK(m.user(m.alice).mic == 1);

    ControlResult again = m.call(m.alice, "vcReplyOperateRequest", Json{{"device", "mic"}, {"accept", 1}});
    CHECK(code_of(again) == 404);
    CHECK(m.trace(again) == "");
}

TEST_CASE("a declined camera request: the device stays off, only the host hears") {
    Meeting m;
    REQUIRE(code_of(m.call(m.bob, "vcOperateSelfCamera", Json{{"operate", 0}})) == 200);
    ControlResult ask = m.call(m.host, "vcOperateOtherCamera", Json{{"operate_user_id", m.bob.user_id}, {"operate", 1}});
    CHECK(m.trace(ask) == "vcOnOperateOtherCamera[bob]");
    ControlResult reply = m.call(m.bob, "vcReplyOperateRequest", Json{{"device", "camera"}, {"accept", "0"}});
    CHECK(code_of(reply) == 200);
    CHECK(m.trace(reply) == "vcOnReplyOperateRequest[host]");
    CHECK(data_of(reply, 0)["device"] == "camera");
    CHECK(data_of(reply, 0)["accept"] == 0);
    CHECK(data_of(reply, 0)["user_id"] == m.bob.user_id);
    CHECK(m.user(m.bob).camera == 0);
}

// ---------------------------------------------------------------------------------------
// mute all and mic permission

TEST_CASE("mute-all without self-unmute, mic application and permit, end to end") {
    Meeting m;
    ControlResult all = m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}});
    CHECK(code_of(all) == 200);
    CHECK(m.trace(all) == "vcOnOperateAllMic[alice,bob,host]");
    CHECK(data_of(all, 0) == Json{{"room_id", kRoom}, {"user_id", m.host.user_id}, {"operate", 0},
                                  {"operate_self_mic_permission", 0}});
    CHECK(m.user(m.host).mic == 1);
    CHECK(m.user(m.alice).mic == 0);
    CHECK(m.user(m.bob).mic == 0);

    ControlResult unmute = m.call(m.alice, "vcOperateSelfMic", Json{{"operate", 1}});
    CHECK(code_of(unmute) == 410);
    CHECK(m.trace(unmute) == "");
    CHECK(m.user(m.alice).mic == 0);
    CHECK(code_of(m.call(m.alice, "vcOperateSelfMic", Json{{"operate", 0}})) == 200);  // off is always fine

    ControlResult apply = m.call(m.alice, "vcOperateSelfMicApply", Json{{"operate", 1}});
    CHECK(code_of(apply) == 200);
    CHECK(m.trace(apply) == "vcOnOperateSelfMicApply[host]");
    CHECK(data_of(apply, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"user_name", "alice"},
                                    {"operate", 1}});

    // The host's resync shows the pending application; a visitor's does not.
    ControlResult hs = m.call(m.host, "vcResync");
    CHECK(hs.reply["response"]["room_state"]["mic_applications"] == Json::array({m.alice.user_id}));
    ControlResult bs = m.call(m.bob, "vcResync");
    CHECK(bs.reply["response"]["room_state"]["mic_applications"] == Json::array());
    ControlResult as = m.call(m.alice, "vcResync");
    CHECK(as.reply["response"]["room_state"]["me"]["mic_applying"] == true);

    // Permitting bob (who did not apply) is 404.
    ControlResult not_applied = m.call(m.host, "vcOperateSelfMicPermit", Json{{"apply_user_id", m.bob.user_id}, {"permit", 1}});
    CHECK(code_of(not_applied) == 404);
    CHECK(m.trace(not_applied) == "");

    ControlResult permit = m.call(m.host, "vcOperateSelfMicPermit", Json{{"apply_user_id", m.alice.user_id}, {"permit", 1}});
    CHECK(code_of(permit) == 200);
    CHECK(m.trace(permit) == "vcOnOperateSelfMicPermit[alice]");
    CHECK(data_of(permit, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"permit", 1}});

    unmute = m.call(m.alice, "vcOperateSelfMic", Json{{"operate", 1}});
    CHECK(code_of(unmute) == 200);
    CHECK(m.trace(unmute) == "vcOnOperateSelfMic[alice,bob,host]");
    CHECK(m.user(m.alice).mic == 1);
    CHECK(code_of(m.call(m.bob, "vcOperateSelfMic", Json{{"operate", 1}})) == 410);

    // A new mute-all clears the grant.
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    CHECK(m.user(m.alice).mic == 0);
    CHECK(code_of(m.call(m.alice, "vcOperateSelfMic", Json{{"operate", 1}})) == 410);

    // operate 1 lifts it.
    ControlResult lift = m.call(m.host, "vcOperateAllMic", Json{{"operate", 1}, {"operate_self_mic_permission", 1}});
    CHECK(m.trace(lift) == "vcOnOperateAllMic[alice,bob,host]");
    CHECK(data_of(lift, 0)["operate"] == 1);
    CHECK(code_of(m.call(m.bob, "vcOperateSelfMic", Json{{"operate", 1}})) == 200);
}

TEST_CASE("mic permit 0: the applicant is told and stays muted") {
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    REQUIRE(code_of(m.call(m.bob, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 200);
    ControlResult p = m.call(m.host, "vcOperateSelfMicPermit", Json{{"apply_user_id", m.bob.user_id}, {"permit", 0}});
    CHECK(code_of(p) == 200);
    CHECK(m.trace(p) == "vcOnOperateSelfMicPermit[bob]");
    CHECK(data_of(p, 0)["permit"] == 0);
    CHECK(code_of(m.call(m.bob, "vcOperateSelfMic", Json{{"operate", 1}})) == 410);
}

TEST_CASE("mute-all with self-unmute permission: visitors may unmute themselves") {
    Meeting m;
    ControlResult all = m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 1}});
    CHECK(code_of(all) == 200);
    CHECK(data_of(all, 0)["operate_self_mic_permission"] == 1);
    CHECK(m.user(m.bob).mic == 0);
    ControlResult r = m.call(m.bob, "vcOperateSelfMic", Json{{"operate", 1}});
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnOperateSelfMic[alice,bob,host]");
    CHECK(m.user(m.bob).mic == 1);
}

TEST_CASE("asked by the host while all are muted, the target may unmute itself") {
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    REQUIRE(code_of(m.call(m.host, "vcOperateOtherMic", Json{{"operate_user_id", m.bob.user_id}, {"operate", 1}})) == 200);
    ControlResult r = m.call(m.bob, "vcOperateSelfMic", Json{{"operate", 1}});
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnOperateSelfMic[alice,bob,host]");
    CHECK(m.user(m.bob).mic == 1);
    CHECK(code_of(m.call(m.alice, "vcOperateSelfMic", Json{{"operate", 1}})) == 410);
}

// ---------------------------------------------------------------------------------------
// sharing

TEST_CASE("share permission application, start, second sharer, finish - deliveries in order") {
    Meeting m;
    ControlResult no = m.call(m.alice, "vcStartShare", Json{{"share_type", 0}});
    CHECK(code_of(no) == 410);
    CHECK(m.trace(no) == "");

    ControlResult apply = m.call(m.alice, "vcSharePermissionApply");
    CHECK(code_of(apply) == 200);
    CHECK(m.trace(apply) == "vcOnSharePermissionApply[host]");
    CHECK(data_of(apply, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"user_name", "alice"}});
    ControlResult hs = m.call(m.host, "vcResync");
    CHECK(hs.reply["response"]["room_state"]["share_applications"] == Json::array({m.alice.user_id}));

    ControlResult permit = m.call(m.host, "vcSharePermissionPermit", Json{{"apply_user_id", m.alice.user_id}, {"permit", 1}});
    CHECK(code_of(permit) == 200);
    CHECK(m.trace(permit) == "vcOnSharePermissionPermit[alice]");
    CHECK(data_of(permit, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"permit", 1}});
    CHECK(m.user(m.alice).share_permission == 1);

    ControlResult start = m.call(m.alice, "vcStartShare", Json{{"share_type", 1}});
    CHECK(code_of(start) == 200);
    CHECK(m.trace(start) == "vcOnStartShare[alice,bob,host]");
    CHECK(data_of(start, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}, {"user_name", "alice"},
                                    {"share_type", 1}});
    CHECK(m.user(m.alice).share_status == 1);
    ControlResult bs = m.call(m.bob, "vcResync");
    CHECK(bs.reply["response"]["room_state"]["share_user_id"] == m.alice.user_id);

    ControlResult second = m.call(m.host, "vcStartShare", Json{{"share_type", 0}});
    CHECK(code_of(second) == 410);
    CHECK(m.trace(second) == "");

    ControlResult not_sharer = m.call(m.bob, "vcFinishShare");
    CHECK(code_of(not_sharer) == 410);
    CHECK(m.trace(not_sharer) == "");

    ControlResult fin = m.call(m.alice, "vcFinishShare");
    CHECK(code_of(fin) == 200);
    CHECK(m.trace(fin) == "vcOnFinishShare[alice,bob,host]");
    CHECK(data_of(fin, 0) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}});
    CHECK(m.user(m.alice).share_status == 0);

    // Share permit for someone who did not apply: 404.
    ControlResult na = m.call(m.host, "vcSharePermissionPermit", Json{{"apply_user_id", m.bob.user_id}, {"permit", 1}});
    CHECK(code_of(na) == 404);
    CHECK(m.trace(na) == "");
}

TEST_CASE("revoking the sharer's permission: permission notice, then finish-share") {
    Meeting m;
    ControlResult grant = m.call(m.host, "vcOperateOtherSharePermission", Json{{"operate_user_id", m.bob.user_id}, {"operate", 1}});
    CHECK(code_of(grant) == 200);
    CHECK(m.trace(grant) == "vcOnOperateOtherSharePermission[alice,bob,host]");
    CHECK(data_of(grant, 0) == Json{{"room_id", kRoom}, {"operate_user_id", m.bob.user_id}, {"operate", 1}});
    REQUIRE(code_of(m.call(m.bob, "vcStartShare", Json{{"share_type", 0}})) == 200);

    ControlResult revoke = m.call(m.host, "vcOperateOtherSharePermission", Json{{"operate_user_id", m.bob.user_id}, {"operate", 0}});
    CHECK(code_of(revoke) == 200);
    CHECK(m.trace(revoke) == "vcOnOperateOtherSharePermission[alice,bob,host] vcOnFinishShare[alice,bob,host]");
    CHECK(data_of(revoke, 1) == Json{{"room_id", kRoom}, {"user_id", m.bob.user_id}});
    CHECK(m.user(m.bob).share_status == 0);
    CHECK(m.user(m.bob).share_permission == 0);
}

TEST_CASE("the sharer leaving or dropping stops the share for the others") {
    for (bool drop : {false, true}) {
        CAPTURE(drop);
        Meeting m;
        REQUIRE(code_of(m.call(m.host, "vcOperateOtherSharePermission", Json{{"operate_user_id", m.alice.user_id}, {"operate", 1}})) == 200);
        REQUIRE(code_of(m.call(m.alice, "vcStartShare", Json{{"share_type", 1}})) == 200);
        const std::string alice_id = m.alice.user_id;
        ControlResult r;
        if (drop) {
            r.deliveries = m.svc.disconnect(m.alice, kNow);
        } else {
            r = m.call(m.alice, "vcLeaveRoom");
            CHECK(code_of(r) == 200);
        }
        CHECK(m.trace(r) == "vcOnFinishShare[bob,host] vcOnLeaveRoom[bob,host]");
        CHECK(data_of(r, 0) == Json{{"room_id", kRoom}, {"user_id", alice_id}});
        CHECK(code_of(m.call(m.bob, "vcResync")) == 200);
        CHECK(m.call(m.bob, "vcResync").reply["response"]["room_state"]["share_user_id"] == "");
        CHECK(code_of(m.call(m.host, "vcStartShare", Json{{"share_type", 0}})) == 200);
    }
}

// ---------------------------------------------------------------------------------------
// host hand-over

TEST_CASE("host leaving hands over to the earliest-joined remaining member") {
    Meeting m;
    ConnectionState carol;
    REQUIRE(code_of(m.join(carol, "carol")) == 200);
    const std::string host_id = m.host.user_id;
    ControlResult r = m.call(m.host, "vcLeaveRoom");
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnLeaveRoom[alice,bob,carol] vcOnHostChange[alice,bob,carol]");
    CHECK(data_of(r, 1) == Json{{"room_id", kRoom}, {"user_id", m.alice.user_id}});
    CHECK(data_of(r, 0)["user"]["user_id"] == host_id);
    CHECK(m.user(m.alice).user_role == UserRole::Host);
    CHECK(m.user(m.alice).share_permission == 1);
    // The new host can use host operations; the new visitor list cannot.
    CHECK(code_of(m.call(m.bob, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 410);
    CHECK(code_of(m.call(m.alice, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
}

TEST_CASE("vcTransferHost by the host: vcOnHostChange to all, powers move") {
    Meeting m;
    ControlResult r = m.call(m.host, "vcTransferHost", Json{{"operate_user_id", m.bob.user_id}});
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnHostChange[alice,bob,host] vcOnOperateOtherSharePermission[alice,bob,host]");
    CHECK(data_of(r, 0) == Json{{"room_id", kRoom}, {"user_id", m.bob.user_id}});
    CHECK(m.user(m.bob).user_role == UserRole::Host);
    CHECK(m.user(m.host).user_role == UserRole::Visitor);
    ControlResult sync = m.call(m.alice, "vcResync");
    CHECK(sync.reply["response"]["room_state"]["host_user_id"] == m.bob.user_id);

    ControlResult old = m.call(m.host, "vcTransferHost", Json{{"operate_user_id", m.host.user_id}});
    CHECK(code_of(old) == 410);
    CHECK(m.trace(old) == "");
    ControlResult fin = m.call(m.host, "vcFinishRoom");
    CHECK(code_of(fin) == 410);
    CHECK(m.trace(fin) == "");
}

// ---------------------------------------------------------------------------------------
// ending the meeting

TEST_CASE("vcFinishRoom: everyone told, status 2 with end_time, later requests 422") {
    Meeting m;
    const std::int64_t end = kNow + 12345;
    ControlResult r = m.call(m.host, "vcFinishRoom", Json::object(), end);
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnFinishRoom[alice,bob,host]");
    CHECK(data_of(r, 0) == Json{{"room_id", kRoom}, {"reason", 0}});
    CHECK(r.deliveries[0].message["timestamp"] == end);
    CHECK(m.room().record().status == RoomStatus::Ended);
    CHECK(m.room().record().end_time == end);
    CHECK_FALSE(m.host.joined());  // the host is out at once
    CHECK(m.svc.participant_count() == 0);

    // Requests from connections still open for the ended meeting: 422, and they are reset.
    const char* events[] = {"vcGetUserList", "vcResync", "vcSendMessage", "vcOperateSelfMic", "vcLeaveRoom",
                            "vcFinishRoom", "vcNoSuchEvent"};
    ConnectionState* conns[] = {&m.alice, &m.bob};
    for (std::size_t i = 0; i < 2; ++i) {
        ConnectionState& c = *conns[i];
        const ConnectionState copy = c;
        for (const char* ev : events) {
            CAPTURE(ev);
            ConnectionState probe = copy;  // each request from the still-open connection
            ControlResult x = m.call(probe, ev, Json{{"message", "hi"}, {"operate", 1}});
            CHECK(code_of(x) == 422);
            CHECK(x.deliveries.empty());
            CHECK_FALSE(probe.joined());
        }
        ControlResult x = m.call(c, "vcGetUserList");
        CHECK(code_of(x) == 422);
        CHECK_FALSE(c.joined());
        // ...once reset, the connection is simply outside any room.
        CHECK(code_of(m.call(c, "vcGetUserList")) == 420);
    }
    // Dropping a connection of the ended meeting tells nobody anything.
    ConnectionState stale;
    stale.room_id = kRoom;
    stale.user_id = "user-2";
    CHECK(m.svc.disconnect(stale, kNow).empty());
}

TEST_CASE("after vcFinishRoom the room id is closed; new_meeting:1 opens a fresh meeting") {
    Meeting m;
    const std::string alice_old = m.alice.user_id;
    REQUIRE(code_of(m.call(m.host, "vcFinishRoom", Json::object(), kNow + 10)) == 200);

    // A brand-new connection, and one still open from the meeting, both get 422.
    ConnectionState newcomer;
    ControlResult j = m.join(newcomer, "dan", Json::object(), kNow + 20);
    CHECK(code_of(j) == 422);
    CHECK_FALSE(newcomer.joined());
    CHECK(j.deliveries.empty());
    j = m.join(m.alice, "alice again", Json::object(), kNow + 20);
    CHECK(code_of(j) == 422);
    CHECK_FALSE(m.alice.joined());
    j = m.join(newcomer, "dan", Json{{"new_meeting", 0}}, kNow + 20);
    CHECK(code_of(j) == 422);
    CHECK(m.room().ended());

    j = m.join(newcomer, "dan", Json{{"new_meeting", 1}}, kNow + 30);
    CHECK(code_of(j) == 200);
    CHECK(newcomer.joined());
    CHECK(j.reply["response"]["room"]["status"] == 1);
    CHECK(j.reply["response"]["room"]["start_time"] == kNow + 30);
    CHECK(j.reply["response"]["room"]["end_time"] == 0);
    CHECK(j.reply["response"]["user"]["user_role"] == 1);
    CHECK(j.reply["response"]["user_list"].size() == 1);
    CHECK(j.reply["response"]["messages"] == Json::array());
    CHECK(j.reply["response"]["room_state"]["host_user_id"] == newcomer.user_id);
    CHECK(m.room().record().status == RoomStatus::InProgress);
    CHECK(m.room().find(alice_old) == nullptr);

    // Others join the new meeting normally, as visitors.
    ConnectionState eve;
    ControlResult e = m.join(eve, "eve", Json::object(), kNow + 40);
    CHECK(code_of(e) == 200);
    CHECK(e.reply["response"]["user"]["user_role"] == 0);
    CHECK(m.trace(e) == "vcOnJoinRoom[dan]");
}

TEST_CASE("an ended meeting is forgotten after the retention period; the room id opens afresh") {
    Meeting m;  // default retention: 24 h
    const std::int64_t day = 24LL * 3600 * 1000;
    REQUIRE(code_of(m.call(m.host, "vcFinishRoom", Json::object(), kNow)) == 200);
    CHECK(m.svc.room_count() == 1);
    m.svc.expire(kNow + day);  // not yet past it
    CHECK(m.svc.room_count() == 1);
    ConnectionState dan;
    CHECK(code_of(m.join(dan, "dan", Json::object(), kNow + day)) == 422);
    m.svc.expire(kNow + day + 1);
    CHECK(m.svc.room_count() == 0);
    // A plain join now opens a new meeting with dan as host; old connections stay out.
    ControlResult j = m.join(dan, "dan", Json::object(), kNow + day + 2);
    CHECK(code_of(j) == 200);
    CHECK(j.reply["response"]["user"]["user_role"] == 1);
    CHECK(code_of(m.call(m.alice, "vcGetUserList", Json::object(), kNow + day + 3)) == 422);
}

TEST_CASE("a connection left over from an ended meeting still gets 422 after a new meeting opened there") {
    // The still-open connection of the ended meeting keeps room_id "r1"; once someone opens
    // a new meeting under that id, ControlService::handle finds the new (not ended) room,
    // does not find the user in it, and answers 420 instead of 422 (src/core/control_service.cpp,
    // handle(): `ended = room && room->ended()` looks at whatever room now has that id; the
    // ended Room was destroyed by `slot.reset()` in join()).
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcFinishRoom")) == 200);
    ConnectionState dan;
    REQUIRE(code_of(m.join(dan, "dan", Json{{"new_meeting", 1}})) == 200);
    ControlResult r = m.call(m.bob, "vcGetUserList");
    CHECK(code_of(r) == 422);
    CHECK_FALSE(m.bob.joined());
    CHECK(r.deliveries.empty());
}

TEST_CASE("vcFinishRoom while sharing and with pending requests ends cleanly") {
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcStartShare", Json{{"share_type", 0}})) == 200);
    REQUIRE(code_of(m.call(m.alice, "vcSharePermissionApply")) == 200);
    ControlResult r = m.call(m.host, "vcFinishRoom");
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnFinishRoom[alice,bob,host]");
}

// ---------------------------------------------------------------------------------------
// chat

TEST_CASE("vcSendMessage: room message to all incl. the sender, reply carries the message") {
    Meeting m;
    ControlResult r = m.call(m.alice, "vcSendMessage", Json{{"message", "hello all"}}, kNow + 5);
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnMessage[alice,bob,host]");
    const Json d = data_of(r, 0);
    CHECK(d["user_id"] == m.alice.user_id);
    CHECK(d["user_name"] == "alice");
    CHECK(d["message"] == "hello all");
    CHECK(d["timestamp"] == kNow + 5);
    CHECK(d["room_id"] == kRoom);
    const Json& resp = r.reply["response"]["message"];
    CHECK(resp["message_id"] == d["message_id"]);
    CHECK(resp["message"] == "hello all");

    ControlResult r2 = m.call(m.bob, "vcSendMessage", Json{{"message", "hi"}});
    CHECK(data_of(r2, 0)["message_id"].get<std::uint64_t>() > d["message_id"].get<std::uint64_t>());
    // A message of exactly the limit is accepted.
    ControlResult big = m.call(m.bob, "vcSendMessage", Json{{"message", std::string(kMaxChatMessageBytes, 'z')}});
    CHECK(code_of(big) == 200);
}

TEST_CASE("private messages reach only sender and recipient; self and unknown recipients 404") {
    Meeting m;
    ControlResult r = m.call(m.alice, "vcSendMessage", Json{{"message", "psst"}, {"to_user_id", m.bob.user_id}});
    CHECK(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnMessage[alice,bob]");
    CHECK(data_of(r, 0)["to_user_id"] == m.bob.user_id);

    ControlResult self = m.call(m.alice, "vcSendMessage", Json{{"message", "me"}, {"to_user_id", m.alice.user_id}});
    CHECK(code_of(self) == 404);
    CHECK(m.trace(self) == "");
    ControlResult ghost = m.call(m.alice, "vcSendMessage", Json{{"message", "boo"}, {"to_user_id", "ghost"}});
    CHECK(code_of(ghost) == 404);
    CHECK(m.trace(ghost) == "");

    // Private messages are not history.
    ControlResult sync = m.call(m.host, "vcResync");
    CHECK(sync.reply["response"]["messages"] == Json::array());
}

TEST_CASE("chat history (200 room messages) in the join reply of a late joiner and in vcResync") {
    Meeting m;
    for (int i = 1; i <= 201; ++i) {
        ConnectionState& c = i % 3 == 0 ? m.host : i % 3 == 1 ? m.alice : m.bob;
        REQUIRE(code_of(m.call(c, "vcSendMessage", Json{{"message", std::string("m").append(std::to_string(i))}}, kNow + i)) == 200);
        if (i == 100)
            REQUIRE(code_of(m.call(m.alice, "vcSendMessage", Json{{"message", "secret"}, {"to_user_id", m.bob.user_id}})) == 200);
    }
    ConnectionState late;
    ControlResult j = m.join(late, "late");
    REQUIRE(code_of(j) == 200);
    const Json hist = j.reply["response"]["messages"];
    REQUIRE(hist.size() == 200);
    CHECK(hist.front()["message"] == "m2");  // the 201st pushed out m1
    CHECK(hist.back()["message"] == "m201");
    CHECK(hist.back()["timestamp"] == kNow + 201);
    for (std::size_t i = 1; i < hist.size(); ++i)
        CHECK(hist[i]["message_id"].get<std::uint64_t>() > hist[i - 1]["message_id"].get<std::uint64_t>());
    for (const auto& msg : hist) CHECK(msg["message"] != "secret");

    ControlResult sync = m.call(m.bob, "vcResync");
    CHECK(sync.reply["response"]["messages"] == hist);
}

TEST_CASE("Chinese names and messages round-trip byte-exact through the service") {
    Meeting m;
    ConnectionState zh;
    const std::string name = "王小明";
    REQUIRE(code_of(m.join(zh, name)) == 200);
    m.names[zh.user_id] = "zh";
    const std::string text = "大家好！今天讨论“姿态估计”🙂";
    ControlResult r = m.call(zh, "vcSendMessage", Json{{"message", text}});
    REQUIRE(code_of(r) == 200);
    CHECK(m.trace(r) == "vcOnMessage[alice,bob,host,zh]");
    // Through the wire format, as a client would receive it.
    const Json wire = Json::parse(r.deliveries[0].message.dump());
    CHECK(wire["data"]["message"].get<std::string>() == text);
    CHECK(wire["data"]["user_name"].get<std::string>() == name);
    const Json reply = Json::parse(r.reply.dump());
    CHECK(reply["response"]["message"]["message"].get<std::string>() == text);
    ControlResult sync = m.call(m.host, "vcResync");
    CHECK(sync.reply["response"]["messages"][0]["message"].get<std::string>() == text);
    CHECK(sync.reply["response"]["messages"][0]["user_name"].get<std::string>() == name);
}

// ---------------------------------------------------------------------------------------
// room_state in join and resync

TEST_CASE("room_state in vcJoinRoom and vcResync: shared fields, host-only applications, me") {
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    REQUIRE(code_of(m.call(m.alice, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 200);
    REQUIRE(code_of(m.call(m.bob, "vcSharePermissionApply")) == 200);
    REQUIRE(code_of(m.call(m.host, "vcOperateOtherCamera", Json{{"operate_user_id", m.bob.user_id}, {"operate", 1}})) == 200);
    REQUIRE(code_of(m.call(m.host, "vcStartShare", Json{{"share_type", 1}})) == 200);

    const Json host = m.call(m.host, "vcResync").reply["response"]["room_state"];
    CHECK(host["mic_all_status"] == 0);
    CHECK(host["operate_self_mic_permission"] == 0);
    CHECK(host["share_user_id"] == m.host.user_id);
    CHECK(host["host_user_id"] == m.host.user_id);
    CHECK(host["mic_applications"] == Json::array({m.alice.user_id}));
    CHECK(host["share_applications"] == Json::array({m.bob.user_id}));

    const Json bob = m.call(m.bob, "vcResync").reply["response"]["room_state"];
    CHECK(bob["mic_all_status"] == 0);
    CHECK(bob["share_user_id"] == m.host.user_id);
    CHECK(bob["host_user_id"] == m.host.user_id);
    CHECK(bob["mic_applications"] == Json::array());
    CHECK(bob["share_applications"] == Json::array());
    CHECK(bob["me"] == Json{{"mic_granted", false}, {"mic_applying", false}, {"share_applying", true},
                            {"asked_mic_on", false}, {"asked_camera_on", true}});
    const Json alice = m.call(m.alice, "vcResync").reply["response"]["room_state"];
    CHECK(alice["me"]["mic_applying"] == true);

    ConnectionState late;
    ControlResult j = m.join(late, "late");
    REQUIRE(code_of(j) == 200);
    const Json st = j.reply["response"]["room_state"];
    CHECK(st["mic_all_status"] == 0);
    CHECK(st["operate_self_mic_permission"] == 0);
    CHECK(st["share_user_id"] == m.host.user_id);
    CHECK(st["host_user_id"] == m.host.user_id);
    CHECK(st["mic_applications"] == Json::array());
    CHECK(st["me"] == Json{{"mic_granted", false}, {"mic_applying", false}, {"share_applying", false},
                           {"asked_mic_on", false}, {"asked_camera_on", false}});
}

TEST_CASE("joining while all are muted without self-unmute: the newcomer joins muted") {
    // vcJoinRoom {mic:1} must not bypass mute-all (see also room_controls).
    Meeting m;
    REQUIRE(code_of(m.call(m.host, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
    ConnectionState late;
    ControlResult j = m.join(late, "late", Json{{"mic", 1}});
    REQUIRE(code_of(j) == 200);
    CHECK(j.reply["response"]["user"]["mic"] == 0);
    CHECK(m.user(late).mic == 0);
    // The others are announced the same state.
    REQUIRE(m.trace(j) == "vcOnJoinRoom[alice,bob,host]");
    CHECK(data_of(j, 0)["user"]["mic"] == 0);
}

TEST_SUITE_END();
