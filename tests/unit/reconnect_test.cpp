// reconnect: a WebSocket member that drops without a close frame stays (offline) for the
// grace period with all its state, resumes with its token on a new connection, or expires
// as a leave; a clean close is an immediate leave.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/control_service.hpp"
#include "control_test_support.hpp"

using namespace posemeet;
using protocol::Request;
using namespace posemeet::test;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;
constexpr std::int64_t kGrace = 30'000;
const char* const kRoom = "standup";

std::vector<const Delivery*> of_event(const std::vector<Delivery>& ds, const std::string& event) {
    std::vector<const Delivery*> out;
    for (const auto& d : ds)
        if (d.message["event"] == event) out.push_back(&d);
    return out;
}

// Three members, ids "a" (host), "b", "c" in join order; tokens from a visible generator.
struct Meeting {
    int users = 0, tokens = 0;
    ControlService svc;
    ConnectionState a, b, c;
    std::string token_a, token_b, token_c;

    explicit Meeting(std::int64_t grace = kGrace)
        : svc(config(grace), [this] { return std::string(1, static_cast<char>('a' + users++)); },
              [this] { return numbered("tok-", ++tokens) + std::string(26, '0'); }) {
        token_a = join(a, "Ann", Json{{"camera", 1}, {"mic", 1}});
        token_b = join(b, "Ben", Json{{"camera", 1}, {"mic", 1}});
        token_c = join(c, "Cid", Json::object());
    }
    static ServiceConfig config(std::int64_t grace) {
        ServiceConfig c;
        c.reconnect_grace_ms = grace;
        return c;
    }
    std::string join(ConnectionState& conn, const std::string& name, Json extra) {
        extra["room_id"] = kRoom;
        extra["user_name"] = name;
        ControlResult r = svc.handle(conn, make("vcJoinRoom", extra), kT0);
        REQUIRE(code_of(r) == 200);
        return response_of(r)["token"].get<std::string>();
    }
    ControlResult call(ConnectionState& conn, const std::string& ev, Json content = Json::object(),
                       std::int64_t now = kT0) {
        return svc.handle(conn, make(ev, std::move(content)), now);
    }
    ControlResult resume(ConnectionState& conn, const std::string& user, const std::string& token,
                         std::int64_t now, const char* event = "vcResync") {
        return svc.handle(conn, make(event, Json{{"room_id", kRoom}, {"user_id", user}, {"token", token}}), now);
    }
    const Room& room() const { return *svc.find_room(kRoom); }
    const UserRecord& user(const std::string& id) const { return *room().find(id); }
};

}  // namespace

TEST_SUITE_BEGIN("reconnect");

