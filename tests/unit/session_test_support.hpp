// The platform-free client under test: a fake signalling socket (the test plays the server,
// with replies and notifications built by a real core Room so their shape is exactly what
// the server sends), a manually advanced clock, and no PeerLinkFactory (relay mode).
// Shared by the meeting_session and audio_engine suites.
#pragma once

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "client/meeting_session.hpp"
#include "core/media_packet.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/room.hpp"
#include "core/synthetic_pose.hpp"

namespace posemeet::test {

using protocol::ErrorCode;
using protocol::Json;

using Bytes = std::vector<std::uint8_t>;

class FakeSocket : public SignalingSocket {
public:
    int connect_calls = 0;
    int close_calls = 0;
    std::string url;
    Handlers handlers;
    std::vector<std::string> sent_text;
    std::vector<Bytes> sent_binary;

    void connect(const std::string& u, Handlers h) override {
        ++connect_calls;
        url = u;
        handlers = std::move(h);
    }
    void send_text(const std::string& text) override { sent_text.push_back(text); }
    void send_binary(const std::uint8_t* data, std::size_t size) override {
        sent_binary.emplace_back(data, data + size);
    }
    void close() override { ++close_calls; }

    // The server side of the wire.
    void open() { handlers.on_open(); }
    void text(const Json& j) { handlers.on_text(j.dump()); }
    void raw_text(std::string_view s) { handlers.on_text(s); }
    void binary(const Bytes& b) { handlers.on_binary(b.data(), b.size()); }
    void drop(const std::string& reason, int close_code = 0) { handlers.on_close(close_code, reason); }

    Json last_request() const {
        REQUIRE_FALSE(sent_text.empty());
        return Json::parse(sent_text.back());
    }
};

class FakeClock : public Clock {
public:
    double now = 50'000.0;
    std::uint32_t media_base = 1'234'567u;
    double now_ms() const override { return now; }
    std::uint32_t media_time_ms() const override {
        return media_base + static_cast<std::uint32_t>(std::llround(now));
    }
};

inline JoinRequest join_req(const std::string& name, int relay = 0) {
    JoinRequest r;
    r.user_name = name;
    r.camera = 1;
    r.media_relay = relay;
    return r;
}

inline const Json* participant(const Json& state, const std::string& user_id) {
    for (const auto& p : state["participants"])
        if (p["user_id"] == user_id) return &p;
    return nullptr;
}

inline std::vector<std::string> participant_ids(const Json& state) {
    std::vector<std::string> ids;
    for (const auto& p : state["participants"]) ids.push_back(p["user_id"]);
    return ids;
}

struct Harness {
    FakeSocket socket;
    FakeClock clock;
    Room room{"r1", "Room One", 1000, {}};  // the server's truth, used to build messages
    std::int64_t server_ms = 2000;
    std::vector<std::pair<std::string, Json>> events;
    MeetingSession session;

    static SessionConfig config() {
        SessionConfig c;
        c.server_url = "ws://test.invalid/ws";
        return c;
    }

    Harness() : session(config(), socket, /*peers=*/nullptr, clock) {
        session.set_event_listener([this](const std::string& n, const Json& d) { events.emplace_back(n, d); });
    }

    // Someone else already in the room (or joining later: returns the notifications).
    Outcome server_join(const std::string& user_id, int relay = 0) {
        Outcome o = room.join(user_id, join_req("name-" + user_id, relay), server_ms++);
        REQUIRE(o.code == ErrorCode::Ok);
        return o;
    }

    // Deliver every notification of `o` addressed to `me`.
    void deliver(const Outcome& o, const std::string& me = "u-me") {
        for (const auto& n : o.notifications)
            for (const auto& r : n.recipients)
                if (r == me) socket.text(protocol::make_inform(n.event, n.data, server_ms));
    }

    // Runs the whole join handshake; the room already holds `others`.
    void join_as_me(const std::vector<std::string>& others) {
        for (const auto& id : others) server_join(id);
        session.join("r1", "Me");
        REQUIRE(socket.connect_calls >= 1);
        socket.open();
        const Json req = socket.last_request();
        REQUIRE(req["event_name"] == "vcJoinRoom");
        Outcome o = room.join("u-me", join_req("Me", 1), server_ms++);
        REQUIRE(o.code == ErrorCode::Ok);
        socket.text(protocol::make_reply(req["request_id"], ErrorCode::Ok, "", o.response, server_ms));
        REQUIRE(session.status() == ConnectionStatus::Joined);
    }

    // The server's answer to our vcResync: the same membership (role, devices, list), resumed.
    void answer_resync(const Json& resync) {
        const Json response{{"room", room.record().to_json()},
                            {"user", room.find("u-me")->to_json()},
                            {"user_list", room.user_list_json()},
                            {"room_state", room.controls_json("u-me")},
                            {"messages", Json::array()},
                            {"resumed", 1}};
        socket.text(protocol::make_reply(resync["request_id"], ErrorCode::Ok, "", response, server_ms));
    }

    std::uint16_t media_id(const std::string& user_id) { return room.find(user_id)->media_id; }

    Bytes pose_packet_from(const std::string& user_id, std::uint32_t ts, std::uint16_t seq = 0) {
        MediaHeader h;
        h.kind = MediaKind::Pose;
        h.sender = media_id(user_id);
        h.sequence = seq;
        h.timestamp_ms = ts;
        // A fresh encoder's first frame is a keyframe: every such packet decodes on its own.
        const Pose pose = SyntheticPoseSource(pose_seed_for_user(user_id)).pose_at(ts);
        return encode_media_packet(h, PoseStreamEncoder().encode(pose, seq, ts, {}).payload);
    }

    // Advance the clock in `step_ms` increments for `total_ms`, ticking each time.
    void run(double total_ms, double step_ms = 1.0) {
        const double end = clock.now + total_ms;
        while (clock.now + step_ms <= end + 1e-9) {
            clock.now += step_ms;
            session.tick();
        }
    }
};

}  // namespace posemeet::test
