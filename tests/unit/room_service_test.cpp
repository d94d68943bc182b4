// room_service: the room service's operator in the core (core/room_service_ops.cpp): who
// hears what when the operator removes, mutes, asks to unmute, updates a member, sends data,
// ends the meeting; room settings (CreateRoom, metadata, the size on join, the empty
// timeout); and that unknown rooms and members are 404s.
#include <doctest/doctest.h>

#include "control_test_support.hpp"
#include "core/control_service.hpp"

using namespace posemeet;
using namespace posemeet::test;

namespace {

constexpr std::int64_t kNow = 1'796'063'058'000;

// A service whose members are u1, u2, ... on WebSockets (joined without tokens).
struct Meeting {
    int next = 0;
    ControlService svc{ServiceConfig{}, [this] { return numbered("u", ++next); }};
    std::vector<ConnectionState> conns;
    std::vector<std::string> tokens;

    ControlResult join(const std::string& room = "standup", int mic = 1, int camera = 1) {
        conns.emplace_back();
        ControlResult r = svc.handle(conns.back(), make("vcJoinRoom", Json{{"room_id", room}, {"user_name", "N"},
                                                                           {"mic", mic}, {"camera", camera}}),
                                     kNow);
        tokens.push_back(r.reply["response"].value("token", ""));
        return r;
    }
    const UserRecord* user(const std::string& id, const std::string& room = "standup") const {
        const Room* r = svc.live_room(room);
        return r ? r->find(id) : nullptr;
    }
};

}  // namespace