TEST_CASE("join replies carry a per-member token from the injected generator") {
    Meeting m;
    CHECK(m.token_a == "tok-1" + std::string(26, '0'));
    CHECK(m.token_b == "tok-2" + std::string(26, '0'));
    CHECK(m.token_a != m.token_b);
    // The reply keeps its other fields.
    ConnectionState d;
    ControlResult r = m.svc.handle(d, make("vcJoinRoom", Json{{"room_id", kRoom}, {"user_name", "Dee"}}), kT0);
    for (const char* f : {"room", "user", "user_list", "room_state", "messages", "token"}) {
        INFO(f);
        CHECK(response_of(r).contains(f));
    }
    CHECK(response_of(r)["user"]["online"] == 1);

    // Without an injected generator, tokens are still 32 hex digits and distinct.
    int n = 0;
    ControlService plain(ServiceConfig{}, [&n] { return numbered("u", ++n); });
    ConnectionState x, y;
    const std::string tx =
        response_of(plain.handle(x, make("vcJoinRoom", Json{{"room_id", "r"}, {"user_name", "X"}}), kT0))["token"];
    const std::string ty =
        response_of(plain.handle(y, make("vcJoinRoom", Json{{"room_id", "r"}, {"user_name", "Y"}}), kT0))["token"];
    CHECK(tx.size() == 32);
    CHECK(tx.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(tx != ty);
}

TEST_CASE("a drop without a clean close keeps the member offline with all its state") {
    Meeting m;
    // Ben asks for the mic; the host shares.
    REQUIRE(code_of(m.call(m.b, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 200);
    REQUIRE(code_of(m.call(m.a, "vcStartShare", Json{{"share_type", 0}})) == 200);

    ControlResult r = m.svc.close_connection(m.b, /*clean=*/false, kT0 + 100);
    CHECK_FALSE(m.b.joined());
    CHECK(trace(r.deliveries) == "vcOnUserConnection[a,c]");
    CHECK(r.deliveries[0].message["data"] == Json{{"room_id", kRoom}, {"user_id", "b"}, {"online", 0}});
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].kind == MemberChange::Kind::Offline);
    CHECK(r.changes[0].user_id == "b");

    // Still a member, offline, devices and pending application as they were.
    CHECK(m.room().members().size() == 3);
    CHECK(m.user("b").online == 0);
    CHECK(m.user("b").mic == 1);
    CHECK(m.user("b").camera == 1);
    CHECK(m.user("b").user_role == UserRole::Visitor);
    const Json list = response_of(m.call(m.c, "vcGetUserList"))["user_list"];
    REQUIRE(list.size() == 3);
    CHECK(list[1]["user_id"] == "b");
    CHECK(list[1]["online"] == 0);
    CHECK(list[0]["online"] == 1);
    CHECK(response_of(m.call(m.a, "vcResync"))["room_state"]["mic_applications"] == Json::array({"b"}));
    // The host can still act on the offline member.
    CHECK(code_of(m.call(m.a, "vcOperateSelfMicPermit", Json{{"apply_user_id", "b"}, {"permit", 1}})) == 200);

    // The host (and sharer) drops too: no hand-over, no end of the share while in grace.
    r = m.svc.close_connection(m.a, false, kT0 + 200);
    CHECK(trace(r.deliveries) == "vcOnUserConnection[c]");  // b is offline: queued for it
    CHECK(r.queued_for == std::vector<std::string>{"b"});
    CHECK(m.user("a").user_role == UserRole::Host);
    CHECK(m.room().host_id() == "a");
    CHECK(response_of(m.call(m.c, "vcResync"))["room_state"]["share_user_id"] == "a");
    CHECK(m.user("a").mic == 1);
    CHECK(m.user("a").share_status == 1);
    CHECK(m.svc.participant_count() == 3);

    // Nothing happens within the grace period.
    r = m.svc.expire(kT0 + 100 + kGrace);
    CHECK(r.deliveries.empty());
    CHECK(r.changes.empty());
    CHECK(m.room().members().size() == 3);
}

TEST_CASE("resume within grace with the right token: online again, same member, queued informs follow") {
    Meeting m;
    REQUIRE(code_of(m.call(m.b, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 200);
    m.svc.close_connection(m.b, false, kT0 + 10);
    // While Ben is away: a chat message and a mute by the host are queued for him.
    REQUIRE(code_of(m.call(m.c, "vcSendMessage", Json{{"message", "where is Ben?"}}, kT0 + 20)) == 200);
    REQUIRE(code_of(m.call(m.a, "vcOperateOtherCamera", Json{{"operate_user_id", "b"}, {"operate", 0}}, kT0 + 30)) == 200);
    CHECK(m.svc.member_info("b")->queued == 2);

    ConnectionState b2;
    ControlResult r = m.resume(b2, "b", m.token_b, kT0 + kGrace - 1);
    REQUIRE(code_of(r) == 200);
    const Json& res = response_of(r);
    CHECK(res["resumed"] == 1);
    CHECK(res["token"] == m.token_b);
    for (const char* f : {"room", "user", "user_list", "room_state", "messages"}) {
        INFO(f);
        CHECK(res.contains(f));
    }
    CHECK(res["user"]["user_id"] == "b");
    CHECK(res["user"]["online"] == 1);
    CHECK(res["user"]["camera"] == 0);
    CHECK(res["user"]["mic"] == 1);
    CHECK(res["room_state"]["me"]["mic_applying"] == true);
    CHECK(res["user_list"][1]["online"] == 1);
    CHECK(res["messages"].size() == 1);
    CHECK(b2.joined());
    CHECK(b2.user_id == "b");
    // The others hear Ben is back; Ben gets what was queued, in order, after the reply.
    CHECK(trace(r.deliveries) == "vcOnUserConnection[a,c]");
    CHECK(r.deliveries[0].message["data"] == Json{{"room_id", kRoom}, {"user_id", "b"}, {"online", 1}});
    REQUIRE(r.backlog.size() == 2);
    CHECK(r.backlog[0]["event"] == "vcOnMessage");
    CHECK(r.backlog[1]["event"] == "vcOnOperateOtherCamera");
    CHECK(r.backlog[1]["message_type"] == "inform");
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].kind == MemberChange::Kind::Resumed);
    CHECK(m.svc.member_info("b")->queued == 0);
    CHECK(m.svc.member_info("b")->attached);

    // It works as the member from now on, and informs go to it directly again.
    r = m.call(b2, "vcOperateSelfCamera", Json{{"operate", 1}}, kT0 + kGrace);
    CHECK(code_of(r) == 200);
    CHECK(trace(r.deliveries) == "vcOnOperateSelfCamera[a,b,c]");
    // ...and it no longer expires.
    CHECK(m.svc.expire(kT0 + 10 * kGrace).changes.empty());
    CHECK(m.room().members().size() == 3);
}

TEST_CASE("resume refusals: wrong token 452, empty token 451, unknown member or other room 404") {
    Meeting m;
    m.svc.close_connection(m.b, false, kT0);
    ConnectionState b2;
    CHECK(code_of(m.resume(b2, "b", m.token_a, kT0 + 1)) == 452);
    CHECK(code_of(m.resume(b2, "b", m.token_b + "x", kT0 + 1)) == 452);
    CHECK(code_of(m.resume(b2, "b", "", kT0 + 1)) == 451);
    CHECK(code_of(m.call(b2, "vcResync", Json{{"room_id", kRoom}, {"user_id", "b"}}, kT0 + 1)) == 451);
    CHECK(code_of(m.resume(b2, "zz", m.token_b, kT0 + 1)) == 404);
    CHECK(code_of(m.call(b2, "vcResync", Json{{"room_id", "elsewhere"}, {"user_id", "b"}, {"token", m.token_b}},
                         kT0 + 1)) == 404);
    CHECK(code_of(m.call(b2, "vcResync", Json{{"user_id", 7}, {"token", m.token_b}}, kT0 + 1)) == 400);
    CHECK_FALSE(b2.joined());
    // None of that changed anything: Ben is still offline and can resume.
    CHECK(m.user("b").online == 0);
    ControlResult r = m.resume(b2, "b", m.token_b, kT0 + 2);
    CHECK(code_of(r) == 200);
    CHECK(response_of(r)["resumed"] == 1);
    // A joined connection's vcResync without user_id keeps its old meaning (no resume).
    r = m.call(m.c, "vcResync");
    CHECK(code_of(r) == 200);
    CHECK_FALSE(response_of(r).contains("resumed"));
    CHECK(response_of(r)["user"]["user_id"] == "c");
}

TEST_CASE("vcJoinRoom with {user_id, token} is an alias of resume") {
    Meeting m;
    m.svc.close_connection(m.c, false, kT0);
    ConnectionState c2;
    Json content{{"room_id", kRoom}, {"user_name", "Cid"}, {"user_id", "c"}, {"token", "nope"}};
    CHECK(code_of(m.svc.handle(c2, make("vcJoinRoom", content), kT0 + 1)) == 452);
    content["token"] = "";
    CHECK(code_of(m.svc.handle(c2, make("vcJoinRoom", content), kT0 + 1)) == 451);
    content["token"] = m.token_c;
    ControlResult r = m.svc.handle(c2, make("vcJoinRoom", content), kT0 + 1);
    REQUIRE(code_of(r) == 200);
    CHECK(response_of(r)["resumed"] == 1);
    CHECK(response_of(r)["user"]["user_id"] == "c");
    CHECK(m.room().members().size() == 3);  // the same member, not a new one
    CHECK(of_event(r.deliveries, "vcOnJoinRoom").empty());
    CHECK(of_event(r.deliveries, "vcOnUserConnection").size() == 2);
    // Without a token field, user_id is ignored and it is a fresh join.
    ConnectionState d;
    r = m.svc.handle(d, make("vcJoinRoom", Json{{"room_id", kRoom}, {"user_name", "Dee"}, {"user_id", "c"}}), kT0 + 2);
    CHECK(code_of(r) == 200);
    CHECK(response_of(r)["user"]["user_id"] == "d");
    CHECK_FALSE(response_of(r).contains("resumed"));
}

TEST_CASE("expired: removed as a leave, and a late resume is 404") {
    Meeting m;
    m.svc.close_connection(m.b, false, kT0);
    ControlResult r = m.svc.expire(kT0 + kGrace);  // exactly the grace period: still there
    CHECK(r.changes.empty());
    r = m.svc.expire(kT0 + kGrace + 1);
    CHECK(trace(r.deliveries) == "vcOnLeaveRoom[a,c]");
    CHECK(r.deliveries[0].message["data"]["user"]["user_id"] == "b");
    CHECK(r.deliveries[0].message["data"]["user_count"] == 2);
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].kind == MemberChange::Kind::Left);
    CHECK(r.changes[0].user_id == "b");
    CHECK(m.room().find("b") == nullptr);
    CHECK_FALSE(m.svc.member_info("b"));
    ConnectionState b2;
    CHECK(code_of(m.resume(b2, "b", m.token_b, kT0 + kGrace + 2)) == 404);
    CHECK_FALSE(b2.joined());
    // Expiring again does nothing more.
    CHECK(m.svc.expire(kT0 + 3 * kGrace).deliveries.empty());
}

