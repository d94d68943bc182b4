// join_admission: vcJoinRoom with an access token (LiveKit's JWT format, signed by OpenSSL's
// HMAC): the identity becomes the user id, the name and grants apply, every refusal has its
// code, a second join with the same identity takes the member's place over, and the grants
// hold for the rest of the meeting (sources, chat, co-host, opening a new meeting).
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "control_test_support.hpp"
#include "core/control_service.hpp"
#include "server/openssl_hmac.hpp"

using namespace posemeet;
using namespace posemeet::test;

namespace {

constexpr std::int64_t kNowMs = 1'796'063'058'000;
constexpr std::int64_t kNowS = kNowMs / 1000;
const std::string kKey = "APItest";
const std::string kSecret = "test-secret-0123456789abcdef0123456789";

// A participant's claims for `room`, valid for an hour from kNowS.
AccessClaims claims(const std::string& identity, const std::string& room = "standup") {
    AccessClaims c;
    c.api_key = kKey;
    c.identity = identity;
    c.not_before_s = kNowS;
    c.expires_s = kNowS + 3600;
    c.video.room_join = true;
    c.video.room = room;
    return c;
}

std::string mint(const AccessClaims& c, const std::string& secret = kSecret) {
    return sign_access_token(access_claims_json(c), secret, server::openssl_hmac_sha256);
}

struct Service {
    int counter = 0;
    ControlService svc;

    explicit Service(bool tokenless_joins = false) : svc(config(tokenless_joins), [this] { return "user-" + std::to_string(++counter); }) {}

    static ServiceConfig config(bool tokenless_joins) {
        ServiceConfig c;
        c.access_tokens = std::make_shared<AccessTokenVerifier>(
            std::map<std::string, std::string>{{kKey, kSecret}}, server::openssl_hmac_sha256);
        c.tokenless_joins = tokenless_joins;
        return c;
    }

    ControlResult join(ConnectionState& c, const std::string& token, Json extra = Json::object(),
                       const std::string& room = "standup", std::int64_t now = kNowMs) {
        Json content{{"room_id", room}, {"user_name", "Typed Name"}, {"token", token}};
        for (auto& [k, v] : extra.items()) content[k] = v;
        return svc.handle(c, make("vcJoinRoom", content), now);
    }
    ControlResult op(ConnectionState& c, const std::string& event, Json content = Json::object()) {
        return svc.handle(c, make(event, std::move(content)), kNowMs + 1000);
    }
};

std::size_t deliveries_named(const ControlResult& r, const char* event) {
    std::size_t n = 0;
    for (const auto& d : r.deliveries) n += d.message.value("event", std::string()) == event;
    return n;
}

}  // namespace