TEST_SUITE("room_service") {
    TEST_CASE("remove: the member is told, then leaves as a removal; the others get the leave; its token is void") {
        Meeting m;
        m.join();
        m.join();
        m.join();
        ControlResult r = m.svc.remove_participant("standup", "u2", kNow + 1);
        CHECK(code_of(r) == 200);
        CHECK(trace(r.deliveries) == "vcOnRemoved[u2] vcOnLeaveRoom[u1,u3]");
        CHECK(r.deliveries[0].message["data"]["reason"] == "removed by the operator");
        REQUIRE(r.changes.size() == 1);
        CHECK(r.changes[0].kind == MemberChange::Kind::Left);
        CHECK(r.changes[0].removed);
        CHECK_FALSE(m.user("u2"));
        std::string message;
        CHECK(m.svc.authenticate("standup", "u2", m.tokens[1], message) == ErrorCode::NotFound);
        // The removed connection holds nothing any more.
        CHECK(code_of(m.svc.handle(m.conns[1], make("vcGetUserList"), kNow + 2)) == 420);
    }

    TEST_CASE("remove the host: the role passes on, as when the host leaves") {
        Meeting m;
        m.join();
        m.join();
        ControlResult r = m.svc.remove_participant("standup", "u1", kNow + 1);
        CHECK(trace(r.deliveries) == "vcOnRemoved[u1] vcOnLeaveRoom[u2] vcOnHostChange[u2]");
        CHECK(m.user("u2")->user_role == UserRole::Host);
    }

    TEST_CASE("unknown room or member: 404, nothing changes") {
        Meeting m;
        m.join();
        CHECK(code_of(m.svc.remove_participant("nowhere", "u1", kNow)) == 404);
        CHECK(code_of(m.svc.remove_participant("standup", "ghost", kNow)) == 404);
        CHECK(code_of(m.svc.mute_device("standup", "ghost", Device::Mic, true, kNow)) == 404);
        CHECK(code_of(m.svc.update_participant("standup", "ghost", {}, kNow)) == 404);
        CHECK(code_of(m.svc.send_data("nowhere", "aGk=", "", {}, kNow)) == 404);
        CHECK(code_of(m.svc.delete_room("nowhere", kNow)) == 404);
        CHECK(code_of(m.svc.update_room_metadata("nowhere", "x", kNow)) == 404);
        CHECK(m.user("u1"));
    }

    TEST_CASE("mute closes the device at once for everyone; unmute only asks the member") {
        Meeting m;
        m.join();
        m.join();
        ControlResult off = m.svc.mute_device("standup", "u2", Device::Mic, true, kNow + 1);
        CHECK(code_of(off) == 200);
        CHECK(trace(off.deliveries) == "vcOnOperateOtherMic[u1,u2]");
        CHECK(off.deliveries[0].message["data"]["operate"] == 0);
        CHECK(m.user("u2")->mic == 0);
        CHECK(response_of(off)["mic"] == 0);

        ControlResult ask = m.svc.mute_device("standup", "u2", Device::Mic, false, kNow + 2);
        CHECK(trace(ask.deliveries) == "vcOnOperateOtherMic[u2]");
        CHECK(ask.deliveries[0].message["data"]["operate"] == 1);
        CHECK(m.user("u2")->mic == 0);  // asked, not forced
        // The member may now answer: yes opens it.
        ControlResult yes = m.svc.handle(m.conns[1], make("vcReplyOperateRequest", Json{{"device", "mic"}, {"accept", 1}}),
                                         kNow + 3);
        CHECK(code_of(yes) == 200);
        CHECK(m.user("u2")->mic == 1);

        ControlResult cam = m.svc.mute_device("standup", "u1", Device::Camera, true, kNow + 4);
        CHECK(trace(cam.deliveries) == "vcOnOperateOtherCamera[u1,u2]");
        CHECK(m.user("u1")->camera == 0);
    }

    TEST_CASE("update: name, metadata, attributes at once, vcOnUserUpdate to every member") {
        Meeting m;
        m.join();
        m.join();
        MemberUpdate u;
        u.user_name = "Bobby";
        u.metadata = "md";
        u.attributes = Json{{"team", "red"}, {"desk", "4"}};
        ControlResult r = m.svc.update_participant("standup", "u2", u, kNow + 1);
        CHECK(code_of(r) == 200);
        CHECK(trace(r.deliveries) == "vcOnUserUpdate[u1,u2]");
        CHECK(r.deliveries[0].message["data"]["user"]["user_name"] == "Bobby");
        CHECK(m.user("u2")->metadata == "md");
        CHECK(m.user("u2")->attributes["team"] == "red");

        MemberUpdate drop;
        drop.attributes = Json{{"team", ""}};
        m.svc.update_participant("standup", "u2", drop, kNow + 2);
        CHECK_FALSE(m.user("u2")->attributes.contains("team"));
        CHECK(m.user("u2")->attributes["desk"] == "4");
        CHECK(m.user("u2")->user_name == "Bobby");  // absent fields stay
    }

    TEST_CASE("update: a permission replaces the set; a source lost closes; sharing stops") {
        Meeting m;
        m.join();
        m.join();
        // u1 (the host) shares its screen.
        REQUIRE(code_of(m.svc.handle(m.conns[0], make("vcStartShare", Json{{"share_type", 0}}), kNow)) == 200);
        MemberUpdate u;
        u.permission = MemberPermission{};
        u.permission->camera = false;
        u.permission->screen = false;
        u.permission->data = false;
        ControlResult r = m.svc.update_participant("standup", "u1", u, kNow + 1);
        CHECK(trace(r.deliveries) == "vcOnOperateOtherCamera[u1,u2] vcOnFinishShare[u1,u2] vcOnUserUpdate[u1,u2]");
        const UserRecord* me = m.user("u1");
        CHECK(me->camera == 0);
        CHECK(me->mic == 1);
        CHECK_FALSE(me->permission.camera);
        CHECK_FALSE(me->permission.data);
        CHECK(me->share_permission == 0);
        CHECK(code_of(m.svc.handle(m.conns[0], make("vcOperateSelfCamera", Json{{"operate", 1}}), kNow + 2)) == 410);
        CHECK(code_of(m.svc.handle(m.conns[0], make("vcSendMessage", Json{{"message", "hi"}}), kNow + 2)) == 410);
    }

    TEST_CASE("send data: to every member, or only to the named ones (unknown names skipped)") {
        Meeting m;
        m.join();
        m.join();
        m.join();
        ControlResult all = m.svc.send_data("standup", "aGk=", "chat", {}, kNow);
        CHECK(trace(all.deliveries) == "vcOnData[u1,u2,u3]");
        CHECK(all.deliveries[0].message["data"] == Json{{"room_id", "standup"}, {"data", "aGk="}, {"topic", "chat"},
                                                        {"from", "server"}});
        ControlResult some = m.svc.send_data("standup", "aGk=", "", {"u3", "ghost"}, kNow);
        CHECK(trace(some.deliveries) == "vcOnData[u3]");
        ControlResult none = m.svc.send_data("standup", "aGk=", "", {"ghost"}, kNow);
        CHECK(code_of(none) == 200);
        CHECK(none.deliveries.empty());
    }

    TEST_CASE("delete room: ends the meeting for everyone as vcFinishRoom does") {
        Meeting m;
        m.join();
        m.join();
        ControlResult r = m.svc.delete_room("standup", kNow + 1);
        CHECK(code_of(r) == 200);
        CHECK(trace(r.deliveries) == "vcOnFinishRoom[u1,u2]");
        CHECK(r.changes.size() == 2);
        CHECK(r.changes[0].meeting_ended);
        CHECK_FALSE(m.svc.live_room("standup"));
        CHECK(code_of(m.svc.handle(m.conns[0], make("vcGetUserList"), kNow + 2)) == 422);
        CHECK(m.svc.listed_rooms().empty());
    }

    TEST_CASE("create room: settings before anyone joins, its size on join, the existing room kept") {
        Meeting m;
        RoomSettings s;
        s.max_participants = 2;
        s.empty_timeout_s = 60;
        s.metadata = "m0";
        ControlResult r = m.svc.create_room("standup", s, kNow);
        CHECK(code_of(r) == 200);
        CHECK(r.settings_changed == std::vector<std::string>{"standup"});
        CHECK(m.svc.listed_rooms() == std::vector<std::string>{"standup"});
        RoomSettings other;
        other.max_participants = 9;
        CHECK(code_of(m.svc.create_room("standup", other, kNow + 1)) == 200);
        CHECK(m.svc.room_settings("standup")->max_participants == 2);  // as LiveKit: the one that exists
        CHECK(code_of(m.join()) == 200);
        CHECK(code_of(m.join()) == 200);
        CHECK(code_of(m.join()) == 401);  // full at 2
        CHECK(code_of(m.svc.create_room("", s, kNow)) == 400);
    }

    TEST_CASE("room metadata: kept in the settings, vcOnRoomUpdate to members") {
        Meeting m;
        m.join();
        ControlResult r = m.svc.update_room_metadata("standup", "m1", kNow);
        CHECK(trace(r.deliveries) == "vcOnRoomUpdate[u1]");
        CHECK(m.svc.room_settings("standup")->metadata == "m1");
        // Metadata of a meeting nobody created goes with the meeting.
        m.svc.handle(m.conns[0], make("vcLeaveRoom"), kNow + 1);
        ControlResult later = m.svc.expire(kNow + 2);
        CHECK(later.settings_changed == std::vector<std::string>{"standup"});
        CHECK_FALSE(m.svc.room_settings("standup"));
    }

    TEST_CASE("empty timeout: a created room is forgotten that long after it is left empty") {
        Meeting m;
        RoomSettings s;
        s.empty_timeout_s = 10;
        m.svc.create_room("standup", s, kNow);
        m.svc.create_room("forever", RoomSettings{}, kNow);
        m.join();
        m.svc.expire(kNow + 60'000);  // occupied: stays
        CHECK(m.svc.room_settings("standup"));
        m.svc.handle(m.conns[0], make("vcLeaveRoom"), kNow + 61'000);
        CHECK(m.svc.expire(kNow + 65'000).settings_changed.empty());
        ControlResult r = m.svc.expire(kNow + 71'000);
        CHECK(r.settings_changed == std::vector<std::string>{"standup"});
        CHECK_FALSE(m.svc.room_settings("standup"));
        CHECK(m.svc.room_settings("forever"));  // no timeout: kept
    }

    TEST_CASE("settings survive a round trip through JSON (the server's store)") {
        RoomSettings s;
        s.creation_time_ms = kNow;
        s.empty_timeout_s = 300;
        s.departure_timeout_s = 20;
        s.max_participants = 10;
        s.metadata = "m";
        s.created = true;
        s.empty_since_ms = kNow + 5;
        const RoomSettings back = RoomSettings::from_json(s.to_json());
        CHECK(back.to_json() == s.to_json());
        Meeting m;
        m.svc.import_room_settings("standup", s.to_json());
        CHECK(m.svc.room_settings("standup")->max_participants == 10);
    }
}