TEST_CASE("the host offline past grace: leave, share stopped, host to the earliest-joined remaining") {
    Meeting m;
    REQUIRE(code_of(m.call(m.a, "vcStartShare", Json{{"share_type", 1}})) == 200);
    m.svc.close_connection(m.a, false, kT0);
    // Within grace nobody takes over.
    CHECK(m.svc.expire(kT0 + kGrace / 2).deliveries.empty());
    CHECK(m.room().host_id() == "a");
    ControlResult r = m.svc.expire(kT0 + kGrace + 1);
    CHECK(trace(r.deliveries) == "vcOnFinishShare[b,c] vcOnLeaveRoom[b,c] vcOnHostChange[b,c]");
    CHECK(of_event(r.deliveries, "vcOnHostChange")[0]->message["data"] == Json{{"room_id", kRoom}, {"user_id", "b"}});
    CHECK(m.room().host_id() == "b");
    CHECK(m.user("b").user_role == UserRole::Host);
    CHECK(code_of(m.call(m.b, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 1}},
                         kT0 + kGrace + 2)) == 200);
}

TEST_CASE("the earliest-joined remaining member gets the host even when it is offline itself") {
    Meeting m;
    m.svc.close_connection(m.b, false, kT0 + 5);   // b is the next in join order, offline
    m.svc.close_connection(m.a, false, kT0);
    ControlResult r = m.svc.expire(kT0 + kGrace + 1);  // a expires first, b is still in grace
    CHECK(trace(r.deliveries) == "vcOnLeaveRoom[c] vcOnHostChange[c]");
    CHECK(r.queued_for == std::vector<std::string>{"b"});
    CHECK(m.room().host_id() == "b");
    ConnectionState b2;
    r = m.resume(b2, "b", m.token_b, kT0 + kGrace + 2);
    REQUIRE(code_of(r) == 200);
    CHECK(response_of(r)["user"]["user_role"] == 1);
    REQUIRE(r.backlog.size() == 3);  // a offline, a left, host change - in order
    CHECK(r.backlog[0]["event"] == "vcOnUserConnection");
    CHECK(r.backlog[1]["event"] == "vcOnLeaveRoom");
    CHECK(r.backlog[2]["event"] == "vcOnHostChange");
}

