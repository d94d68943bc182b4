// meeting_session: the platform-free client, driven through a fake signalling socket and a
// manually advanced clock, with no PeerLinkFactory (relay mode, like the native client).
// Server replies and notifications are produced by a real core Room so their shape is
// exactly what the server sends.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "client/meeting_session.hpp"
#include "client/refusal_words.hpp"
#include "core/media_packet.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/room.hpp"
#include "core/synthetic_pose.hpp"
#include "session_test_support.hpp"

using namespace posemeet;
using protocol::ErrorCode;
using protocol::Json;
using namespace posemeet::test;

TEST_SUITE_BEGIN("meeting_session");

TEST_CASE("join connects and sends a vcJoinRoom request in relay mode") {
    Harness h;
    CHECK(h.session.status() == ConnectionStatus::Idle);
    h.session.join("r1", "Zoë 你好");
    CHECK(h.socket.connect_calls == 1);
    // The room rides along, so that the server puts the connection beside the room's others.
    CHECK(h.socket.url == "ws://test.invalid/ws?room=r1");
    CHECK(h.session.status() == ConnectionStatus::Connecting);
    CHECK(h.socket.sent_text.empty());  // nothing before the socket opens

    h.socket.open();
    REQUIRE(h.socket.sent_text.size() == 1);
    const Json req = h.socket.last_request();
    CHECK(req["v"] == 1);
    CHECK(req["event_name"] == "vcJoinRoom");
    CHECK_FALSE(req["request_id"].get<std::string>().empty());
    CHECK(req["content"]["room_id"] == "r1");
    CHECK(req["content"]["user_name"] == "Zoë 你好");
    CHECK(req["content"]["media_relay"] == 1);  // no PeerLinkFactory: media through the server
    // The request is one the real server-side parser accepts.
    auto parsed = protocol::parse_request(h.socket.sent_text.back());
    REQUIRE(std::holds_alternative<protocol::Request>(parsed));
    std::string err;
    auto jr = parse_join_request(std::get<protocol::Request>(parsed).content, err);
    REQUIRE_MESSAGE(jr.has_value(), err);
    CHECK(jr->media_relay == 1);
}

TEST_CASE("a successful join reply shows status joined and participants in join order") {
    Harness h;
    // Map order (by user id) differs from join order on purpose.
    h.join_as_me({"u-zed", "u-amy"});
    const Json s = h.session.state_json();
    CHECK(s["status"] == "joined");
    CHECK(s["room"]["room_id"] == "r1");
    CHECK(s["room"]["room_name"] == "Room One");
    CHECK(s["self"]["user_id"] == "u-me");
    CHECK(participant_ids(s) == std::vector<std::string>{"u-zed", "u-amy", "u-me"});
    CHECK((*participant(s, "u-me"))["is_self"] == true);
    CHECK((*participant(s, "u-zed"))["is_self"] == false);
    CHECK((*participant(s, "u-amy"))["is_self"] == false);
    CHECK((*participant(s, "u-zed"))["user_role"] == 1);  // first joiner hosts
    CHECK((*participant(s, "u-amy"))["transport"] == "none");
    CHECK((*participant(s, "u-amy"))["packets_received"] == 0);
    CHECK((*participant(s, "u-amy"))["latest_pose"].is_null());
    bool saw_joined = false;
    for (auto& [name, data] : h.events) saw_joined = saw_joined || name == "joined";
    CHECK(saw_joined);
}

TEST_CASE("vcOnJoinRoom and vcOnLeaveRoom update the participant list") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.deliver(h.server_join("u-bob"));
    Json s = h.session.state_json();
    CHECK(participant_ids(s) == std::vector<std::string>{"u-zed", "u-me", "u-bob"});
    CHECK(h.session.remotes().count("u-bob") == 1);

    h.deliver(h.room.leave("u-zed", h.server_ms++));  // the host leaves
    s = h.session.state_json();
    CHECK(participant_ids(s) == std::vector<std::string>{"u-me", "u-bob"});
    CHECK(h.session.remotes().count("u-zed") == 0);
    // Host passes to the earliest remaining member: me.
    CHECK(s["self"]["user_role"] == 1);
    CHECK((*participant(s, "u-bob"))["user_role"] == 0);

    h.deliver(h.room.leave("u-bob", h.server_ms++));
    s = h.session.state_json();
    CHECK(participant_ids(s) == std::vector<std::string>{"u-me"});
}

