// livekit_json: the room service's JSON in LiveKit's shapes (core/livekit_json.hpp): Room,
// ParticipantInfo and TrackInfo as livekit-server-sdk reads them, request bodies (permission
// with enum names, attributes, numbers as strings) and our codes as Twirp errors.
#include <doctest/doctest.h>

#include "core/livekit_json.hpp"

using namespace posemeet;
namespace lk = posemeet::livekit;

TEST_SUITE("livekit_json") {
    TEST_CASE("Room: sid, settings, int64 creation time as a string in seconds, members counted") {
        RoomSettings s;
        s.empty_timeout_s = 300;
        s.departure_timeout_s = 20;
        s.max_participants = 10;
        s.metadata = "m";
        s.creation_time_ms = 1'700'000'000'123;
        CHECK(lk::room_json("standup", &s, nullptr, 16) ==
              Json{{"sid", "RM_standup"}, {"name", "standup"}, {"emptyTimeout", 300}, {"departureTimeout", 20},
                   {"maxParticipants", 10}, {"creationTime", "1700000000"}, {"metadata", "m"},
                   {"numParticipants", 0}});
        Room live("standup", "standup", 1'700'000'005'000, RoomLimits{});
        JoinRequest j;
        j.user_name = "A";
        live.join("alice", j, 1'700'000'006'000);
        const Json r = lk::room_json("standup", nullptr, &live, 16);
        CHECK(r["numParticipants"] == 1);
        CHECK(r["creationTime"] == "1700000005");
        CHECK(r["maxParticipants"] == 16);  // the server's size when no settings name one
        s.max_participants = 50;
        CHECK(lk::room_json("standup", &s, nullptr, 16)["maxParticipants"] == 16);  // capped by the server's
    }

    TEST_CASE("ParticipantInfo: identity, state, permission, tracks with their sids and muted") {
        UserRecord u;
        u.user_id = "alice";
        u.user_name = "Alice";
        u.mic = 1;
        u.camera = 0;
        u.join_time = 1'700'000'005'678;
        u.metadata = "{}";
        u.attributes = Json{{"team", "blue"}};
        u.permission.screen = false;
        const Json p = lk::participant_json(u);
        CHECK(p["sid"] == "PA_alice");
        CHECK(p["identity"] == "alice");
        CHECK(p["name"] == "Alice");
        CHECK(p["state"] == "ACTIVE");
        CHECK(p["joinedAt"] == "1700000005");
        CHECK(p["attributes"] == Json{{"team", "blue"}});
        CHECK(p["permission"] == Json{{"canSubscribe", true}, {"canPublish", true}, {"canPublishData", true},
                                      {"canPublishSources", {"CAMERA", "MICROPHONE"}}, {"hidden", false}});
        CHECK(p["tracks"] == Json::array({Json{{"sid", "TR_alice_mic"}, {"type", "AUDIO"}, {"source", "MICROPHONE"},
                                               {"name", "microphone"}, {"muted", false}},
                                          Json{{"sid", "TR_alice_camera"}, {"type", "VIDEO"}, {"source", "CAMERA"},
                                               {"name", "camera"}, {"muted", true}}}));
        CHECK(p["isPublisher"] == true);
        u.online = 0;
        u.mic = 0;
        u.permission = MemberPermission{};
        u.permission.camera = false;
        const Json q = lk::participant_json(u);
        CHECK(q["state"] == "DISCONNECTED");
        CHECK(q["isPublisher"] == false);
        CHECK(q["tracks"].size() == 1);  // no camera track without the grant
    }

    TEST_CASE("track sids name a member's device") {
        CHECK(lk::track_device("bob", "TR_bob_mic") == Device::Mic);
        CHECK(lk::track_device("bob", "TR_bob_camera") == Device::Camera);
        CHECK_FALSE(lk::track_device("bob", "TR_alice_mic"));
        CHECK_FALSE(lk::track_device("bob", "TR_bob_screen"));
    }

    TEST_CASE("permission: present = the whole set, missing false; sources by name or number") {
        std::string error;
        auto p = lk::read_permission(Json{{"canPublish", true}, {"canPublishSources", {"MICROPHONE", 3}}}, error);
        REQUIRE(p);
        CHECK(p->mic);
        CHECK_FALSE(p->camera);
        CHECK(p->screen);
        CHECK_FALSE(p->data);  // missing: false
        auto all = lk::read_permission(Json{{"canPublish", true}, {"canPublishData", true}}, error);
        CHECK((all->mic && all->camera && all->screen && all->data));
        auto none = lk::read_permission(Json{{"canSubscribe", true}, {"canPublishSources", {"CAMERA"}}}, error);
        CHECK_FALSE((none->mic || none->camera || none->screen));  // canPublish false wins
        CHECK_FALSE(lk::read_permission(Json{{"canPublish", "yes"}}, error));
        error.clear();
        CHECK_FALSE(lk::read_permission(Json{{"canPublish", true}, {"canPublishSources", {"HOLOGRAM"}}}, error));
        CHECK(error.find("HOLOGRAM") != std::string::npos);
    }

    TEST_CASE("member update: empty name unchanged, metadata and attributes kept as given, bad types refused") {
        std::string error;
        auto u = lk::read_member_update(Json{{"room", "r"}, {"identity", "i"}, {"name", ""}, {"metadata", ""},
                                             {"attributes", {{"team", ""}}}},
                                        error);
        REQUIRE(u);
        CHECK_FALSE(u->user_name);
        CHECK(u->metadata == std::optional<std::string>(""));
        CHECK(u->attributes == Json{{"team", ""}});
        CHECK_FALSE(u->permission);
        CHECK_FALSE(lk::read_member_update(Json{{"attributes", "x"}}, error));
        CHECK_FALSE(lk::read_member_update(Json{{"attributes", {{"n", 1}}}}, error));
        CHECK_FALSE(lk::read_member_update(Json{{"name", std::string(200, 'x')}}, error));
        CHECK_FALSE(lk::read_member_update(Json{{"permission", 5}}, error));
    }

    TEST_CASE("room settings: numbers or decimal strings, negatives refused") {
        std::string error;
        auto s = lk::read_room_settings(Json{{"emptyTimeout", 300}, {"maxParticipants", "10"}, {"metadata", "m"}}, error);
        REQUIRE(s);
        CHECK(s->empty_timeout_s == 300);
        CHECK(s->max_participants == 10);
        CHECK(s->departure_timeout_s == 0);
        CHECK_FALSE(lk::read_room_settings(Json{{"emptyTimeout", -1}}, error));
        CHECK_FALSE(lk::read_room_settings(Json{{"emptyTimeout", "soon"}}, error));
        CHECK_FALSE(lk::read_room_settings(Json{{"metadata", 3}}, error));
    }

    TEST_CASE("Twirp errors: codes and statuses, body {code, msg}") {
        CHECK(lk::twirp_error_of(ErrorCode::NotFound).status == 404);
        CHECK(std::string(lk::twirp_error_of(ErrorCode::NotFound).code) == "not_found");
        CHECK(std::string(lk::twirp_error_of(ErrorCode::BadInput).code) == "invalid_argument");
        CHECK(std::string(lk::twirp_error_of(ErrorCode::NotPermitted).code) == "permission_denied");
        CHECK(lk::twirp_error_of(ErrorCode::TokenExpired).status == 401);
        CHECK(lk::twirp_error_of(ErrorCode::RoomFull).status == 429);
        CHECK(lk::twirp_error_of(ErrorCode::AlreadyInRoom).status == 409);
        CHECK(lk::twirp_error_of(ErrorCode::Internal).status == 500);
        CHECK(lk::twirp_error_body(lk::twirp_error_of(ErrorCode::NotFound), "room not found") ==
              Json{{"code", "not_found"}, {"msg", "room not found"}});
    }
}
