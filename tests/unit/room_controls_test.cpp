// room_controls: the meeting controls of one Room (room_controls.cpp) - own devices, the host
// operating others' devices, mute-all with self-unmute permission and mic applications,
// sharing and share permission, host hand-over, ending the meeting, chat and controls_json.
//
// Each operation is checked for its code, the state it leaves, and the exact sequence of
// notifications it produces: trace() renders them as "event[recipients] event[...]" with
// the recipients of each notification sorted, so a wrong order, a missing or extra
// notification, or a wrong recipient all show up as a string difference.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/room.hpp"

using namespace posemeet;

namespace {

constexpr const char* kRoom = "r1";

JoinRequest req(const std::string& name, int mic = 1, int camera = 1) {
    JoinRequest r;
    r.user_name = name;
    r.mic = mic;
    r.camera = camera;
    return r;
}

std::string trace(const std::vector<Notification>& ns) {
    std::string s;
    for (const auto& n : ns) {
        auto r = n.recipients;
        std::sort(r.begin(), r.end());
        if (!s.empty()) s += ' ';
        s += std::string(protocol::event_name(n.event)) + "[";
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (i) s += ',';
            s += r[i];
        }
        s += "]";
    }
    return s;
}
std::string trace(const Outcome& o) { return trace(o.notifications); }

const Notification& only(const Outcome& o) {
    REQUIRE(o.notifications.size() == 1);
    return o.notifications[0];
}

int code(const Outcome& o) { return static_cast<int>(o.code); }

// True when `data` has every field of `expected` with the same value (extra fields allowed).
bool has_fields(const Json& data, const Json& expected) {
    for (auto it = expected.begin(); it != expected.end(); ++it)
        if (!data.contains(it.key()) || data[it.key()] != it.value()) return false;
    return true;
}

// A room with host "h" (joined first), then visitors "a" and "b", all with mic and camera on.
struct Meeting {
    Room room{kRoom, "Room One", 0, {}};
    Meeting() {
        REQUIRE(room.join("h", req("Hana"), 100).code == ErrorCode::Ok);
        REQUIRE(room.join("a", req("Alice"), 200).code == ErrorCode::Ok);
        REQUIRE(room.join("b", req("Bob"), 300).code == ErrorCode::Ok);
    }
    const UserRecord& u(const std::string& id) const {
        const UserRecord* p = room.find(id);
        REQUIRE(p != nullptr);
        return *p;
    }
    int mic(const std::string& id) const { return u(id).mic; }
    int camera(const std::string& id) const { return u(id).camera; }
    Json me(const std::string& id) const { return room.controls_json(id)["me"]; }
    // Everything an operation could change, to prove a refused one changed nothing.
    Json snapshot() const {
        return Json{{"users", room.user_list_json()},
                    {"record", room.record().to_json()},
                    {"h", room.controls_json("h")},
                    {"a", room.controls_json("a")},
                    {"b", room.controls_json("b")},
                    {"chat", room.chat_history_json()}};
    }
};

const char* self_event(Device d) { return d == Device::Mic ? "vcOnOperateSelfMic" : "vcOnOperateSelfCamera"; }
const char* other_event(Device d) { return d == Device::Mic ? "vcOnOperateOtherMic" : "vcOnOperateOtherCamera"; }
const char* device_name(Device d) { return d == Device::Mic ? "mic" : "camera"; }
const char* asked_field(Device d) { return d == Device::Mic ? "asked_mic_on" : "asked_camera_on"; }

}  // namespace

TEST_SUITE_BEGIN("room_controls");

// ---------------------------------------------------------------------------------------
// own devices

TEST_CASE("own camera and mic: anyone, both ways, notification to every member incl. the actor") {
    struct Row { const char* actor; Device device; int operate; };
    const Row rows[] = {
        {"h", Device::Mic, 0},    {"h", Device::Mic, 1},    {"h", Device::Camera, 0}, {"h", Device::Camera, 1},
        {"a", Device::Mic, 0},    {"a", Device::Mic, 1},    {"a", Device::Camera, 0}, {"a", Device::Camera, 1},
    };
    for (const Row& r : rows) {
        CAPTURE(r.actor);
        CAPTURE(device_name(r.device));
        CAPTURE(r.operate);
        Meeting m;
        Outcome o = m.room.operate_self_device(r.actor, r.device, r.operate);
        CHECK(code(o) == 200);
        CHECK(trace(o) == std::string(self_event(r.device)) + "[a,b,h]");
        const Notification& n = only(o);
        CHECK(n.data == Json{{"room_id", kRoom}, {"user_id", r.actor}, {"operate", r.operate}});
        CHECK((r.device == Device::Mic ? m.mic(r.actor) : m.camera(r.actor)) == r.operate);
        // The other device and the other members are untouched.
        CHECK((r.device == Device::Mic ? m.camera(r.actor) : m.mic(r.actor)) == 1);
        CHECK(m.mic("b") == 1);
        CHECK(m.camera("b") == 1);
    }
}

TEST_CASE("own device operation by a non-member is 404") {
    Meeting m;
    const Json before = m.snapshot();
    Outcome o = m.room.operate_self_device("ghost", Device::Mic, 1);
    CHECK(code(o) == 404);
    CHECK(o.notifications.empty());
    CHECK(m.snapshot() == before);
}

