// webhook_events: which LiveKit webhook events a room's changes make, in order, and the
// JSON a receiver gets; webhook_dispatcher's URL reading.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/livekit_json.hpp"
#include "server/http_url.hpp"
#include "server/webhook_events.hpp"

using namespace posemeet;
using namespace posemeet::server;

namespace {

std::string names(const std::vector<protocol::Json>& events) {
    std::string out;
    for (const auto& e : events) {
        out += out.empty() ? "" : " ";
        out += e["event"].get<std::string>();
        if (e.contains("participant")) out += ":" + e["participant"]["identity"].get<std::string>();
        if (e.contains("track")) out += ":" + e["track"]["source"].get<std::string>();
        if (e.contains("invitation")) out += ":" + e["invitation"]["status"].get<std::string>();
    }
    return out;
}

// The Room JSON of the room service, as the hub passes it (no settings, rooms of 16).
WebhookEventSource make_source() {
    return WebhookEventSource([](const std::string& room_id, const Room* live) {
        return livekit::room_json(room_id, nullptr, live, 16);
    });
}

JoinRequest named(const char* name, int mic = 0) {
    JoinRequest r;
    r.user_name = name;
    r.mic = mic;
    return r;
}

}  // namespace

TEST_SUITE("webhook_events") {
    TEST_CASE("a meeting's life: started, joined (with the mic on), devices, left, finished") {
        WebhookEventSource source = make_source();
        Room room("r", "r", 1'000'000, {});
        room.join("ann", named("Ann", 1), 1'000'000);
        CHECK(names(source.observe("r", &room, {}, 1'000'000)) ==
              "room_started participant_joined:ann track_published:ann:MICROPHONE");
        room.join("bob", named("Bob"), 1'001'000);
        CHECK(names(source.observe("r", &room, {}, 1'001'000)) == "participant_joined:bob");
        // Changes seen together (the hub looks after every call, so rarely): members in join order.
        room.operate_self_device("bob", Device::Camera, 1);
        room.operate_self_device("ann", Device::Mic, 0);
        CHECK(names(source.observe("r", &room, {}, 1'002'000)) ==
              "track_unpublished:ann:MICROPHONE track_published:bob:CAMERA");
        CHECK(source.observe("r", &room, {}, 1'002'000).empty());  // nothing new: nothing sent
        room.leave("ann", 1'003'000);
        CHECK(names(source.observe("r", &room, {}, 1'003'000)) == "participant_left:ann");
        room.finish("bob", 1'004'000);
        const auto end = source.observe("r", &room, {}, 1'004'000);
        CHECK(names(end) == "participant_left:bob room_finished");
        CHECK(end[0]["participant"]["disconnectReason"] == "ROOM_DELETED");
        CHECK(end[0]["participant"]["state"] == "DISCONNECTED");
    }

    TEST_CASE("every event has its own id, the room, and int64 times as strings") {
        WebhookEventSource source = make_source();
        Room room("standup", "standup", 1'700'000'000'000, {});
        room.join("ann", named("Ann"), 1'700'000'000'000);
        const auto events = source.observe("standup", &room, {}, 1'700'000'005'000);
        REQUIRE(events.size() == 2);
        CHECK(events[0]["id"] != events[1]["id"]);
        CHECK(events[1]["createdAt"] == "1700000005");
        CHECK(events[1]["room"]["name"] == "standup");
        CHECK(events[1]["room"]["creationTime"] == "1700000000");
        CHECK(events[1]["participant"]["joinedAt"] == "1700000000");
        CHECK(events[1]["participant"]["state"] == "ACTIVE");
    }

    TEST_CASE("a room seen before a restart makes no events again; one gone finishes") {
        WebhookEventSource source = make_source();
        Room room("r", "r", 0, {});
        room.join("ann", named("Ann", 1), 0);
        source.seed(room, {});
        CHECK(source.observe("r", &room, {}, 10).empty());
        CHECK(names(source.observe("r", nullptr, {}, 20)) == "participant_left:ann room_finished");
        CHECK(source.observe("r", nullptr, {}, 30).empty());
    }

    TEST_CASE("each invitation made or changed is an invitation_updated event, after the join it led to") {
        WebhookEventSource source = make_source();
        Room room("r", "r", 0, {});
        room.join("ann", named("Ann"), 0);
        source.observe("r", &room, {}, 0);
        Invitation bo{"bo", "Bo", InvitationStatus::Invited, 10, 60'010, 10};
        Invitation cy{"cy", "Cy", InvitationStatus::Invited, 10, 60'010, 10};
        CHECK(names(source.observe("r", &room, {bo, cy}, 10)) ==
              "invitation_updated:bo:invited invitation_updated:cy:invited");
        CHECK(source.observe("r", &room, {bo, cy}, 11).empty());  // unchanged: nothing
        room.join("bo", named("Bo"), 20);
        bo.status = InvitationStatus::Joined;
        cy.status = InvitationStatus::Declined;
        const auto events = source.observe("r", &room, {bo, cy}, 20);
        CHECK(names(events) == "participant_joined:bo invitation_updated:bo:joined invitation_updated:cy:declined");
        CHECK(events[2]["participant"]["name"] == "Cy");
        CHECK(events[2]["invitation"]["expires_at"] == 60'010);
        // Seeded after a restart: the same statuses make no events again.
        WebhookEventSource restarted = make_source();
        restarted.seed(room, {bo, cy});
        CHECK(restarted.observe("r", &room, {bo, cy}, 30).empty());
    }

    TEST_CASE("receiver URLs: http only, with host, port and path") {
        std::string host, port, target;
        REQUIRE(parse_http_url("http://127.0.0.1:9000/hooks/in?x=1", host, port, target));
        CHECK(host == "127.0.0.1");
        CHECK(port == "9000");
        CHECK(target == "/hooks/in?x=1");
        REQUIRE(parse_http_url("http://example.org", host, port, target));
        CHECK(port == "80");
        CHECK(target == "/");
        CHECK_FALSE(parse_http_url("https://example.org/", host, port, target));
        CHECK_FALSE(parse_http_url("http://user@example.org/", host, port, target));
        CHECK_FALSE(parse_http_url("http://:80/", host, port, target));
    }
}