TEST_CASE("the invitations of the meeting are mirrored: a new one, then its status, and told to the page") {
    Harness h;
    h.join_as_me({"u-zed"});
    auto told = [&](const std::string& identity, const std::string& status) {
        h.socket.text(protocol::make_inform(protocol::Event::OnInvitation,
            Json{{"room_id", "r1"}, {"invitation", {{"identity", identity}, {"name", "Ana"}, {"status", status},
                                                    {"invited_at", 1}, {"expires_at", 60001}, {"changed_at", 2}}}},
            h.server_ms++));
    };
    told("ana", "invited");
    REQUIRE(h.session.mirror().invitations().size() == 1);
    CHECK(h.session.mirror().invitations()[0].status == InvitationStatus::Invited);
    told("ana", "declined");  // the same invitation, a new status: still one
    REQUIRE(h.session.mirror().invitations().size() == 1);
    CHECK(h.session.mirror().invitations()[0].status == InvitationStatus::Declined);
    CHECK(h.session.state_json()["meeting"]["invitations"][0]["status"] == "declined");
    int page_events = 0;
    for (auto& [name, data] : h.events) page_events += name == "invitation" && data["identity"] == "ana";
    CHECK(page_events == 2);
    // Garbage is ignored, not a crash or an empty entry.
    h.socket.text(protocol::make_inform(protocol::Event::OnInvitation, Json{{"invitation", "x"}}, h.server_ms++));
    CHECK(h.session.mirror().invitations().size() == 1);
}

TEST_CASE("the members on screen go to the server when they change, once each time, and again after a rejoin") {
    Harness h;
    h.join_as_me({"u-zed", "u-amy"});
    auto visible_requests = [&] {
        std::vector<Json> out;
        for (const auto& t : h.socket.sent_text) {
            const Json j = Json::parse(t);
            if (j["event_name"] == "vcSetMediaReceive") out.push_back(j["content"]);
        }
        return out;
    };
    h.session.set_visible_members(std::nullopt);  // no list, as the server assumes: nothing sent
    CHECK(visible_requests().empty());
    h.session.set_visible_members(std::vector<std::string>{"u-zed", "u-me"});
    h.session.set_visible_members(std::vector<std::string>{"u-me", "u-zed"});  // the same set
    REQUIRE(visible_requests().size() == 1);
    CHECK(visible_requests()[0] == Json{{"visible", {"u-me", "u-zed"}}});
    h.session.set_visible_members(std::nullopt);  // everyone fits again: the list is withdrawn
    REQUIRE(visible_requests().size() == 2);
    CHECK(visible_requests()[1]["visible"].is_null());
    h.session.set_visible_members(std::vector<std::string>{"u-amy"});
    REQUIRE(visible_requests().size() == 3);
}