// ---------------------------------------------------------------------------------------
// the host operating someone else's devices

TEST_CASE("host turning a visitor's device off: immediate, vcOnOperateOther* to everyone") {
    for (Device d : {Device::Mic, Device::Camera}) {
        CAPTURE(device_name(d));
        Meeting m;
        Outcome o = m.room.operate_other_device("h", "a", d, 0);
        CHECK(code(o) == 200);
        CHECK(trace(o) == std::string(other_event(d)) + "[a,b,h]");
        CHECK(only(o).data == Json{{"room_id", kRoom}, {"operate_user_id", "a"}, {"operate", 0}});
        CHECK((d == Device::Mic ? m.mic("a") : m.camera("a")) == 0);
        CHECK((d == Device::Mic ? m.camera("a") : m.mic("a")) == 1);
    }
}

TEST_CASE("host asking a visitor to turn a device on is never forced; the target answers") {
    for (Device d : {Device::Mic, Device::Camera}) {
        for (int accept : {0, 1}) {
            CAPTURE(device_name(d));
            CAPTURE(accept);
            Meeting m;
            REQUIRE(m.room.operate_self_device("a", d, 0).code == ErrorCode::Ok);

            Outcome ask = m.room.operate_other_device("h", "a", d, 1);
            CHECK(code(ask) == 200);
            CHECK(trace(ask) == std::string(other_event(d)) + "[a]");  // only the target is asked
            CHECK(only(ask).data == Json{{"room_id", kRoom}, {"operate_user_id", "a"}, {"operate", 1}});
            CHECK((d == Device::Mic ? m.mic("a") : m.camera("a")) == 0);  // not forced on
            CHECK(m.me("a")[asked_field(d)] == true);
            CHECK(m.me("b")[asked_field(d)] == false);

            Outcome reply = m.room.reply_operate_request("a", d, accept);
            CHECK(code(reply) == 200);
            const Json answer{{"user_id", "a"}, {"device", device_name(d)}, {"accept", accept}};
            if (accept) {
                CHECK(trace(reply) == std::string(self_event(d)) + "[a,b,h] vcOnReplyOperateRequest[h]");
                REQUIRE(reply.notifications.size() == 2);
                CHECK(reply.notifications[0].data == Json{{"room_id", kRoom}, {"user_id", "a"}, {"operate", 1}});
                CHECK_MESSAGE(has_fields(reply.notifications[1].data, answer), reply.notifications[1].data.dump());
                CHECK((d == Device::Mic ? m.mic("a") : m.camera("a")) == 1);
            } else {
                CHECK(trace(reply) == "vcOnReplyOperateRequest[h]");
                CHECK_MESSAGE(has_fields(only(reply).data, answer), only(reply).data.dump());
                CHECK((d == Device::Mic ? m.mic("a") : m.camera("a")) == 0);
            }
            CHECK(m.me("a")[asked_field(d)] == false);
            // The request is used up: a second answer has nothing to answer.
            Outcome again = m.room.reply_operate_request("a", d, 1);
            CHECK(code(again) == 404);
            CHECK(again.notifications.empty());
        }
    }
}

TEST_CASE("replying without a pending request is 404 and changes nothing") {
    Meeting m;
    REQUIRE(m.room.operate_self_device("a", Device::Mic, 0).code == ErrorCode::Ok);
    // Asked for the camera does not make a mic answer valid.
    REQUIRE(m.room.operate_other_device("h", "a", Device::Camera, 1).code == ErrorCode::Ok);
    const Json before = m.snapshot();
    for (int accept : {0, 1}) {
        Outcome o = m.room.reply_operate_request("a", Device::Mic, accept);
        CHECK(code(o) == 404);
        CHECK(o.notifications.empty());
        CHECK_FALSE(o.message.empty());
    }
    CHECK(code(m.room.reply_operate_request("b", Device::Camera, 1)) == 404);  // b was not asked
    CHECK(m.snapshot() == before);
}

TEST_CASE("operating others' devices is host only (410, no notification, no change)") {
    for (Device d : {Device::Mic, Device::Camera}) {
        for (int operate : {0, 1}) {
            for (const char* target : {"b", "h", "a", "ghost"}) {
                CAPTURE(device_name(d));
                CAPTURE(operate);
                CAPTURE(target);
                Meeting m;
                const Json before = m.snapshot();
                Outcome o = m.room.operate_other_device("a", target, d, operate);
                CHECK(code(o) == 410);
                CHECK(o.notifications.empty());
                CHECK(m.snapshot() == before);
            }
        }
    }
}

TEST_CASE("host operating an unknown user's device is 404") {
    for (int operate : {0, 1}) {
        Meeting m;
        const Json before = m.snapshot();
        Outcome o = m.room.operate_other_device("h", "ghost", Device::Mic, operate);
        CHECK(code(o) == 404);
        CHECK(o.notifications.empty());
        CHECK(m.snapshot() == before);
    }
}

