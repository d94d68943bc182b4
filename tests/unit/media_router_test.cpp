// media_router: the client's media paths when a room outgrows the peer-to-peer mesh: a
// member whose record now says media_relay (vcOnUserUpdate) is reached through the relay,
// its peer link closed; when that member is us, every link closes.
#include "client/media_router.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "client/room_mirror.hpp"
#include "core/room.hpp"
#include "session_test_support.hpp"

using namespace posemeet;
using posemeet::test::FakeClock;
using posemeet::test::FakeSocket;
using posemeet::test::join_req;

namespace {

// Links that open at once and count what they send; `alive` counts links not yet closed.
struct FakePeers : PeerLinkFactory {
    int alive = 0;
    int sent = 0;
    struct Link : PeerLink {
        FakePeers& peers;
        explicit Link(FakePeers& p) : peers(p) { ++peers.alive; }
        ~Link() override { --peers.alive; }
        void start(bool) override {}
        void apply_remote_signal(const protocol::Json&) override {}
        bool send(const std::uint8_t*, std::size_t) override { return ++peers.sent, true; }
        bool is_open() const override { return true; }
    };
    std::unique_ptr<PeerLink> create(PeerLink::Handlers) override {
        return std::make_unique<Link>(*this);
    }
};

}  // namespace

TEST_SUITE_BEGIN("media_router");

TEST_CASE(
    "a member switched to the relay is reached through it; when it is us, every link closes") {
    Room room("r1", "r1", 0, {});
    room.join("u-cleo", join_req("Cleo"), 1);
    room.join("u-ann", join_req("Ann"), 2);
    const Outcome bob = room.join("u-bob", join_req("Bob"), 3);
    RoomMirror mirror;
    mirror.reset(bob.response);  // we are Bob
    FakeSocket socket;
    FakeClock clock;
    FakePeers peers;
    MediaRouter router({}, socket, &peers, clock, mirror, {});
    for (const auto& [id, user] : mirror.others()) router.add_remote(user);
    REQUIRE(peers.alive == 2);
    const std::vector<std::uint8_t> packet(20, 1);
    router.send_to_all(packet);
    CHECK(peers.sent == 2);
    CHECK(socket.sent_binary.empty());

    // Ann relays now: her link closes, packets to her take the relay.
    UserRecord ann = *mirror.find("u-ann");
    ann.media_relay = 1;
    const Json update{{"room_id", "r1"}, {"user", ann.to_json()}};
    mirror.apply(protocol::Event::OnUserUpdate, update, clock.now);
    router.on_member_updated(ann);
    CHECK(peers.alive == 1);
    router.send_to_all(packet);
    CHECK(peers.sent == 3);
    CHECK(socket.sent_binary.size() == 1);

    // We relay (the room outgrew the mesh): no link is left.
    UserRecord me = *mirror.self();
    me.media_relay = 1;
    mirror.apply(protocol::Event::OnUserUpdate, Json{{"room_id", "r1"}, {"user", me.to_json()}},
                 clock.now);
    router.on_member_updated(me);
    CHECK(peers.alive == 0);
    router.send_to_all(packet);
    CHECK(peers.sent == 3);
    CHECK(socket.sent_binary.size() == 2);  // one relay frame naming both
}

TEST_CASE("an update that keeps a member peer to peer leaves its link alone") {
    Room room("r1", "r1", 0, {});
    room.join("u-ann", join_req("Ann"), 1);
    const Outcome bob = room.join("u-bob", join_req("Bob"), 2);
    RoomMirror mirror;
    mirror.reset(bob.response);
    FakeSocket socket;
    FakeClock clock;
    FakePeers peers;
    MediaRouter router({}, socket, &peers, clock, mirror, {});
    for (const auto& [id, user] : mirror.others()) router.add_remote(user);
    UserRecord ann = *mirror.find("u-ann");
    ann.user_name = "Ann B.";
    router.on_member_updated(ann);
    CHECK(peers.alive == 1);
}

TEST_SUITE_END();