TEST_CASE("tick sends one relay frame per pose at 30 Hz: a keyframe first, then deltas, with the right content") {
    Harness h;
    h.join_as_me({"u-zed", "u-amy"});
    const std::size_t before = h.socket.sent_binary.size();
    h.session.tick();  // a pose is due right after joining
    h.run(999);        // the rest of the first second at 1 ms ticks
    CHECK(h.socket.sent_binary.size() - before == 30);

    const std::set<std::uint16_t> remote_ids = {h.media_id("u-zed"), h.media_id("u-amy")};
    std::uint16_t prev_seq = 0;
    std::uint32_t prev_ts = 0;
    PoseStreamDecoder decoder;  // what a receiver that got every packet would make of them
    for (std::size_t i = before; i < h.socket.sent_binary.size(); ++i) {
        const Bytes& f = h.socket.sent_binary[i];
        INFO("frame " << i);
        const std::size_t relay_header = 2 + 2 * 2;
        auto rf = parse_relay_frame(f.data(), f.size());
        REQUIRE_MESSAGE(rf.frame.has_value(), rf.error);
        CHECK(std::set<std::uint16_t>(rf.frame->targets.begin(), rf.frame->targets.end()) == remote_ids);
        auto mp = parse_media_packet(rf.frame->packet, rf.frame->packet_size);
        REQUIRE(mp.packet.has_value());
        CHECK(mp.packet->header.kind == MediaKind::Pose);
        CHECK(mp.packet->header.sender == h.media_id("u-me"));
        if (i > before) {
            CHECK(mp.packet->header.sequence == static_cast<std::uint16_t>(prev_seq + 1));
            const std::uint32_t gap = mp.packet->header.timestamp_ms - prev_ts;
            CHECK((gap >= 33 && gap <= 34));
        }
        prev_seq = mp.packet->header.sequence;
        prev_ts = mp.packet->header.timestamp_ms;
        // The payload is my synthetic pose at the packet's timestamp.
        auto pose = decoder.decode(mp.packet->header.sequence, mp.packet->header.timestamp_ms, mp.packet->payload,
                                   mp.packet->payload_size);
        REQUIRE(pose.status == PoseStreamDecoder::Status::Decoded);
        // Nobody acknowledges here: a keyframe first and every 500 ms, deltas between.
        if (i == before) CHECK(pose.type == PoseFrameType::Keyframe);
        if (pose.type == PoseFrameType::Keyframe) CHECK(f.size() == relay_header + kMediaHeaderBytes + kKeyframePayloadBytes);
        else CHECK(f.size() <= relay_header + kMaxDeltaPacketBytes);
        if (i == before + 1) CHECK(pose.type == PoseFrameType::Delta);
        const Pose want = SyntheticPoseSource(pose_seed_for_user("u-me")).pose_at(mp.packet->header.timestamp_ms);
        for (int l = 0; l < kLandmarkCount; ++l)
            CHECK(std::fabs(pose.pose.landmarks[l].x - want.landmarks[l].x) <= kPoseMaxErrorXY + 1e-6f);
    }

    // Over ten more seconds the rate stays 30 Hz, whether ticked at 1 ms or at 60 fps.
    std::size_t n0 = h.socket.sent_binary.size();
    h.run(10'000, 1.0);
    CHECK(h.socket.sent_binary.size() - n0 == doctest::Approx(300).epsilon(0.005));
    n0 = h.socket.sent_binary.size();
    h.run(10'000, 1000.0 / 60.0);
    const double sent_60fps = static_cast<double>(h.socket.sent_binary.size() - n0);
    CHECK(sent_60fps >= 299);
    CHECK(sent_60fps <= 301);
    CHECK(h.session.pose_packets_sent() == h.socket.sent_binary.size());
    std::size_t bytes = 0;
    for (const Bytes& f : h.socket.sent_binary) bytes += f.size();
    CHECK(h.session.pose_bytes_sent() == bytes);
    // Nobody acknowledges here, so deltas build on the newest keyframe, renewed every 500 ms.
    const PoseStreamEncoder::Stats& stats = h.session.pose_stream_stats();
    CHECK(stats.keyframes + stats.deltas == h.socket.sent_binary.size());
    CHECK(stats.periodic_keyframes == doctest::Approx(21.0 * 2).epsilon(0.1));
    CHECK(stats.acknowledged_reference_deltas == 0);
}

TEST_CASE("the pose rate follows the room's size: 30/s up to 4 people, 20/s up to 9, 10/s beyond") {
    Harness h;
    h.join_as_me({"u-1", "u-2"});
    auto sent_in_one_second = [&] {
        const std::size_t n0 = h.socket.sent_binary.size();
        h.run(1000);
        return h.socket.sent_binary.size() - n0;  // one relay frame per pose (< 15 targets)
    };
    h.run(100);
    CHECK(sent_in_one_second() == 30);
    CHECK(h.session.state_json()["pose_rate_hz"] == 30);
    CHECK(h.session.state_json()["pose_tier"] == 30);

    for (const char* id : {"u-3", "u-4"}) h.deliver(h.server_join(id));  // five of us
    h.run(100);
    CHECK(sent_in_one_second() == 20);
    CHECK(h.session.state_json()["pose_tier"] == 20);

    for (const char* id : {"u-5", "u-6", "u-7", "u-8", "u-9"}) h.deliver(h.server_join(id));  // ten
    h.run(100);
    CHECK(sent_in_one_second() == 10);
    CHECK(h.session.state_json()["pose_tier"] == 10);
    // Timestamps stay on the schedule: 100 ms apart.
    const auto ts_of = [](const Bytes& frame) {
        auto rf = parse_relay_frame(frame.data(), frame.size());
        REQUIRE(rf.frame);
        return parse_media_packet(rf.frame->packet, rf.frame->packet_size).packet->header.timestamp_ms;
    };
    const auto& sent = h.socket.sent_binary;
    CHECK(ts_of(sent.back()) - ts_of(sent[sent.size() - 2]) == 100);

    // People leave: back to 20/s, then 30/s.
    for (const char* id : {"u-9", "u-8"}) h.deliver(h.room.leave(id, h.server_ms++));  // eight
    h.run(100);
    CHECK(sent_in_one_second() == 20);
    for (const char* id : {"u-7", "u-6", "u-5", "u-4"}) h.deliver(h.room.leave(id, h.server_ms++));  // four
    h.run(100);
    CHECK(sent_in_one_second() == 30);
}

TEST_CASE("a configured pose rate overrides the room's tier") {
    SessionConfig c = Harness::config();
    c.pose_rate_hz = 12;
    FakeSocket socket;
    FakeClock clock;
    MeetingSession session(c, socket, nullptr, clock);
    CHECK(session.pose_rate_hz() == 12);
    CHECK(session.state_json()["pose_tier"] == 10);  // the nearest tier, for show
}

TEST_CASE("each remote's pose rate and tier are measured from its timestamps, loss or not") {
    Harness h;
    h.join_as_me({"u-zed", "u-amy"});
    // Zed sends 10/s (a big room on his side), one packet in ten lost; Amy 20/s.
    for (int k = 0; k < 40; ++k) {
        h.run(50);
        const std::uint32_t now = h.clock.media_time_ms();
        if (k % 2 == 0 && k % 20 != 4)
            h.socket.binary(h.pose_packet_from("u-zed", now - 30, static_cast<std::uint16_t>(k / 2)));
        h.socket.binary(h.pose_packet_from("u-amy", now - 30, static_cast<std::uint16_t>(k)));
    }
    const Json s = h.session.state_json();
    CHECK((*participant(s, "u-zed"))["pose_rate_hz"] == doctest::Approx(10));
    CHECK((*participant(s, "u-zed"))["pose_tier"] == 10);
    CHECK((*participant(s, "u-amy"))["pose_rate_hz"] == doctest::Approx(20));
    CHECK((*participant(s, "u-amy"))["pose_tier"] == 20);
    // The playout waits one of Zed's intervals at least.
    CHECK((*participant(s, "u-zed"))["pose_playout"]["delay_ms"].get<double>() >= 100);
    CHECK((*participant(s, "u-zed"))["pose_playout"]["follows_audio"] == false);
}

TEST_CASE("after a stall the pose sender does not burst to catch up") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.run(100);
    h.clock.now += 2000;  // the tab was in the background
    const std::size_t n0 = h.socket.sent_binary.size();
    h.session.tick();
    h.session.tick();
    CHECK(h.socket.sent_binary.size() - n0 == 1);
    h.run(1000);
    CHECK(h.socket.sent_binary.size() - n0 <= 31);
}

TEST_CASE("no remotes, no relay frames") {
    Harness h;
    h.join_as_me({});
    h.run(1000);
    CHECK(h.socket.sent_binary.empty());
}

TEST_CASE("a pose packet from a remote updates its stats, transport and latest pose") {
    Harness h;
    h.join_as_me({"u-zed", "u-amy"});
    const std::uint32_t ts = h.clock.media_time_ms() - 25;  // 25 ms in transit
    h.socket.binary(h.pose_packet_from("u-zed", ts, 1));
    Json s = h.session.state_json();
    const Json& zed = *participant(s, "u-zed");
    CHECK(zed["packets_received"] == 1);
    CHECK(zed["transport"] == "relay");
    CHECK(zed["p2p_open"] == false);
    REQUIRE(zed["latest_pose"].is_object());
    CHECK(zed["latest_pose"]["timestamp"] == ts);
    REQUIRE(zed["latest_pose"]["landmarks"].size() == kLandmarkCount);
    const Pose want = SyntheticPoseSource(pose_seed_for_user("u-zed")).pose_at(ts);
    for (int i = 0; i < kLandmarkCount; ++i) {
        const Json& l = zed["latest_pose"]["landmarks"][i];
        REQUIRE(l.size() == 4);
        CHECK(std::fabs(l[0].get<float>() - want.landmarks[i].x) <= kPoseMaxErrorXY + 1e-6f);
        CHECK(std::fabs(l[1].get<float>() - want.landmarks[i].y) <= kPoseMaxErrorXY + 1e-6f);
    }
    CHECK(zed["latency_ms"]["median"] == doctest::Approx(25));
    CHECK((*participant(s, "u-amy"))["packets_received"] == 0);
    CHECK(h.session.remote_pose_now("u-zed").has_value());
    CHECK_FALSE(h.session.remote_pose_now("u-amy").has_value());

    // An older packet counts but does not replace the newest pose.
    h.socket.binary(h.pose_packet_from("u-zed", ts - 33, 0));
    s = h.session.state_json();
    CHECK((*participant(s, "u-zed"))["packets_received"] == 2);
    CHECK((*participant(s, "u-zed"))["latest_pose"]["timestamp"] == ts);
    // A newer one does.
    h.socket.binary(h.pose_packet_from("u-zed", ts + 33, 2));
    s = h.session.state_json();
    CHECK((*participant(s, "u-zed"))["latest_pose"]["timestamp"] == ts + 33);
}

TEST_CASE("packets from unknown senders, myself or garbage are ignored") {
    Harness h;
    h.join_as_me({"u-zed"});
    const std::uint32_t ts = h.clock.media_time_ms();
    Bytes p = h.pose_packet_from("u-zed", ts);
    set_media_sender(p.data(), 999);  // nobody in the room
    h.socket.binary(p);
    set_media_sender(p.data(), h.media_id("u-me"));  // my own id echoed back
    h.socket.binary(p);
    h.socket.binary(Bytes{1, 2, 3});
    Bytes bad_payload = h.pose_packet_from("u-zed", ts);
    bad_payload.pop_back();  // 156-byte pose payload
    h.socket.binary(bad_payload);
    const Json s = h.session.state_json();
    CHECK((*participant(s, "u-zed"))["packets_received"] == 0);
    CHECK((*participant(s, "u-zed"))["latest_pose"].is_null());
    CHECK(s["status"] == "joined");
}

TEST_CASE("a dropped socket reconnects after the backoff and joins again") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.run(200);
    const std::size_t frames = h.socket.sent_binary.size();
    const std::size_t texts = h.socket.sent_text.size();
    h.socket.drop("server restarted");
    Json s = h.session.state_json();
    CHECK(s["status"] == "reconnecting");
    CHECK(s["error"].get<std::string>().find("server restarted") != std::string::npos);
    CHECK(h.socket.connect_calls == 1);

    h.run(499);  // first backoff is 0.5 s
    CHECK(h.socket.connect_calls == 1);
    CHECK(h.socket.sent_binary.size() == frames);  // no media while disconnected
    h.run(1);
    CHECK(h.socket.connect_calls == 2);
    CHECK(h.session.status() == ConnectionStatus::Reconnecting);

    // The server is back: the client first asks to resume its membership...
    h.socket.open();
    REQUIRE(h.socket.sent_text.size() == texts + 1);
    const Json resync = h.socket.last_request();
    CHECK(resync["event_name"] == "vcResync");
    CHECK(resync["content"]["room_id"] == "r1");
    CHECK(resync["content"]["user_id"] == "u-me");
    // ...a restarted server no longer knows it, so a fresh vcJoinRoom follows and rejoins.
    h.socket.text(protocol::make_reply(resync["request_id"], ErrorCode::NotFound, "", Json::object(), h.server_ms));
    REQUIRE(h.socket.sent_text.size() == texts + 2);
    const Json req = h.socket.last_request();
    CHECK(req["event_name"] == "vcJoinRoom");
    CHECK(req["content"]["room_id"] == "r1");
    CHECK(req["content"]["user_name"] == "Me");
    h.room.leave("u-me", h.server_ms++);
    Outcome o = h.room.join("u-me", join_req("Me", 1), h.server_ms++);
    h.socket.text(protocol::make_reply(req["request_id"], ErrorCode::Ok, "", o.response, h.server_ms));
    s = h.session.state_json();
    CHECK(s["status"] == "joined");
    CHECK(participant_ids(s) == std::vector<std::string>{"u-zed", "u-me"});
    h.run(100);
    CHECK(h.socket.sent_binary.size() > frames);
}