TEST_CASE("asked to unmute while all are muted without self-unmute: the target may simply open it") {
    Meeting m;
    REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);
    REQUIRE(code(m.room.operate_self_device("a", Device::Mic, 1)) == 410);
    REQUIRE(code(m.room.operate_other_device("h", "a", Device::Mic, 1)) == 200);
    Outcome o = m.room.operate_self_device("a", Device::Mic, 1);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnOperateSelfMic[a,b,h]");
    CHECK(m.mic("a") == 1);
    CHECK(m.me("a")["asked_mic_on"] == false);
    // b was not asked: still refused.
    CHECK(code(m.room.operate_self_device("b", Device::Mic, 1)) == 410);
    // Accepting via the reply also works for someone asked while muted.
    REQUIRE(code(m.room.operate_other_device("h", "b", Device::Mic, 1)) == 200);
    Outcome r = m.room.reply_operate_request("b", Device::Mic, 1);
    CHECK(code(r) == 200);
    CHECK(trace(r) == "vcOnOperateSelfMic[a,b,h] vcOnReplyOperateRequest[h]");
    CHECK(m.mic("b") == 1);
}

// ---------------------------------------------------------------------------------------
// mute all, self-unmute permission, mic applications

TEST_CASE("mute-all mutes the visitors (not the host) and tells everyone") {
    for (int permission : {0, 1}) {
        CAPTURE(permission);
        Meeting m;
        Outcome o = m.room.operate_all_mic("h", 0, permission);
        CHECK(code(o) == 200);
        CHECK(trace(o) == "vcOnOperateAllMic[a,b,h]");
        CHECK(only(o).data == Json{{"room_id", kRoom}, {"user_id", "h"}, {"operate", 0},
                                   {"operate_self_mic_permission", permission}});
        CHECK(m.mic("h") == 1);
        CHECK(m.mic("a") == 0);
        CHECK(m.mic("b") == 0);
        CHECK(m.camera("a") == 1);  // cameras untouched
        const Json st = m.room.controls_json("a");
        CHECK(st["mic_all_status"] == 0);
        CHECK(st["operate_self_mic_permission"] == permission);

        // Turning the mic OFF is always fine; ON only with the permission; the host always.
        CHECK(code(m.room.operate_self_device("a", Device::Mic, 0)) == 200);
        Outcome on = m.room.operate_self_device("a", Device::Mic, 1);
        CHECK(code(on) == (permission ? 200 : 410));
        CHECK(on.notifications.size() == (permission ? 1u : 0u));
        CHECK(m.mic("a") == permission);
        CHECK(code(m.room.operate_self_device("a", Device::Camera, 1)) == 200);  // camera is free
        CHECK(code(m.room.operate_self_device("h", Device::Mic, 0)) == 200);
        CHECK(code(m.room.operate_self_device("h", Device::Mic, 1)) == 200);
    }
}

TEST_CASE("vcOperateAllMic operate 1 lifts the mute") {
    Meeting m;
    REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);
    REQUIRE(code(m.room.operate_self_device("a", Device::Mic, 1)) == 410);
    Outcome o = m.room.operate_all_mic("h", 1, 0);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnOperateAllMic[a,b,h]");
    CHECK(only(o).data["operate"] == 1);
    CHECK(only(o).data["user_id"] == "h");
    CHECK(m.mic("a") == 0);  // lifting does not force anyone's mic on
    CHECK(m.room.controls_json("a")["mic_all_status"] == 1);
    CHECK(code(m.room.operate_self_device("a", Device::Mic, 1)) == 200);
    CHECK(m.mic("a") == 1);
}

TEST_CASE("mute-all is host only") {
    for (int operate : {0, 1}) {
        for (int permission : {0, 1}) {
            Meeting m;
            const Json before = m.snapshot();
            Outcome o = m.room.operate_all_mic("a", operate, permission);
            CHECK(code(o) == 410);
            CHECK(o.notifications.empty());
            CHECK(m.snapshot() == before);
        }
    }
}

TEST_CASE("mic application: host is told, permit 1 lets the applicant unmute, permit 0 does not") {
    for (int permit : {0, 1}) {
        CAPTURE(permit);
        Meeting m;
        REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);

        Outcome apply = m.room.apply_self_mic("a", 1);
        CHECK(code(apply) == 200);
        CHECK(trace(apply) == "vcOnOperateSelfMicApply[h]");
        CHECK(only(apply).data ==
              Json{{"room_id", kRoom}, {"user_id", "a"}, {"user_name", "Alice"}, {"operate", 1}});
        CHECK(m.room.controls_json("h")["mic_applications"] == Json::array({"a"}));
        CHECK(m.room.controls_json("a")["mic_applications"] == Json::array());  // host only
        CHECK(m.me("a")["mic_applying"] == true);

        Outcome p = m.room.permit_self_mic("h", "a", permit);
        CHECK(code(p) == 200);
        CHECK(trace(p) == "vcOnOperateSelfMicPermit[a]");
        CHECK(only(p).data == Json{{"room_id", kRoom}, {"user_id", "a"}, {"permit", permit}});
        CHECK(m.room.controls_json("h")["mic_applications"] == Json::array());
        CHECK(m.me("a")["mic_applying"] == false);
        CHECK(m.me("a")["mic_granted"] == (permit == 1));
        CHECK(m.mic("a") == 0);  // a permit is not an unmute

        Outcome on = m.room.operate_self_device("a", Device::Mic, 1);
        CHECK(code(on) == (permit ? 200 : 410));
        CHECK(m.mic("a") == permit);
        CHECK(code(m.room.operate_self_device("b", Device::Mic, 1)) == 410);  // b never applied

        // The application is used up: permitting again is 404.
        CHECK(code(m.room.permit_self_mic("h", "a", 1)) == 404);
    }
}