TEST_SUITE("join_admission") {
    TEST_CASE("a token's identity, name, metadata and attributes become the member's") {
        Service s;
        AccessClaims c = claims("alice");
        c.name = "Alice A.";
        c.metadata = R"({"role":"lead"})";
        c.attributes["team"] = "blue";
        ConnectionState conn;
        const ControlResult r = s.join(conn, mint(c));
        REQUIRE(code_of(r) == 200);
        const Json& user = response_of(r)["user"];
        CHECK(user["user_id"] == "alice");
        CHECK(user["user_name"] == "Alice A.");
        CHECK(user["metadata"] == R"({"role":"lead"})");
        CHECK(user["attributes"] == Json{{"team", "blue"}});
        CHECK(user["permission"] == Json{{"mic", 1}, {"camera", 1}, {"screen", 1}, {"data", 1}, {"room_admin", 0}});
        CHECK(conn.user_id == "alice");
        // The member token for resuming is still the server's own 32 hex digits.
        CHECK(response_of(r)["token"].get<std::string>().size() == 32);
    }

    TEST_CASE("a token without a name takes the typed name; hidden makes the member silent") {
        Service s;
        AccessClaims c = claims("bob");
        c.video.hidden = true;
        ConnectionState conn;
        const ControlResult r = s.join(conn, mint(c));
        REQUIRE(code_of(r) == 200);
        CHECK(response_of(r)["user"]["user_name"] == "Typed Name");
        CHECK(response_of(r)["user"]["is_silence"] == 1);
    }

    TEST_CASE("refusals: no token 451, expired 450, another room / bad signature / no join grant 452") {
        Service s;
        ConnectionState conn;
        CHECK(code_of(s.svc.handle(conn, make("vcJoinRoom", Json{{"room_id", "standup"}, {"user_name", "X"}}), kNowMs)) == 451);
        CHECK(code_of(s.join(conn, "")) == 451);
        AccessClaims old = claims("carol");
        old.expires_s = kNowS - 11;
        CHECK(code_of(s.join(conn, mint(old))) == 450);
        CHECK(code_of(s.join(conn, mint(claims("carol", "other-room")))) == 452);
        CHECK(code_of(s.join(conn, mint(claims("carol")), {}, "standup-2")) == 452);
        const ControlResult forged = s.join(conn, mint(claims("carol"), "not-the-secret-0123456789abcdef01234"));
        CHECK(code_of(forged) == 452);
        CHECK(message_of(forged).find(kSecret) == std::string::npos);
        AccessClaims no_join = claims("carol");
        no_join.video.room_join = false;
        CHECK(code_of(s.join(conn, mint(no_join))) == 452);
        CHECK(code_of(s.join(conn, "0123456789abcdef0123456789abcdef")) == 452);  // a member token is no JWT
        CHECK_FALSE(conn.joined());
        CHECK(s.svc.room_count() == 0);
    }

    TEST_CASE("development mode still takes joins without a token, and checks those with one") {
        Service s(/*tokenless_joins=*/true);
        ConnectionState a, b;
        CHECK(code_of(s.svc.handle(a, make("vcJoinRoom", Json{{"room_id", "standup"}, {"user_name", "X"}}), kNowMs)) == 200);
        CHECK(a.user_id == "user-1");
        CHECK(code_of(s.join(b, mint(claims("dave"), "not-the-secret-0123456789abcdef01234"))) == 452);
        CHECK(code_of(s.join(b, mint(claims("dave")))) == 200);
        CHECK(b.user_id == "dave");
    }

    TEST_CASE("canPublish false: mic and camera never open, and no media is relayed") {
        Service s;
        AccessClaims c = claims("erin");
        c.video.can_publish = false;
        c.video.can_publish_data = true;
        ConnectionState conn;
        const ControlResult r = s.join(conn, mint(c), Json{{"mic", 1}, {"camera", 1}});
        REQUIRE(code_of(r) == 200);
        CHECK(response_of(r)["user"]["mic"] == 0);  // asked for on join, not allowed
        CHECK(response_of(r)["user"]["camera"] == 0);
        CHECK(code_of(s.op(conn, "vcOperateSelfMic", Json{{"operate", 1}})) == 410);
        CHECK(code_of(s.op(conn, "vcOperateSelfCamera", Json{{"operate", 1}})) == 410);
        CHECK(code_of(s.op(conn, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 410);
        CHECK(code_of(s.op(conn, "vcSendMessage", Json{{"message", "hi"}})) == 200);
        std::uint16_t media_id = 0;
        CHECK(s.svc.relay_recipients(conn, {}, MediaKind::Pose, media_id).empty());
        CHECK(s.svc.relay_recipients(conn, {}, MediaKind::Audio, media_id).empty());
    }

    TEST_CASE("canPublishSources limits the sources; canPublishData false forbids chat") {
        Service s;
        ConnectionState host, mia;
        REQUIRE(code_of(s.join(host, mint(claims("host")))) == 200);
        AccessClaims c = claims("mia");
        c.video.can_publish_sources = {"microphone"};
        c.video.can_publish_data = false;
        REQUIRE(code_of(s.join(mia, mint(c))) == 200);
        CHECK(code_of(s.op(mia, "vcOperateSelfMic", Json{{"operate", 1}})) == 200);
        CHECK(code_of(s.op(mia, "vcOperateSelfCamera", Json{{"operate", 1}})) == 410);
        CHECK(code_of(s.op(mia, "vcSharePermissionApply")) == 410);
        CHECK(code_of(s.op(mia, "vcSendMessage", Json{{"message", "hi"}})) == 410);
        // The host asking her to open the camera is refused too: she could never answer yes.
        CHECK(code_of(s.op(host, "vcOperateOtherCamera", Json{{"operate_user_id", "mia"}, {"operate", 1}})) == 410);
        // Turning her mic off still works: closing is always allowed.
        CHECK(code_of(s.op(host, "vcOperateOtherMic", Json{{"operate_user_id", "mia"}, {"operate", 0}})) == 200);
    }

    TEST_CASE("roomAdmin for this room makes a co-host: host operations, and the host's requests") {
        Service s;
        ConnectionState host, admin, guest;
        REQUIRE(code_of(s.join(host, mint(claims("host")))) == 200);
        AccessClaims a = claims("admin");
        a.video.room_admin = true;
        REQUIRE(code_of(s.join(admin, mint(a))) == 200);
        REQUIRE(code_of(s.join(guest, mint(claims("guest")), Json{{"mic", 1}})) == 200);
        CHECK(code_of(s.op(guest, "vcOperateOtherMic", Json{{"operate_user_id", "host"}, {"operate", 0}})) == 410);
        const ControlResult muted = s.op(admin, "vcOperateOtherMic", Json{{"operate_user_id", "guest"}, {"operate", 0}});
        CHECK(code_of(muted) == 200);
        // A request to speak reaches the host and the co-host.
        CHECK(code_of(s.op(admin, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
        const ControlResult ask = s.op(guest, "vcOperateSelfMicApply", Json{{"operate", 1}});
        CHECK(trace(ask.deliveries) == "vcOnOperateSelfMicApply[admin,host]");
        // The co-host may hand the host role on: the host steps down, not the co-host.
        CHECK(code_of(s.op(admin, "vcTransferHost", Json{{"operate_user_id", "guest"}})) == 200);
        const Room* room = s.svc.find_room("standup");
        CHECK(room->host_id() == "guest");
        CHECK(room->find("host")->user_role == UserRole::Visitor);
        CHECK(response_of(s.op(admin, "vcResync"))["user"]["permission"]["room_admin"] == 1);
    }

    TEST_CASE("a second join with the same identity takes the member's place, as a resume") {
        Service s;
        ConnectionState host, first, second;
        REQUIRE(code_of(s.join(host, mint(claims("host")))) == 200);
        const ControlResult one = s.join(first, mint(claims("finn")));
        REQUIRE(code_of(one) == 200);
        const ControlResult two = s.join(second, mint(claims("finn")));
        REQUIRE(code_of(two) == 200);
        CHECK(response_of(two)["resumed"] == 1);
        CHECK(response_of(two)["user"]["user_id"] == "finn");
        CHECK(response_of(two)["token"] != response_of(one)["token"]);
        REQUIRE(two.changes.size() == 1);
        CHECK(two.changes[0].kind == MemberChange::Kind::Resumed);  // the transport closes the first
        CHECK(s.svc.find_room("standup")->members().size() == 2);
        CHECK(deliveries_named(two, "vcOnLeaveRoom") == 0);
        // The first connection holds nothing now; the old member token is void.
        CHECK(code_of(s.op(first, "vcSendMessage", Json{{"message", "hi"}})) == 420);
        ConnectionState third;
        CHECK(code_of(s.svc.handle(third, make("vcResync", Json{{"user_id", "finn"}, {"token", response_of(one)["token"]}}), kNowMs)) == 452);
    }

    TEST_CASE("the same identity connected in another meeting is refused; dropped there, it moves") {
        Service s;
        ConnectionState a, b;
        REQUIRE(code_of(s.join(a, mint(claims("gus", "room-a")), {}, "room-a")) == 200);
        CHECK(code_of(s.join(b, mint(claims("gus", "room-b")), {}, "room-b")) == 421);
        s.svc.close_connection(a, /*clean=*/false, kNowMs + 10);  // dropped: offline in room-a
        CHECK(code_of(s.join(b, mint(claims("gus", "room-b")), {}, "room-b")) == 200);
        CHECK(s.svc.find_room("room-a") == nullptr);  // it was the only member
        CHECK(b.room_id == "room-b");
    }

    TEST_CASE("opening a new meeting where one ended takes roomCreate or roomAdmin") {
        Service s;
        ConnectionState host;
        REQUIRE(code_of(s.join(host, mint(claims("host")))) == 200);
        REQUIRE(code_of(s.op(host, "vcFinishRoom")) == 200);
        ConnectionState late;
        CHECK(code_of(s.join(late, mint(claims("late")))) == 422);
        CHECK(code_of(s.join(late, mint(claims("late")), Json{{"new_meeting", 1}})) == 410);
        AccessClaims creator = claims("late");
        creator.video.room_create = true;
        const ControlResult r = s.join(late, mint(creator), Json{{"new_meeting", 1}});
        CHECK(code_of(r) == 200);
        CHECK(response_of(r)["user"]["user_role"] == 1);
    }

    TEST_CASE("a token's identity longer than a user id is refused") {
        Service s;
        ConnectionState conn;
        CHECK(code_of(s.join(conn, mint(claims(std::string(65, 'x'))))) == 452);
    }
}