TEST_CASE("a dropped socket resumes the same membership when the server still holds it") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.socket.drop("network blip");
    h.run(500);
    h.socket.open();
    const Json resync = h.socket.last_request();
    REQUIRE(resync["event_name"] == "vcResync");
    CHECK(resync["content"]["user_id"] == "u-me");
    // The server answers with the same membership (role, devices, list) and resumed 1.
    h.answer_resync(resync);
    const Json s = h.session.state_json();
    CHECK(s["status"] == "joined");
    CHECK(s["self"]["user_id"] == "u-me");
    CHECK(participant_ids(s) == std::vector<std::string>{"u-zed", "u-me"});
}

TEST_CASE("a connection closed because the member resumed elsewhere does not reconnect") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.socket.drop("server closed the connection (4001: resumed on another connection)",
                  protocol::kCloseResumedElsewhere);
    const Json s = h.session.state_json();
    CHECK(s["status"] == "failed");
    CHECK(s["error"].get<std::string>().find("another window") != std::string::npos);
    REQUIRE_FALSE(h.events.empty());
    CHECK(h.events.back().first == "replaced");
    h.run(60'000);  // no reconnect, ever: the other window keeps the membership
    CHECK(h.socket.connect_calls == 1);
    // The user can still join again on purpose.
    h.session.join("r1", "Me");
    CHECK(h.socket.connect_calls == 2);
}

