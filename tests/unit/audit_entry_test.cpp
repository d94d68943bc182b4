// audit_entry: what the audit log records for which request (host-only control events
// only, mutating room-service methods only), the fields it keeps (never the operator's
// token, never SendData's data), clipping, the entry's JSON, and the reader's parameters
// and grants (GET /api/v1/audit).
#include "core/audit_entry.hpp"

#include <doctest/doctest.h>

#include "control_test_support.hpp"

using namespace posemeet;
using namespace posemeet::test;

namespace {

constexpr std::int64_t kNow = 1'796'063'058'000;

std::string name_of(const std::string& room, const std::string& user) {
    return room == "standup" && user == "u2" ? "Bob '); DROP TABLE audit_log; --" : "";
}

AccessClaims operator_claims() {
    AccessClaims c;
    c.api_key = "APIkey";
    c.identity = "backend";
    c.video.room_admin = true;
    c.video.room = "standup";
    return c;
}

}  // namespace

TEST_SUITE("audit_entry") {
    TEST_CASE("every host-only request of the protocol table is recorded, and nothing else") {
        for (const auto& info : protocol::control_events()) {
            const auto entry =
                audit_of_request(make(info.name), "u1", "standup", AuditApi::WebSocket, 200, kNow);
            CAPTURE(info.name);
            CHECK(entry.has_value() == (info.direction == protocol::Direction::Request &&
                                        info.sender == protocol::Sender::Host));
        }
        CHECK_FALSE(audit_of_request(make("vcNoSuchEvent"), "u1", "standup", AuditApi::WebSocket,
                                     405, kNow));
    }

    TEST_CASE("a host mutes a member: actor, target, operate, names; refusals keep their code") {
        const auto e = audit_of_request(
            make("vcOperateOtherMic", Json{{"operate_user_id", "u2"}, {"operate", 0}}), "u1",
            "standup", AuditApi::Http, 410, kNow, name_of);
        REQUIRE(e);
        CHECK(e->room_id == "standup");
        CHECK(e->actor == "u1");
        CHECK_FALSE(e->by_operator);
        CHECK(e->action == "vcOperateOtherMic");
        CHECK(e->target == "u2");
        CHECK(e->code == 410);
        CHECK(e->time_ms == kNow);
        CHECK(e->detail ==
              Json{{"operate", 0}, {"target_name", "Bob '); DROP TABLE audit_log; --"}});
        const Json j = audit_entry_json(*e);
        CHECK(j["api"] == "http");
        CHECK(j["actor_kind"] == "member");
        CHECK(j["time"] == kNow);
    }

    TEST_CASE("the target field per event; mute-all keeps its values; finishing has no target") {
        CHECK(audit_of_request(
                  make("vcOperateSelfMicPermit", Json{{"apply_user_id", "u3"}, {"permit", 1}}),
                  "u1", "standup", AuditApi::WebSocket, 200, kNow)
                  ->target == "u3");
        CHECK(audit_of_request(make("vcTransferHost", Json{{"operate_user_id", "u4"}}), "u1",
                               "standup", AuditApi::WebSocket, 200, kNow)
                  ->target == "u4");
        const auto all = audit_of_request(
            make("vcOperateAllMic",
                 Json{{"operate", 0}, {"operate_self_mic_permission", 0}, {"extra", "x"}}),
            "u1", "standup", AuditApi::WebSocket, 200, kNow);
        CHECK(all->target.empty());
        CHECK(all->detail == Json{{"operate", 0}, {"operate_self_mic_permission", 0}});
        CHECK(
            audit_of_request(make("vcFinishRoom"), "u1", "standup", AuditApi::WebSocket, 200, kNow)
                ->target.empty());
    }

    TEST_CASE(
        "no actor or no room (a connection that never joined, bad HTTP credentials): nothing "
        "recorded") {
        const auto req = make("vcFinishRoom");
        CHECK_FALSE(audit_of_request(req, "", "standup", AuditApi::Http, 452, kNow));
        CHECK_FALSE(audit_of_request(req, "u1", "", AuditApi::WebSocket, 420, kNow));
    }

    TEST_CASE("room service: mutating methods only; the operator is its API key and identity") {
        const AccessClaims claims = operator_claims();
        for (const char* read : {"ListRooms", "ListParticipants", "GetParticipant", "Nope"})
            CHECK_FALSE(audit_of_room_service(read, Json{{"room", "standup"}}, claims, 200, kNow));
        for (const char* write :
             {"CreateRoom", "DeleteRoom", "RemoveParticipant", "MutePublishedTrack",
              "UpdateParticipant", "UpdateRoomMetadata", "SendData"})
            CHECK(audit_of_room_service(write, Json{{"room", "standup"}}, claims, 200, kNow));

        const auto e = audit_of_room_service(
            "RemoveParticipant", Json{{"room", "standup"}, {"identity", "u2"}}, claims, 403, kNow);
        CHECK(e->actor == "APIkey");
        CHECK(e->by_operator);
        CHECK(e->target == "u2");
        CHECK(e->code == 403);
        CHECK(e->detail == Json{{"identity", "backend"}});
        CHECK(audit_entry_json(*e)["api"] == "room_service");
        CHECK(audit_entry_json(*e)["actor_kind"] == "operator");
        // CreateRoom names its room in `name`.
        CHECK(audit_of_room_service("CreateRoom", Json{{"name", "new"}, {"emptyTimeout", 30}},
                                    claims, 200, kNow)
                  ->room_id == "new");
    }

    TEST_CASE("an operator's invitations: who was invited (the first 20 and how many), by which key") {
        const AccessClaims claims = operator_claims();
        Json invitees = Json::array();
        for (int i = 0; i < 25; ++i) invitees.push_back(Json{{"identity", "p" + std::to_string(i)}});
        const AuditEntry e = audit_of_invitation("standup", Json{{"invitees", invitees}, {"timeout_s", 90}}, claims,
                                                 200, kNow);
        CHECK(e.action == "Invite");
        CHECK(e.actor == "APIkey");
        CHECK(e.by_operator);
        CHECK(e.room_id == "standup");
        CHECK(e.detail["invitees"].size() == 20);
        CHECK(e.detail["invitees"][19] == "p19");
        CHECK(e.detail["count"] == 25);
        CHECK(e.detail["timeout_s"] == 90);
        CHECK(audit_entry_json(e)["api"] == "invitations");
        // A body that is no JSON is still recorded (refused), with no detail from it.
        const AuditEntry bad = audit_of_invitation("standup", Json(), claims, 400, kNow);
        CHECK(bad.code == 400);
        CHECK_FALSE(bad.detail.contains("invitees"));
    }

    TEST_CASE(
        "room service details: new names and metadata kept (clipped), never SendData's data") {
        const AccessClaims claims = operator_claims();
        const auto upd = audit_of_room_service("UpdateParticipant",
                                               Json{{"room", "standup"},
                                                    {"identity", "u2"},
                                                    {"name", "<script>x</script>"},
                                                    {"metadata", std::string(300, 'm')}},
                                               claims, 200, kNow);
        CHECK(upd->detail["name"] == "<script>x</script>");
        CHECK(upd->detail["metadata"].get<std::string>().size() == kAuditMaxDetailString);
        // Cut on a character boundary: 'é' is two bytes.
        std::string accents;
        for (int i = 0; i < 200; ++i) accents += "\xc3\xa9";
        const auto meta = audit_of_room_service("UpdateRoomMetadata",
                                                Json{{"room", "standup"}, {"metadata", accents}},
                                                claims, 200, kNow);
        const std::string kept = meta->detail["metadata"];
        CHECK(kept.size() == kAuditMaxDetailString);
        CHECK(protocol::is_valid_utf8(kept));

        const auto data = audit_of_room_service("SendData",
                                                Json{{"room", "standup"},
                                                     {"data", "c2VjcmV0"},
                                                     {"topic", "t"},
                                                     {"destinationIdentities", {"u2"}}},
                                                claims, 200, kNow);
        CHECK(data->detail.find("data") == data->detail.end());
        CHECK(data->detail["bytes"] == 6);
        CHECK(data->detail["destinationIdentities"] == Json{"u2"});
        // A body that is not an object (refused as malformed) is still recorded, without fields.
        const auto odd = audit_of_room_service("DeleteRoom", Json::array(), claims, 400, kNow);
        CHECK(odd->room_id.empty());
        CHECK(odd->code == 400);
    }

    TEST_CASE("reader parameters: defaults, bounds, unknown and repeated names") {
        std::string error;
        auto q = read_audit_query({}, error);
        REQUIRE(q);
        CHECK(q->room.empty());
        CHECK(q->after == 0);
        CHECK(q->limit == kAuditDefaultLimit);
        q = read_audit_query({{"room", "standup"}, {"after", "41"}, {"limit", "1000"}}, error);
        REQUIRE(q);
        CHECK(q->room == "standup");
        CHECK(q->after == 41);
        CHECK(q->limit == 1000);
        CHECK_FALSE(read_audit_query({{"limit", "1001"}}, error));
        CHECK_FALSE(read_audit_query({{"limit", "0"}}, error));
        CHECK_FALSE(read_audit_query({{"limit", "ten"}}, error));
        CHECK_FALSE(read_audit_query({{"after", "-1"}}, error));
        CHECK_FALSE(read_audit_query({{"room", ""}}, error));
        CHECK_FALSE(read_audit_query({{"room", std::string(65, 'r')}}, error));
        CHECK_FALSE(read_audit_query({{"room", "a"}, {"room", "b"}}, error));
        CHECK_FALSE(read_audit_query({{"rooms", "a"}}, error));
        CHECK(error.find("unknown parameter") != std::string::npos);
    }

    TEST_CASE("reader grants: roomAdmin for that room, or roomList for any") {
        std::string why;
        VideoGrant admin;
        admin.room_admin = true;
        admin.room = "standup";
        CHECK(audit_read_status(admin, "standup", why) == 200);
        CHECK(audit_read_status(admin, "other", why) == 403);
        CHECK(audit_read_status(admin, "", why) == 400);
        VideoGrant join;
        join.room_join = true;
        join.room = "standup";
        CHECK(audit_read_status(join, "standup", why) == 403);
        VideoGrant lister;
        lister.room_list = true;
        CHECK(audit_read_status(lister, "", why) == 200);
        CHECK(audit_read_status(lister, "anything", why) == 200);
    }
}