TEST_CASE("mic permit: non-applicant 404, unknown user 404, visitor 410 - all without notification") {
    Meeting m;
    REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);
    REQUIRE(m.room.apply_self_mic("a", 1).code == ErrorCode::Ok);
    const Json before = m.snapshot();
    struct Row { const char* actor; const char* applicant; int permit; int code; };
    const Row rows[] = {
        {"h", "b", 1, 404},     {"h", "b", 0, 404},     {"h", "ghost", 1, 404},
        {"b", "a", 1, 410},     {"b", "a", 0, 410},     {"a", "a", 1, 410},
    };
    for (const Row& r : rows) {
        CAPTURE(r.actor);
        CAPTURE(r.applicant);
        CAPTURE(r.permit);
        Outcome o = m.room.permit_self_mic(r.actor, r.applicant, r.permit);
        CHECK(code(o) == r.code);
        CHECK(o.notifications.empty());
        CHECK(m.snapshot() == before);
    }
}

TEST_CASE("a new mute-all clears earlier grants") {
    Meeting m;
    REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);
    REQUIRE(m.room.apply_self_mic("a", 1).code == ErrorCode::Ok);
    REQUIRE(m.room.permit_self_mic("h", "a", 1).code == ErrorCode::Ok);
    REQUIRE(code(m.room.operate_self_device("a", Device::Mic, 1)) == 200);
    REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);
    CHECK(m.mic("a") == 0);
    CHECK(m.me("a")["mic_granted"] == false);
    CHECK(code(m.room.operate_self_device("a", Device::Mic, 1)) == 410);
}

TEST_CASE("withdrawing a mic application (operate 0) tells the host and clears it") {
    Meeting m;
    REQUIRE(m.room.operate_all_mic("h", 0, 0).code == ErrorCode::Ok);
    REQUIRE(m.room.apply_self_mic("a", 1).code == ErrorCode::Ok);
    Outcome o = m.room.apply_self_mic("a", 0);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnOperateSelfMicApply[h]");
    CHECK(only(o).data["operate"] == 0);
    CHECK(m.room.controls_json("h")["mic_applications"] == Json::array());
    CHECK(code(m.room.permit_self_mic("h", "a", 1)) == 404);
}

// ---------------------------------------------------------------------------------------
// sharing and share permission

TEST_CASE("share permission: host 1, visitors 0; a visitor without it cannot share") {
    Meeting m;
    CHECK(m.u("h").share_permission == 1);
    CHECK(m.u("a").share_permission == 0);
    for (int type : {0, 1}) {
        const Json before = m.snapshot();
        Outcome o = m.room.start_share("a", type);
        CHECK(code(o) == 410);
        CHECK(o.notifications.empty());
        CHECK(m.snapshot() == before);
    }
}

TEST_CASE("share application and permit, then start and finish a share") {
    Meeting m;
    Outcome apply = m.room.apply_share_permission("a");
    CHECK(code(apply) == 200);
    CHECK(trace(apply) == "vcOnSharePermissionApply[h]");
    CHECK(only(apply).data == Json{{"room_id", kRoom}, {"user_id", "a"}, {"user_name", "Alice"}});
    CHECK(m.room.controls_json("h")["share_applications"] == Json::array({"a"}));
    CHECK(m.room.controls_json("b")["share_applications"] == Json::array());
    CHECK(m.me("a")["share_applying"] == true);

    Outcome permit = m.room.permit_share("h", "a", 1);
    CHECK(code(permit) == 200);
    CHECK(trace(permit) == "vcOnSharePermissionPermit[a]");
    CHECK(only(permit).data == Json{{"room_id", kRoom}, {"user_id", "a"}, {"permit", 1}});
    CHECK(m.u("a").share_permission == 1);
    CHECK(m.room.controls_json("h")["share_applications"] == Json::array());
    CHECK(m.me("a")["share_applying"] == false);

    Outcome start = m.room.start_share("a", 1);
    CHECK(code(start) == 200);
    CHECK(trace(start) == "vcOnStartShare[a,b,h]");
    CHECK(only(start).data ==
          Json{{"room_id", kRoom}, {"user_id", "a"}, {"user_name", "Alice"}, {"share_type", 1}});
    CHECK(m.u("a").share_status == 1);
    CHECK(m.u("a").share_type == 1);
    CHECK(m.room.controls_json("b")["share_user_id"] == "a");

    // One sharer at a time - even the host waits.
    for (const char* other : {"h", "b"}) {
        CAPTURE(other);
        const Json before = m.snapshot();
        Outcome second = m.room.start_share(other, 0);
        CHECK(code(second) == 410);
        CHECK(second.notifications.empty());
        CHECK(m.snapshot() == before);
    }
    // Only the sharer can finish the share.
    for (const char* other : {"h", "b"}) {
        CAPTURE(other);
        Outcome o = m.room.finish_share(other);
        CHECK(code(o) == 410);
        CHECK(o.notifications.empty());
        CHECK(m.u("a").share_status == 1);
    }
    Outcome fin = m.room.finish_share("a");
    CHECK(code(fin) == 200);
    CHECK(trace(fin) == "vcOnFinishShare[a,b,h]");
    CHECK(only(fin).data == Json{{"room_id", kRoom}, {"user_id", "a"}});
    CHECK(m.u("a").share_status == 0);
    CHECK(m.room.controls_json("h")["share_user_id"] == "");
    // Nobody shares now: finishing again is refused, and the host may start.
    CHECK(code(m.room.finish_share("a")) == 410);
    Outcome host_start = m.room.start_share("h", 0);
    CHECK(code(host_start) == 200);
    CHECK(trace(host_start) == "vcOnStartShare[a,b,h]");
}