TEST_CASE("any other close code reconnects") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.socket.drop("server closed the connection (1001 going away)", 1001);
    CHECK(h.session.status() == ConnectionStatus::Reconnecting);
    h.run(500);
    CHECK(h.socket.connect_calls == 2);
}

TEST_CASE("failed reconnects back off exponentially") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.socket.drop("down");
    double expected_delays[] = {500, 1000, 2000, 4000, 5000, 5000};
    int calls = 1;
    for (double delay : expected_delays) {
        INFO("delay " << delay);
        h.run(delay - 1);
        CHECK(h.socket.connect_calls == calls);
        h.run(1);
        CHECK(h.socket.connect_calls == ++calls);
        h.socket.drop("still down");  // the connect attempt fails
    }
}

TEST_CASE("a join error reply gives status failed, in words, with the server's message as detail") {
    Harness h;
    h.session.join("r1", "Me");
    h.socket.open();
    const Json req = h.socket.last_request();
    h.socket.text(protocol::make_reply(req["request_id"], ErrorCode::RoomFull, "the room is full (16 participants)",
                                       Json::object(), 1));
    const Json s = h.session.state_json();
    CHECK(s["status"] == "failed");
    CHECK(s["error"] == "This meeting is full. Try again when someone has left.");
    const std::string detail = s["error_detail"];
    CHECK(detail.find("the room is full (16 participants)") != std::string::npos);
    CHECK(detail.find("401") != std::string::npos);
    CHECK(h.session.status() == ConnectionStatus::Failed);
    CHECK(h.socket.close_calls >= 1);
    bool saw_error = false;
    for (auto& [name, data] : h.events)
        if (name == "error") saw_error = data["code"] == 401;
    CHECK(saw_error);
    // No retry loop after a refusal.
    h.run(20'000, 10);
    CHECK(h.socket.connect_calls == 1);
    CHECK(h.socket.sent_binary.empty());
}

TEST_CASE("a join refused because the meeting ended can open a new meeting in that room") {
    Harness h;
    h.session.join("r1", "Me");
    h.socket.open();
    CHECK_FALSE(h.socket.last_request()["content"].contains("new_meeting"));  // never by default
    h.socket.text(protocol::make_reply(h.socket.last_request()["request_id"], ErrorCode::RoomEnded, "",
                                       Json::object(), 1));
    CHECK(h.session.status() == ConnectionStatus::Failed);
    CHECK(h.session.join_refusal_code() == 422);
    // Said in words; the code and the server's text only as the detail.
    CHECK(h.session.last_error() == "The host has ended this meeting.");
    CHECK(h.session.last_error_detail() == "code 422: the meeting has ended");

    h.session.join("r1", "Me", /*new_meeting=*/true);
    CHECK(h.session.join_refusal_code() == 0);
    h.socket.open();
    const Json req = h.socket.last_request();
    CHECK(req["event_name"] == "vcJoinRoom");
    CHECK(req["content"]["new_meeting"] == 1);
    // The server's own parser reads it as asked.
    auto parsed = protocol::parse_request(h.socket.sent_text.back());
    REQUIRE(std::holds_alternative<protocol::Request>(parsed));
    std::string err;
    CHECK(protocol::read_enum(std::get<protocol::Request>(parsed).content, "new_meeting", 1, err) == 1);
}

TEST_CASE("leave sends vcLeaveRoom, closes the socket and clears the room") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.session.leave();
    const Json req = h.socket.last_request();
    CHECK(req["event_name"] == "vcLeaveRoom");
    CHECK(h.socket.close_calls >= 1);
    const Json s = h.session.state_json();
    CHECK(s["status"] == "idle");
    CHECK(s["participants"].empty());
    CHECK(s["room"].is_null());
    const std::size_t frames = h.socket.sent_binary.size();
    h.run(1000);
    CHECK(h.socket.sent_binary.size() == frames);
}