TEST_CASE("the host back within grace stays host") {
    Meeting m;
    m.svc.close_connection(m.a, false, kT0);
    ConnectionState a2;
    ControlResult r = m.resume(a2, "a", m.token_a, kT0 + kGrace);
    REQUIRE(code_of(r) == 200);
    CHECK(response_of(r)["user"]["user_role"] == 1);
    CHECK(response_of(r)["room_state"]["host_user_id"] == "a");
    r = m.svc.expire(kT0 + 5 * kGrace);
    CHECK(r.deliveries.empty());
    CHECK(m.room().host_id() == "a");
    CHECK(code_of(m.call(a2, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 1}})) == 200);
    // A second drop starts a new grace period from that moment.
    m.svc.close_connection(a2, false, kT0 + 6 * kGrace);
    CHECK(m.svc.expire(kT0 + 7 * kGrace).changes.empty());
    CHECK(m.svc.expire(kT0 + 7 * kGrace + 1).changes.size() == 1);
    CHECK(m.room().host_id() == "b");
}

TEST_CASE("a clean close leaves at once, and the member cannot resume") {
    Meeting m;
    ControlResult r = m.svc.close_connection(m.b, /*clean=*/true, kT0);
    CHECK(trace(r.deliveries) == "vcOnLeaveRoom[a,c]");
    REQUIRE(r.changes.size() == 1);
    CHECK(r.changes[0].kind == MemberChange::Kind::Left);
    CHECK(m.room().find("b") == nullptr);
    ConnectionState b2;
    CHECK(code_of(m.resume(b2, "b", m.token_b, kT0 + 1)) == 404);
    // disconnect() is the same clean close; vcLeaveRoom too.
    CHECK(trace(m.svc.disconnect(m.c, kT0 + 2)) == "vcOnLeaveRoom[a]");
    CHECK(code_of(m.resume(b2, "c", m.token_c, kT0 + 3)) == 404);
    CHECK(m.room().members().size() == 1);
}