TEST_CASE("share permit 0 leaves the applicant without permission") {
    Meeting m;
    REQUIRE(m.room.apply_share_permission("a").code == ErrorCode::Ok);
    Outcome p = m.room.permit_share("h", "a", 0);
    CHECK(code(p) == 200);
    CHECK(trace(p) == "vcOnSharePermissionPermit[a]");
    CHECK(only(p).data["permit"] == 0);
    CHECK(m.u("a").share_permission == 0);
    CHECK(code(m.room.start_share("a", 0)) == 410);
}

TEST_CASE("share permit: non-applicant 404, unknown 404, visitor 410 - without notification") {
    Meeting m;
    REQUIRE(m.room.apply_share_permission("a").code == ErrorCode::Ok);
    const Json before = m.snapshot();
    struct Row { const char* actor; const char* applicant; int permit; int code; };
    const Row rows[] = {
        {"h", "b", 1, 404}, {"h", "ghost", 1, 404}, {"b", "a", 1, 410}, {"a", "a", 1, 410}, {"b", "a", 0, 410},
    };
    for (const Row& r : rows) {
        CAPTURE(r.actor);
        CAPTURE(r.applicant);
        Outcome o = m.room.permit_share(r.actor, r.applicant, r.permit);
        CHECK(code(o) == r.code);
        CHECK(o.notifications.empty());
        CHECK(m.snapshot() == before);
    }
}

TEST_CASE("vcOperateOtherSharePermission: grant and revoke, to everyone; host only") {
    Meeting m;
    Outcome grant = m.room.operate_other_share_permission("h", "b", 1);
    CHECK(code(grant) == 200);
    CHECK(trace(grant) == "vcOnOperateOtherSharePermission[a,b,h]");
    CHECK(only(grant).data == Json{{"room_id", kRoom}, {"operate_user_id", "b"}, {"operate", 1}});
    CHECK(m.u("b").share_permission == 1);
    CHECK(code(m.room.start_share("b", 0)) == 200);

    // A visitor (even one allowed to share) cannot change anyone's share permission.
    for (const char* actor : {"a", "b"}) {
        for (const char* target : {"a", "b", "h"}) {
            CAPTURE(actor);
            CAPTURE(target);
            const Json before = m.snapshot();
            Outcome o = m.room.operate_other_share_permission(actor, target, 0);
            CHECK(code(o) == 410);
            CHECK(o.notifications.empty());
            CHECK(m.snapshot() == before);
        }
    }
    CHECK(code(m.room.operate_other_share_permission("h", "ghost", 1)) == 404);

    // Revoking from the current sharer stops the share: permission first, then the finish.
    Outcome revoke = m.room.operate_other_share_permission("h", "b", 0);
    CHECK(code(revoke) == 200);
    CHECK(trace(revoke) == "vcOnOperateOtherSharePermission[a,b,h] vcOnFinishShare[a,b,h]");
    REQUIRE(revoke.notifications.size() == 2);
    CHECK(revoke.notifications[0].data == Json{{"room_id", kRoom}, {"operate_user_id", "b"}, {"operate", 0}});
    CHECK(revoke.notifications[1].data == Json{{"room_id", kRoom}, {"user_id", "b"}});
    CHECK(m.u("b").share_permission == 0);
    CHECK(m.u("b").share_status == 0);
    CHECK(m.room.controls_json("h")["share_user_id"] == "");
    CHECK(code(m.room.start_share("b", 0)) == 410);

    // Revoking from someone who is not sharing does not touch the sharer.
    REQUIRE(code(m.room.start_share("h", 0)) == 200);
    REQUIRE(code(m.room.operate_other_share_permission("h", "a", 1)) == 200);
    Outcome other = m.room.operate_other_share_permission("h", "a", 0);
    CHECK(trace(other) == "vcOnOperateOtherSharePermission[a,b,h]");
    CHECK(m.u("h").share_status == 1);
}

TEST_CASE("the sharer leaving stops the share for the others") {
    Meeting m;
    REQUIRE(code(m.room.operate_other_share_permission("h", "a", 1)) == 200);
    REQUIRE(code(m.room.start_share("a", 0)) == 200);
    Outcome o = m.room.leave("a", 1000);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnFinishShare[b,h] vcOnLeaveRoom[b,h]");
    REQUIRE(o.notifications.size() == 2);
    CHECK(o.notifications[0].data == Json{{"room_id", kRoom}, {"user_id", "a"}});
    CHECK(m.room.controls_json("h")["share_user_id"] == "");
    CHECK(code(m.room.start_share("h", 1)) == 200);  // the screen is free again
}