// The replies the session emitted for these request ids, in order.
std::vector<Json> replies_for(const Harness& h, const std::vector<std::string>& ids) {
    std::vector<Json> out;
    for (const auto& [name, data] : h.events)
        if (name == "reply" && std::find(ids.begin(), ids.end(), data["request_id"]) != ids.end()) out.push_back(data);
    return out;
}

TEST_CASE("requests still unanswered when the connection drops are answered 460 at once") {
    Harness h;
    h.join_as_me({"u-zed"});
    const std::string mic = h.session.request("vcOperateSelfMic", Json{{"operate", 1}});
    const std::string chat = h.session.request("vcSendMessage", Json{{"message", "hi"}});
    REQUIRE_FALSE(mic.empty());
    REQUIRE_FALSE(chat.empty());
    CHECK(replies_for(h, {mic, chat}).empty());
    h.socket.drop("network blip");
    const auto replies = replies_for(h, {mic, chat});
    REQUIRE(replies.size() == 2);
    for (const Json& r : replies) {
        CHECK(r["code"] == 460);
        CHECK(r["message"] == "disconnected before the server answered");
    }
    CHECK(replies[0]["event"] != replies[1]["event"]);
    // A late answer from the old connection cannot settle them a second time.
    h.socket.text(protocol::make_reply(mic, ErrorCode::Ok, "", Json::object(), h.server_ms));
    CHECK(replies_for(h, {mic, chat}).size() == 2);
}

