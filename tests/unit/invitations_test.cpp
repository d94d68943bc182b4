// invitations: the operator invites identities to a running meeting; each becomes joined
// (a token join with its identity), declined or missed (past its timeout), every change is
// told to the room's members (vcOnInvitation), and join/resync responses and the stored
// room state carry the list.
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
const std::string kKey = "APIinvite";
const std::string kSecret = "invite-secret-0123456789abcdef012345678";

std::string join_token(const std::string& identity, const std::string& room = "standup") {
    AccessClaims c;
    c.api_key = kKey;
    c.identity = identity;
    c.not_before_s = kNowMs / 1000;
    c.expires_s = kNowMs / 1000 + 3600;
    c.video.room_join = true;
    c.video.room = room;
    return sign_access_token(access_claims_json(c), kSecret, server::openssl_hmac_sha256);
}

struct Fixture {
    int counter = 0;
    ControlService svc{config(), [this] { return "user-" + std::to_string(++counter); }};
    ConnectionState host;

    static ServiceConfig config() {
        ServiceConfig c;
        c.access_tokens = std::make_shared<AccessTokenVerifier>(std::map<std::string, std::string>{{kKey, kSecret}},
                                                                server::openssl_hmac_sha256);
        c.tokenless_joins = false;
        return c;
    }
    Fixture() { REQUIRE(code_of(join(host, "host")) == 200); }

    ControlResult join(ConnectionState& c, const std::string& identity, const std::string& room = "standup",
                       std::int64_t now = kNowMs) {
        return svc.handle(c, make("vcJoinRoom", Json{{"room_id", room}, {"token", join_token(identity, room)}}), now);
    }
    ControlResult invite(std::vector<Invitee> who, std::int64_t timeout_ms = 60'000, const std::string& room = "standup") {
        return svc.invite(room, who, timeout_ms, kNowMs + 100);
    }
    std::string status_of(const std::string& identity) const {
        for (const auto& inv : svc.invitations("standup"))
            if (inv.identity == identity) return invitation_status_name(inv.status);
        return "none";
    }
};

// The vcOnInvitation informs in a result: "identity:status" per delivery, as "recipient>".
std::vector<std::string> invitation_informs(const ControlResult& r) {
    std::vector<std::string> out;
    for (const auto& d : r.deliveries)
        if (d.message.value("event", std::string()) == "vcOnInvitation")
            out.push_back(d.user_id + ">" + d.message["data"]["invitation"]["identity"].get<std::string>() + ":" +
                          d.message["data"]["invitation"]["status"].get<std::string>());
    return out;
}

}  // namespace