TEST_CASE("the sharing host leaving: finish share, leave, then host change, in that order") {
    Meeting m;
    REQUIRE(code(m.room.start_share("h", 1)) == 200);
    Outcome o = m.room.leave("h", 1000);
    CHECK(trace(o) == "vcOnFinishShare[a,b] vcOnLeaveRoom[a,b] vcOnHostChange[a,b]");
    REQUIRE(o.notifications.size() == 3);
    CHECK(o.notifications[2].data == Json{{"room_id", kRoom}, {"user_id", "a"}});
    CHECK(m.u("a").user_role == UserRole::Host);
    CHECK(m.u("a").share_permission == 1);
    CHECK(m.room.controls_json("b")["host_user_id"] == "a");
    CHECK(m.room.controls_json("b")["share_user_id"] == "");
}

TEST_CASE("a share application from someone who may already share is refused") {
    Meeting m;
    Outcome o = m.room.apply_share_permission("h");
    CHECK(code(o) == 410);
    CHECK(o.notifications.empty());
    CHECK(code(m.room.apply_share_permission("ghost")) == 404);
}

// ---------------------------------------------------------------------------------------
// host hand-over

TEST_CASE("host leaving: the earliest-joined remaining member becomes host, everyone remaining is told") {
    Meeting m;
    REQUIRE(m.room.join("c", req("Carol"), 400).code == ErrorCode::Ok);
    REQUIRE(m.room.leave("a", 500).code == ErrorCode::Ok);  // a (2nd joiner) gone: b is next
    Outcome o = m.room.leave("h", 600);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnLeaveRoom[b,c] vcOnHostChange[b,c]");
    CHECK(o.notifications[1].data == Json{{"room_id", kRoom}, {"user_id", "b"}});
    CHECK(m.room.host_id() == "b");
    CHECK(m.u("c").user_role == UserRole::Visitor);
    // The new host has the host's powers; the others still do not.
    CHECK(code(m.room.operate_all_mic("c", 0, 0)) == 410);
    CHECK(code(m.room.operate_all_mic("b", 0, 0)) == 200);
}

TEST_CASE("vcTransferHost: host only; roles swap; vcOnHostChange to everyone") {
    Meeting m;
    for (const char* actor : {"a", "b"}) {
        for (const char* target : {"a", "b", "h"}) {
            CAPTURE(actor);
            CAPTURE(target);
            const Json before = m.snapshot();
            Outcome o = m.room.transfer_host(actor, target);
            CHECK(code(o) == 410);
            CHECK(o.notifications.empty());
            CHECK(m.snapshot() == before);
        }
    }
    CHECK(code(m.room.transfer_host("h", "ghost")) == 404);
    CHECK(m.room.host_id() == "h");

    Outcome o = m.room.transfer_host("h", "b");
    CHECK(code(o) == 200);
    // The role change, then the former host's share permission going with the role.
    CHECK(trace(o) == "vcOnHostChange[a,b,h] vcOnOperateOtherSharePermission[a,b,h]");
    CHECK(o.notifications[0].data == Json{{"room_id", kRoom}, {"user_id", "b"}});
    CHECK(o.notifications[1].data ==
          Json{{"room_id", kRoom}, {"operate_user_id", "h"}, {"operate", 0}, {"host_change", 1}});
    CHECK(m.u("h").share_permission == 0);
    CHECK(m.u("b").user_role == UserRole::Host);
    CHECK(m.u("h").user_role == UserRole::Visitor);
    CHECK(m.u("b").share_permission == 1);
    CHECK(m.room.host_id() == "b");
    CHECK(m.room.controls_json("a")["host_user_id"] == "b");
    int hosts = 0;
    for (const auto& u : m.room.members()) hosts += u.user_role == UserRole::Host;
    CHECK(hosts == 1);
    // Powers moved with the role.
    CHECK(code(m.room.operate_all_mic("h", 0, 0)) == 410);
    CHECK(code(m.room.finish("h", 1)) == 410);
    CHECK(code(m.room.transfer_host("h", "h")) == 410);
    CHECK(code(m.room.operate_all_mic("b", 0, 0)) == 200);
    CHECK(m.mic("h") == 0);  // the old host is now muted with the visitors
    CHECK(m.mic("b") == 1);
}

TEST_CASE("vcTransferHost during a mute-all: the former host keeps speaking and may unmute again") {
    Meeting m;
    REQUIRE(code(m.room.operate_all_mic("h", 0, 0)) == 200);  // no self-unmute
    REQUIRE(m.mic("h") == 1);
    REQUIRE(code(m.room.transfer_host("h", "a")) == 200);
    CHECK(m.mic("h") == 1);                 // not silenced mid-sentence
    CHECK(m.me("h")["mic_granted"] == true);
    CHECK(code(m.room.operate_self_device("h", Device::Mic, 0)) == 200);
    CHECK(code(m.room.operate_self_device("h", Device::Mic, 1)) == 200);
    // A visitor who was muted stays under the rule.
    CHECK(code(m.room.operate_self_device("b", Device::Mic, 1)) == 410);
    // The new host can still mute the former host like anyone.
    CHECK(code(m.room.operate_other_device("a", "h", Device::Mic, 0)) == 200);
    CHECK(m.mic("h") == 0);
}