TEST_CASE("while reconnecting a request is not sent and gets no id; after the resume it works again") {
    Harness h;
    h.join_as_me({"u-zed"});
    h.socket.drop("network blip");
    const std::size_t texts = h.socket.sent_text.size();
    CHECK(h.session.request("vcOperateSelfMic", Json{{"operate", 1}}).empty());
    CHECK(h.socket.sent_text.size() == texts);
    h.run(500);
    h.socket.open();
    const Json resync = h.socket.last_request();
    REQUIRE(resync["event_name"] == "vcResync");
    Json response{{"room", h.room.record().to_json()}, {"user", h.room.find("u-me")->to_json()},
                  {"user_list", h.room.user_list_json()}, {"room_state", h.room.controls_json("u-me")},
                  {"messages", Json::array()}};
    h.socket.text(protocol::make_reply(resync["request_id"], ErrorCode::Ok, "", response, h.server_ms));
    REQUIRE(h.session.status() == ConnectionStatus::Joined);
    CHECK_FALSE(h.session.request("vcOperateSelfMic", Json{{"operate", 1}}).empty());
}

TEST_CASE("requests still unanswered when we leave are answered 460, when the meeting ends 422") {
    SUBCASE("leave") {
        Harness h;
        h.join_as_me({"u-zed"});
        const std::string id = h.session.request("vcOperateSelfCamera", Json{{"operate", 0}});
        h.session.leave();
        const auto replies = replies_for(h, {id});
        REQUIRE(replies.size() == 1);
        CHECK(replies[0]["code"] == 460);
        CHECK(replies[0]["message"] == "you left the meeting before the server answered");
    }
    SUBCASE("the host ends the meeting") {
        Harness h;
        h.join_as_me({"u-zed"});
        const std::string id = h.session.request("vcSendMessage", Json{{"message", "bye"}});
        h.deliver(h.room.finish(h.room.host_id(), h.server_ms++));
        CHECK(h.session.status() == ConnectionStatus::Ended);
        const auto replies = replies_for(h, {id});
        REQUIRE(replies.size() == 1);
        CHECK(replies[0]["code"] == 422);
    }
}

TEST_CASE("malformed server messages are ignored instead of throwing") {
    // on_text's own comment: "a server never sends this; ignore rather than crash". A proxy,
    // a newer server or a bug must not take the client (a wasm module: exceptions abort) down.
    Harness h;
    h.join_as_me({"u-zed"});
    const char* messages[] = {
        "not json",
        "[1,2,3]",
        R"({"message_type":5})",
        R"({"message_type":"return","request_id":7,"code":200})",
        R"({"message_type":"return","request_id":"vcJoinRoom-9","code":"200"})",
        R"({"message_type":"inform","event":"vcOnJoinRoom","data":[1]})",
        R"({"message_type":"inform","event":"vcOnJoinRoom","data":{"user":{"user_id":5}}})",
        R"({"message_type":"inform","event":"vcOnLeaveRoom","data":{"user":"u-zed"}})",
        R"({"message_type":"inform","event":"vcOnHostChange","data":{"user_id":null}})",
        R"({"message_type":"inform","event":"vcOnMediaCongestion","data":{"congested":"yes","dropped_pose":-4}})",
    };
    for (const char* m : messages) {
        INFO(m);
        CHECK_NOTHROW(h.socket.raw_text(m));
    }
    const Json s = h.session.state_json();
    CHECK(s["status"] == "joined");
    CHECK(participant_ids(s) == std::vector<std::string>{"u-zed", "u-me"});
}