TEST_CASE("grace 0: a drop is a leave") {
    Meeting m(0);
    ControlResult r = m.svc.close_connection(m.b, /*clean=*/false, kT0);
    CHECK(trace(r.deliveries) == "vcOnLeaveRoom[a,c]");
    CHECK(m.room().find("b") == nullptr);
}

TEST_CASE("resuming while the old connection still looks open: the old one holds nothing") {
    Meeting m;
    ConnectionState old_b = m.b;  // the server has not noticed that socket is dead
    ConnectionState b2;
    ControlResult r = m.resume(b2, "b", m.token_b, kT0 + 1);
    REQUIRE(code_of(r) == 200);
    CHECK(response_of(r)["resumed"] == 1);
    CHECK(r.deliveries.empty());  // it never was offline
    // The old connection's next request: 420, and it is reset.
    r = m.call(old_b, "vcOperateSelfMic", Json{{"operate", 0}}, kT0 + 2);
    CHECK(code_of(r) == 420);
    CHECK(r.deliveries.empty());
    CHECK_FALSE(old_b.joined());
    CHECK(m.user("b").mic == 1);
    // Its close (clean or not) does not touch the member.
    ConnectionState old_again = m.b;
    CHECK(m.svc.close_connection(old_again, true, kT0 + 3).deliveries.empty());
    CHECK(m.svc.close_connection(m.b, false, kT0 + 3).deliveries.empty());
    CHECK(m.user("b").online == 1);
    CHECK(m.room().find("b"));
    // Informs go to the new connection.
    r = m.call(m.a, "vcOperateOtherMic", Json{{"operate_user_id", "b"}, {"operate", 0}}, kT0 + 4);
    CHECK(trace(r.deliveries) == "vcOnOperateOtherMic[a,b,c]");
    CHECK(code_of(m.call(b2, "vcGetUserList", Json::object(), kT0 + 5)) == 200);
}

TEST_CASE("a member offline when the meeting ends: its resume is 422, and it is forgotten later") {
    Meeting m;
    m.svc.close_connection(m.b, false, kT0);
    ControlResult r = m.call(m.a, "vcFinishRoom", Json::object(), kT0 + 1);
    REQUIRE(code_of(r) == 200);
    CHECK(trace(r.deliveries) == "vcOnFinishRoom[a,c]");
    CHECK(r.queued_for == std::vector<std::string>{"b"});
    CHECK(r.changes.size() == 3);
    for (const auto& ch : r.changes) {
        CHECK(ch.kind == MemberChange::Kind::Left);
        CHECK(ch.meeting_ended);
    }
    ConnectionState b2;
    CHECK(code_of(m.resume(b2, "b", m.token_b, kT0 + 2)) == 422);
    CHECK(code_of(m.resume(b2, "b", "wrong", kT0 + 2)) == 452);
    CHECK(m.svc.expire(kT0 + 2 * kGrace).changes.empty());
    CHECK_FALSE(m.svc.member_info("b"));
    CHECK(code_of(m.resume(b2, "b", m.token_b, kT0 + 2 * kGrace + 1)) == 404);
}

TEST_CASE("many drops and resumes keep one member and one place in the list") {
    Meeting m;
    ConnectionState conn = m.b;
    for (int i = 0; i < 50; ++i) {
        const std::int64_t t = kT0 + i * 1000;
        m.svc.close_connection(conn, false, t);
        CHECK(m.user("b").online == 0);
        ConnectionState next;
        REQUIRE(code_of(m.resume(next, "b", m.token_b, t + 500, i % 2 ? "vcJoinRoom" : "vcResync")) == 200);
        conn = next;
    }
    CHECK(m.room().members().size() == 3);
    CHECK(m.room().members()[1].user_id == "b");
    CHECK(m.user("b").online == 1);
    CHECK(m.svc.expire(kT0 + 100 * kGrace).changes.empty());
}

TEST_SUITE_END();