TEST_CASE("vcTransferHost while the host shares: the share and its permission continue") {
    Meeting m;
    REQUIRE(code(m.room.start_share("h", 1)) == 200);
    Outcome o = m.room.transfer_host("h", "b");
    CHECK(trace(o) == "vcOnHostChange[a,b,h]");
    CHECK(m.u("h").share_permission == 1);
    CHECK(m.room.controls_json("a")["share_user_id"] == "h");
}

// ---------------------------------------------------------------------------------------
// ending the meeting

TEST_CASE("vcFinishRoom: host only; everyone incl. the host is told; the room is ended") {
    Meeting m;
    for (const char* actor : {"a", "b", "ghost"}) {
        CAPTURE(actor);
        const Json before = m.snapshot();
        Outcome o = m.room.finish(actor, 5000);
        CHECK(code(o) == 410);
        CHECK(o.notifications.empty());
        CHECK(m.snapshot() == before);
        CHECK_FALSE(m.room.ended());
    }
    Outcome o = m.room.finish("h", 7777);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnFinishRoom[a,b,h]");
    CHECK(only(o).data == Json{{"room_id", kRoom}, {"reason", 0}});
    CHECK(m.room.ended());
    CHECK(m.room.record().status == RoomStatus::Ended);
    CHECK(m.room.record().to_json()["status"] == 2);
    CHECK(m.room.record().end_time == 7777);
    CHECK(m.room.record().start_time == 100);
    // Nobody is in an ended meeting, and nobody can join it.
    CHECK(m.room.members().empty());
    Outcome join = m.room.join("d", req("Dan"), 8000);
    CHECK(code(join) == 422);
    CHECK(join.notifications.empty());
    CHECK(m.room.find("d") == nullptr);
}

// ---------------------------------------------------------------------------------------
// chat

TEST_CASE("room message: to everyone incl. the sender, increasing ids, reply carries the message") {
    Meeting m;
    Outcome o1 = m.room.send_message("a", "hello", "", 1000);
    CHECK(code(o1) == 200);
    CHECK(trace(o1) == "vcOnMessage[a,b,h]");
    const Json& d = only(o1).data;
    CHECK(d["room_id"] == kRoom);
    CHECK(d["user_id"] == "a");
    CHECK(d["user_name"] == "Alice");
    CHECK(d["message"] == "hello");
    CHECK(d["timestamp"] == 1000);
    CHECK_FALSE(d.contains("to_user_id"));
    const Json& r = o1.response["message"];
    CHECK(r["message_id"] == d["message_id"]);
    CHECK(r["message"] == "hello");
    CHECK(r["user_id"] == "a");

    Outcome o2 = m.room.send_message("h", "second", "", 1001);
    Outcome o3 = m.room.send_message("b", "third", "", 1002);
    const auto id1 = o1.response["message"]["message_id"].get<std::uint64_t>();
    const auto id2 = o2.response["message"]["message_id"].get<std::uint64_t>();
    const auto id3 = o3.response["message"]["message_id"].get<std::uint64_t>();
    CHECK(id1 < id2);
    CHECK(id2 < id3);
    const Json hist = m.room.chat_history_json();
    REQUIRE(hist.size() == 3);
    CHECK(hist[0]["message"] == "hello");
    CHECK(hist[2]["message"] == "third");
}

TEST_CASE("private message: only sender and recipient; not in history; bad recipients 404") {
    Meeting m;
    Outcome o = m.room.send_message("a", "psst", "b", 1000);
    CHECK(code(o) == 200);
    CHECK(trace(o) == "vcOnMessage[a,b]");
    CHECK(only(o).data["to_user_id"] == "b");
    CHECK(o.response["message"]["to_user_id"] == "b");
    CHECK(m.room.chat_history_json().empty());

    for (const char* to : {"a", "ghost"}) {
        CAPTURE(to);
        Outcome bad = m.room.send_message("a", "psst", to, 1001);
        CHECK(code(bad) == 404);
        CHECK(bad.notifications.empty());
    }
    CHECK(m.room.chat_history_json().empty());
    CHECK(code(m.room.send_message("ghost", "hi", "", 1002)) == 404);
    // Ids still increase across private and room messages.
    Outcome room_msg = m.room.send_message("h", "all", "", 1003);
    CHECK(room_msg.response["message"]["message_id"].get<std::uint64_t>() >
          o.response["message"]["message_id"].get<std::uint64_t>());
}

TEST_CASE("chat history keeps the last 200 room messages; the 201st pushes out the oldest") {
    Meeting m;
    for (int i = 1; i <= 200; ++i) {
        REQUIRE(code(m.room.send_message(i % 2 ? "a" : "b", std::string("m").append(std::to_string(i)), "", i)) == 200);
        if (i % 50 == 0) REQUIRE(code(m.room.send_message("a", "private", "h", i)) == 200);
    }
    Json hist = m.room.chat_history_json();
    REQUIRE(hist.size() == kChatHistory);
    CHECK(hist.front()["message"] == "m1");
    CHECK(hist.back()["message"] == "m200");
    REQUIRE(code(m.room.send_message("h", "m201", "", 201)) == 200);
    hist = m.room.chat_history_json();
    REQUIRE(hist.size() == kChatHistory);
    CHECK(hist.front()["message"] == "m2");
    CHECK(hist.back()["message"] == "m201");
    for (std::size_t i = 1; i < hist.size(); ++i)
        CHECK(hist[i]["message_id"].get<std::uint64_t>() > hist[i - 1]["message_id"].get<std::uint64_t>());
    for (const auto& msg : hist) CHECK(msg["message"] != "private");
    // Late joiners get it in the join reply.
    Outcome j = m.room.join("late", req("Late"), 300);
    CHECK(j.response["messages"] == hist);
}