TEST_CASE("vcOnMediaCongestion: state() shows it, a page event tells it, it clears, a new connection starts clean") {
    Harness h;
    h.join_as_me({"u-zed"});
    CHECK(h.session.state_json()["congestion"]["active"] == false);
    auto congestion = [&](bool congested, int pose, int audio) {
        h.socket.text(protocol::make_inform(protocol::Event::OnMediaCongestion,
                                            Json{{"congested", congested}, {"duration_ms", 0},
                                                 {"dropped_pose", pose}, {"dropped_pose_ack", 1},
                                                 {"dropped_audio", audio}, {"queued_messages", 1024},
                                                 {"queued_bytes", 200000}, {"queued_ms", 700}},
                                            h.server_ms));
    };
    auto page_events = [&] {
        std::vector<Json> out;
        for (const auto& [name, data] : h.events)
            if (name == "mediaCongestion") out.push_back(data);
        return out;
    };
    const double since = h.clock.now;
    congestion(true, 12, 0);
    Json c = h.session.state_json()["congestion"];
    CHECK(c["active"] == true);
    CHECK(c["since_ms"] == since);
    CHECK(c["dropped_pose"] == 12);
    CHECK(c["dropped_pose_ack"] == 1);
    CHECK(c["dropped_audio"] == 0);
    CHECK(c["queued_ms"] == 700);
    CHECK(h.session.relay_congestion().active);
    REQUIRE(page_events().size() == 1);
    CHECK(page_events()[0]["dropped_pose"] == 12);

    h.run(1000);
    congestion(true, 40, 3);  // it goes on: the counts grow, the start stays
    c = h.session.state_json()["congestion"];
    CHECK(c["since_ms"] == since);
    CHECK(c["dropped_pose"] == 40);
    CHECK(c["dropped_audio"] == 3);
    CHECK(c["notices"] == 2);

    congestion(false, 40, 3);
    c = h.session.state_json()["congestion"];
    CHECK(c["active"] == false);
    CHECK(c["since_ms"].is_null());
    REQUIRE(page_events().size() == 3);
    CHECK(page_events()[2]["active"] == false);
    // Like every notification, it is also an "inform" and in the recent events.
    CHECK(h.session.state_json()["events"].back()["event"] == "vcOnMediaCongestion");

    congestion(true, 5, 0);
    h.socket.drop("network");  // a new connection has a new queue at the server
    h.run(500);
    h.socket.open();
    const Json resync = h.socket.last_request();
    REQUIRE(resync["event_name"] == "vcResync");
    h.answer_resync(resync);
    REQUIRE(h.session.status() == ConnectionStatus::Joined);
    CHECK(h.session.state_json()["congestion"]["active"] == false);
}

TEST_CASE("a congested reader asks the server for fewer poses, once, and for every pose again when it clears") {
    Harness h;
    h.join_as_me({"u-zed"});
    auto congestion = [&](bool congested) {
        h.socket.text(protocol::make_inform(protocol::Event::OnMediaCongestion,
                                            Json{{"congested", congested}, {"dropped_pose", 3}}, h.server_ms));
    };
    auto wishes = [&] {
        std::vector<Json> out;
        for (const std::string& t : h.socket.sent_text) {
            const Json j = Json::parse(t);
            if (j["event_name"] == "vcSetMediaReceive") out.push_back(j["content"]);
        }
        return out;
    };
    congestion(true);
    REQUIRE(wishes().size() == 1);
    CHECK(wishes()[0]["pose_hz"] == 10);
    CHECK(h.session.state_json()["congestion"]["asked_pose_hz"] == 10);
    congestion(true);  // it goes on: no second request
    CHECK(wishes().size() == 1);
    congestion(false);
    REQUIRE(wishes().size() == 2);
    CHECK(wishes()[1]["pose_hz"] == 0);
    CHECK(h.session.state_json()["congestion"]["asked_pose_hz"] == 0);
}

TEST_CASE("every refusal of a join reads as a sentence without codes") {
    const int codes[] = {
#define POSEMEET_X(name, code, text) code,
        POSEMEET_ERROR_CODES(POSEMEET_X)
#undef POSEMEET_X
        999};
    for (const int code : codes) {
        if (code == 200) continue;
        CAPTURE(code);
        const std::string words = join_refusal_in_words(code, "some server text");
        CHECK(words.back() == '.');
        CHECK(std::isupper(static_cast<unsigned char>(words[0])));
        CHECK(words.find(std::to_string(code)) == std::string::npos);
    }
}

TEST_SUITE_END();