TEST_SUITE("invitations") {
    TEST_CASE("inviting lists the invitees as invited, with their expiry, and tells every member") {
        Fixture f;
        ConnectionState guest;
        REQUIRE(code_of(f.join(guest, "guest")) == 200);
        const ControlResult r = f.invite({{"ana", "Ana"}, {"bo", ""}}, 5000);
        REQUIRE(code_of(r) == 200);
        const Json& made = response_of(r)["invitations"];
        REQUIRE(made.size() == 2);
        CHECK(made[0]["identity"] == "ana");
        CHECK(made[0]["name"] == "Ana");
        CHECK(made[0]["status"] == "invited");
        CHECK(made[0]["invited_at"] == kNowMs + 100);
        CHECK(made[0]["expires_at"] == kNowMs + 5100);
        CHECK(invitation_informs(r) == std::vector<std::string>{"host>ana:invited", "guest>ana:invited",
                                                                "host>bo:invited", "guest>bo:invited"});
        CHECK(r.reply.value("message_type", "") == "return");
        CHECK(r.rooms_changed == std::vector<std::string>{"standup"});
        CHECK(f.status_of("ana") == "invited");
    }

    TEST_CASE("a token join with the invited identity makes it joined, told to everyone, the joiner included") {
        Fixture f;
        REQUIRE(code_of(f.invite({{"ana", "Ana"}})) == 200);
        ConnectionState ana;
        const ControlResult r = f.join(ana, "ana", "standup", kNowMs + 500);
        REQUIRE(code_of(r) == 200);
        CHECK(f.status_of("ana") == "joined");
        CHECK(invitation_informs(r) == std::vector<std::string>{"host>ana:joined", "ana>ana:joined"});
        // The join response carries the list, already showing the joiner as joined.
        REQUIRE(response_of(r)["invitations"].size() == 1);
        CHECK(response_of(r)["invitations"][0]["status"] == "joined");
        // A joined invitation does not time out.
        const ControlResult later = f.svc.expire(kNowMs + 120'000);
        CHECK(invitation_informs(later).empty());
        CHECK(f.status_of("ana") == "joined");
    }

    TEST_CASE("an invitation not taken up before its timeout is missed, once") {
        Fixture f;
        REQUIRE(code_of(f.invite({{"ana", "Ana"}}, 2000)) == 200);
        CHECK(invitation_informs(f.svc.expire(kNowMs + 2099)).empty());  // not yet due
        CHECK(f.status_of("ana") == "invited");
        const ControlResult due = f.svc.expire(kNowMs + 2100);
        CHECK(invitation_informs(due) == std::vector<std::string>{"host>ana:missed"});
        CHECK(due.rooms_changed == std::vector<std::string>{"standup"});
        CHECK(f.status_of("ana") == "missed");
        CHECK(invitation_informs(f.svc.expire(kNowMs + 3000)).empty());
        // Joining after it was missed is a plain join; the invitation stays missed.
        ConnectionState ana;
        REQUIRE(code_of(f.join(ana, "ana", "standup", kNowMs + 4000)) == 200);
        CHECK(f.status_of("ana") == "missed");
    }

    TEST_CASE("declining: declined and told; again is no error; after joining or missing it is refused") {
        Fixture f;
        REQUIRE(code_of(f.invite({{"ana", "Ana"}, {"bo", "Bo"}, {"cy", "Cy"}}, 2000)) == 200);
        const ControlResult r = f.svc.decline_invitation("standup", "ana", kNowMs + 200);
        REQUIRE(code_of(r) == 200);
        CHECK(response_of(r)["invitation"]["status"] == "declined");
        CHECK(invitation_informs(r) == std::vector<std::string>{"host>ana:declined"});
        CHECK(f.status_of("ana") == "declined");
        const ControlResult again = f.svc.decline_invitation("standup", "ana", kNowMs + 300);
        CHECK(code_of(again) == 200);
        CHECK(invitation_informs(again).empty());
        // A declined invitation is not missed later.
        CHECK(invitation_informs(f.svc.expire(kNowMs + 5000)) == std::vector<std::string>{"host>bo:missed", "host>cy:missed"});
        CHECK(f.status_of("ana") == "declined");
        CHECK(code_of(f.svc.decline_invitation("standup", "bo", kNowMs + 5001)) == 410);  // missed
        CHECK(code_of(f.svc.decline_invitation("standup", "nobody", kNowMs + 5001)) == 404);
        CHECK(code_of(f.svc.decline_invitation("elsewhere", "ana", kNowMs + 5001)) == 404);
    }

    TEST_CASE("declining after joining is refused, and the status stays joined") {
        Fixture f;
        REQUIRE(code_of(f.invite({{"ana", "Ana"}})) == 200);
        ConnectionState ana;
        REQUIRE(code_of(f.join(ana, "ana")) == 200);
        const ControlResult r = f.svc.decline_invitation("standup", "ana", kNowMs + 200);
        CHECK(code_of(r) == 410);
        CHECK(r.deliveries.empty());
        CHECK(f.status_of("ana") == "joined");
    }

    TEST_CASE("refusals: no meeting running, malformed or repeated invitees, too many, a bad timeout") {
        Fixture f;
        CHECK(code_of(f.invite({{"ana", "Ana"}}, 60'000, "elsewhere")) == 404);
        CHECK(code_of(f.invite({})) == 400);
        CHECK(code_of(f.invite({{"", "No Identity"}})) == 400);
        CHECK(code_of(f.invite({{std::string(65, 'x'), ""}})) == 400);
        CHECK(code_of(f.invite({{"ana", std::string(129, 'n')}})) == 400);
        CHECK(code_of(f.invite({{"ana", "A"}, {"ana", "B"}})) == 400);
        CHECK(code_of(f.invite({{"ana", "Ana"}}, 0)) == 400);
        std::vector<Invitee> crowd;
        for (int i = 0; i <= static_cast<int>(kMaxInviteesPerCall); ++i) crowd.push_back({numbered("p", i), ""});
        CHECK(code_of(f.invite(crowd)) == 400);
        CHECK(f.svc.invitations("standup").empty());  // nothing was kept by a refused call
    }

    TEST_CASE("inviting a member is joined at once; inviting again renews an invitation") {
        Fixture f;
        ConnectionState guest;
        REQUIRE(code_of(f.join(guest, "guest")) == 200);
        REQUIRE(code_of(f.invite({{"guest", "Guest"}, {"ana", "Ana"}}, 1000)) == 200);
        CHECK(f.status_of("guest") == "joined");
        REQUIRE(code_of(f.svc.decline_invitation("standup", "ana", kNowMs + 200)) == 200);
        const ControlResult again = f.svc.invite("standup", {{"ana", "Ana Again"}}, 10'000, kNowMs + 300);
        REQUIRE(code_of(again) == 200);
        CHECK(f.svc.invitations("standup").size() == 2);
        CHECK(f.status_of("ana") == "invited");
        CHECK(response_of(again)["invitations"][0]["expires_at"] == kNowMs + 10'300);
    }

    TEST_CASE("join and resync responses carry the list; the stored state brings it back; a new meeting starts none") {
        Fixture f;
        REQUIRE(code_of(f.invite({{"ana", "Ana"}, {"bo", "Bo"}}, 2000)) == 200);
        ConnectionState guest;
        const ControlResult joined = f.join(guest, "guest");
        REQUIRE(response_of(joined)["invitations"].size() == 2);
        const ControlResult resync = f.svc.handle(f.host, make("vcResync"), kNowMs + 200);
        REQUIRE(code_of(resync) == 200);
        REQUIRE(response_of(resync)["invitations"].size() == 2);
        CHECK(response_of(resync)["invitations"][1]["identity"] == "bo");
        CHECK(response_of(resync)["invitations"][1]["status"] == "invited");

        // A restart: the stored state brings the invitations back, still timing out.
        const auto state = f.svc.export_room("standup");
        REQUIRE(state.has_value());
        ControlService fresh(Fixture::config(), [] { return std::string("x"); });
        std::vector<MemberChange> changes;
        std::string error;
        REQUIRE(fresh.import_room(*state, kNowMs + 300, changes, error));
        REQUIRE(fresh.invitations("standup").size() == 2);
        CHECK(fresh.invitations("standup")[0].expires_at_ms == kNowMs + 2100);
        const ControlResult due = fresh.expire(kNowMs + 2100);
        CHECK(fresh.invitations("standup")[0].status == InvitationStatus::Missed);
        CHECK(due.rooms_changed == std::vector<std::string>{"standup"});

        // Everyone leaves: the meeting is over and its invitations go with it.
        REQUIRE(code_of(f.svc.handle(guest, make("vcLeaveRoom"), kNowMs + 400)) == 200);
        REQUIRE(code_of(f.svc.handle(f.host, make("vcLeaveRoom"), kNowMs + 400)) == 200);
        ConnectionState next;
        const ControlResult reopened = f.join(next, "newcomer", "standup", kNowMs + 500);
        REQUIRE(code_of(reopened) == 200);
        CHECK(response_of(reopened)["invitations"].empty());
        CHECK(f.svc.invitations("standup").empty());
    }

    TEST_CASE("invitations read back from JSON, and unknown statuses are skipped") {
        const Invitation inv{"ana", "Ana", InvitationStatus::Declined, 10, 20, 15};
        const auto back = Invitation::from_json(inv.to_json());
        REQUIRE(back.has_value());
        CHECK(back->to_json() == inv.to_json());
        CHECK_FALSE(Invitation::from_json(Json{{"identity", "ana"}, {"status", "maybe"}}).has_value());
        CHECK_FALSE(Invitation::from_json(Json{{"status", "invited"}}).has_value());
    }
}