TEST_CASE("Chinese text and names round-trip byte-exact through chat") {
    Room room(kRoom, "会议室", 0, {});
    REQUIRE(room.join("h", req("张伟"), 1).code == ErrorCode::Ok);
    REQUIRE(room.join("a", req("李娜"), 2).code == ErrorCode::Ok);
    const std::string text = "你好，世界！🙂 会议开始了";
    Outcome o = room.send_message("a", text, "", 3);
    REQUIRE(code(o) == 200);
    CHECK(only(o).data["message"].get<std::string>() == text);
    CHECK(only(o).data["user_name"].get<std::string>() == "李娜");
    CHECK(room.chat_history_json()[0]["message"].get<std::string>() == text);
    // Through serialisation too.
    const Json back = Json::parse(only(o).data.dump());
    CHECK(back["message"].get<std::string>() == text);
    CHECK(back["user_name"].get<std::string>() == "李娜");
}

// ---------------------------------------------------------------------------------------
// controls_json

TEST_CASE("controls_json: room-wide fields for all, pending applications for the host only") {
    Meeting m;
    Json st = m.room.controls_json("a");
    CHECK(st["mic_all_status"] == 1);
    CHECK(st["operate_self_mic_permission"] == 1);
    CHECK(st["share_user_id"] == "");
    CHECK(st["host_user_id"] == "h");
    CHECK(st["mic_applications"] == Json::array());
    CHECK(st["share_applications"] == Json::array());
    CHECK(st["me"] == Json{{"mic_granted", false}, {"mic_applying", false}, {"share_applying", false},
                           {"asked_mic_on", false}, {"asked_camera_on", false}});

    REQUIRE(code(m.room.operate_all_mic("h", 0, 0)) == 200);
    REQUIRE(code(m.room.apply_self_mic("b", 1)) == 200);
    REQUIRE(code(m.room.apply_self_mic("a", 1)) == 200);
    REQUIRE(code(m.room.apply_share_permission("b")) == 200);
    REQUIRE(code(m.room.operate_other_device("h", "a", Device::Camera, 1)) == 200);
    REQUIRE(code(m.room.start_share("h", 1)) == 200);

    const Json host = m.room.controls_json("h");
    CHECK(host["mic_all_status"] == 0);
    CHECK(host["operate_self_mic_permission"] == 0);
    CHECK(host["share_user_id"] == "h");
    CHECK(host["host_user_id"] == "h");
    CHECK(host["mic_applications"] == Json::array({"a", "b"}));  // join order
    CHECK(host["share_applications"] == Json::array({"b"}));

    for (const char* v : {"a", "b"}) {
        CAPTURE(v);
        const Json vis = m.room.controls_json(v);
        CHECK(vis["mic_applications"] == Json::array());
        CHECK(vis["share_applications"] == Json::array());
        CHECK(vis["share_user_id"] == "h");
        CHECK(vis["mic_all_status"] == 0);
    }
    CHECK(m.me("a") == Json{{"mic_granted", false}, {"mic_applying", true}, {"share_applying", false},
                            {"asked_mic_on", false}, {"asked_camera_on", true}});
    CHECK(m.me("b") == Json{{"mic_granted", false}, {"mic_applying", true}, {"share_applying", true},
                            {"asked_mic_on", false}, {"asked_camera_on", false}});
    REQUIRE(code(m.room.permit_self_mic("h", "b", 1)) == 200);
    CHECK(m.me("b")["mic_granted"] == true);
    CHECK(m.me("b")["mic_applying"] == false);
    CHECK(m.room.controls_json("h")["mic_applications"] == Json::array({"a"}));
}

// ---------------------------------------------------------------------------------------
// rules that must also hold for members who arrive later

TEST_CASE("a member joining while all are muted without self-unmute joins muted") {
    // Server-authoritative mute-all: the visitor could otherwise bypass the 410 of
    // vcOperateSelfMic simply by (re)joining with mic 1. BUG: Room::join (src/core/room.cpp,
    // `u.mic = req.mic;`) copies the requested mic regardless of mic_all_status_.
    Meeting m;
    REQUIRE(code(m.room.operate_all_mic("h", 0, 0)) == 200);
    Outcome j = m.room.join("late", req("Late", /*mic=*/1), 1000);
    REQUIRE(code(j) == 200);
    CHECK(m.mic("late") == 0);
    CHECK(j.response["user"]["mic"] == 0);
    CHECK(j.response["room_state"]["mic_all_status"] == 0);
    CHECK(j.response["room_state"]["operate_self_mic_permission"] == 0);
}

TEST_SUITE_END();
