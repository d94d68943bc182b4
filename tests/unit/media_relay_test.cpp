// media_relay: the server's relay over a real ControlService: in a room beyond the mesh
// size only the loudest speakers' audio is forwarded; smaller rooms, pose, and a relay
// that is not selective (--large-rooms off) forward everything as before.
#include "server/media_relay.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "control_test_support.hpp"
#include "core/audio/audio_payload.hpp"
#include "core/media_packet.hpp"

using namespace posemeet;
using posemeet::server::MediaRelay;
using posemeet::test::make;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

struct Meeting {
    int counter = 0;
    ControlService svc;
    std::vector<ConnectionState> members;

    explicit Meeting(int size)
        : svc(config(), [this] { return "user-" + std::to_string(++counter); }), members(size) {
        for (auto& m : members) {
            // Relay members (bots), so that a room of 16 relays too; beyond 16 everyone would.
            auto r = svc.handle(
                m,
                make("vcJoinRoom",
                     Json{{"room_id", "big"}, {"user_name", "p"}, {"mic", 1}, {"media_relay", 1}}),
                kNow);
            REQUIRE(test::code_of(r) == 200);
        }
    }
    static ServiceConfig config() {
        ServiceConfig c;
        c.room_limits.max_participants = 100;
        c.room_limits.relay_beyond_mesh = true;
        return c;
    }
};

// A relay frame (default recipients) with one audio packet at this level.
std::vector<std::uint8_t> audio_frame(std::uint16_t sequence, std::uint8_t level,
                                      bool voice = true) {
    MediaHeader h;
    h.kind = MediaKind::Audio;
    h.sequence = sequence;
    return encode_relay_frame(
        {}, encode_media_packet(h, audio::encode_audio_payload(voice, level, {0xF8})));
}

std::vector<std::uint8_t> pose_frame(std::uint16_t sequence) {
    MediaHeader h;
    h.kind = MediaKind::Pose;
    h.sequence = sequence;
    return encode_relay_frame({}, encode_media_packet(h, std::vector<std::uint8_t>(20, 0)));
}

// Who got what: per recipient, the set of senders' media ids heard (audio) or seen (pose).
struct Received {
    std::map<std::string, std::set<std::uint16_t>> audio, pose;
    MediaRelay::SendFn send() {
        return [this](const std::string& user, const std::shared_ptr<const std::string>& packet,
                      MediaKind kind) {
            const auto parsed = parse_media_packet(
                reinterpret_cast<const std::uint8_t*>(packet->data()), packet->size());
            REQUIRE(parsed.packet);
            (kind == MediaKind::Audio ? audio : pose)[user].insert(parsed.packet->header.sender);
            return true;
        };
    }
};

// The first `speakers` members talk for 2 s, 20-ms packets; member i at level 20 + 5 i -dBov.
Received talk(MediaRelay& relay, Meeting& m, int speakers) {
    Received got;
    const auto send = got.send();
    for (int tick = 0; tick < 100; ++tick) {
        for (int i = 0; i < speakers; ++i) {
            const auto frame = audio_frame(static_cast<std::uint16_t>(tick),
                                           static_cast<std::uint8_t>(20 + 5 * i));
            CHECK_FALSE(
                relay.relay(m.members[i], true, frame.data(), frame.size(), tick * 20, send));
        }
    }
    return got;
}

std::uint16_t media_id(const Meeting& m, int i) {
    return m.svc.find_room("big")->find(m.members[i].user_id)->media_id;
}

}  // namespace

TEST_SUITE_BEGIN("media_relay");

TEST_CASE("a room of 20: a listener hears the three loudest speakers only") {
    Meeting m(20);
    MediaRelay relay(m.svc, /*selective=*/true);
    const auto got = talk(relay, m, 6);
    const std::set<std::uint16_t> loudest{media_id(m, 0), media_id(m, 1), media_id(m, 2)};
    CHECK(got.audio.at(m.members[19].user_id) == loudest);
    // A speaker does not hear itself; the others of the three do.
    CHECK(got.audio.at(m.members[0].user_id) ==
          std::set<std::uint16_t>{media_id(m, 1), media_id(m, 2)});
    CHECK(relay.audio_not_selected() == 3 * 100);  // speakers 3-5: never in
    const auto selected = relay.selected_speakers("big");
    CHECK(std::set<std::uint16_t>(selected.begin(), selected.end()) == loudest);
    // Every packet of the three reached the 19 others.
    CHECK(relay.relayed(MediaKind::Audio).packets == 3 * 100 * 19);
}

TEST_CASE("a room of 20: pose reaches everyone (its rate per receiver is the hub's)") {
    Meeting m(20);
    MediaRelay relay(m.svc, true);
    Received got;
    const auto frame = pose_frame(1);
    for (int i = 0; i < 20; ++i)
        relay.relay(m.members[i], true, frame.data(), frame.size(), 0, got.send());
    for (int i = 0; i < 20; ++i) CHECK(got.pose[m.members[i].user_id].size() == 19);
}

TEST_CASE("everything as before: a room within the mesh size, or a relay that is not selective") {
    SUBCASE("16 members") {
        Meeting m(16);
        MediaRelay relay(m.svc, true);
        const auto got = talk(relay, m, 6);
        CHECK(got.audio.at(m.members[15].user_id).size() == 6);
        CHECK(relay.audio_not_selected() == 0);
    }
    SUBCASE("20 members, --large-rooms off (the room itself was let grow by relay-only members)") {
        Meeting m(20);
        MediaRelay relay(m.svc, false);
        const auto got = talk(relay, m, 6);
        CHECK(got.audio.at(m.members[19].user_id).size() == 6);
        CHECK(relay.audio_not_selected() == 0);
    }
}

TEST_CASE(
    "a large room's audio without a readable level is not forwarded; tick forgets rooms gone") {
    Meeting m(20);
    MediaRelay relay(m.svc, true);
    Received got;
    MediaHeader h;
    h.kind = MediaKind::Audio;
    const auto garbage = encode_relay_frame({}, encode_media_packet(h, {0xFF}));
    CHECK_FALSE(relay.relay(m.members[0], true, garbage.data(), garbage.size(), 0, got.send()));
    CHECK(got.audio.empty());
    CHECK(relay.audio_not_selected() == 1);

    const auto frame = audio_frame(1, 30);
    relay.relay(m.members[0], true, frame.data(), frame.size(), 20, got.send());
    CHECK(relay.selected_speakers("big").size() == 1);
    // Everyone leaves: the room is gone, and so are its speakers.
    for (auto& c : m.members) m.svc.handle(c, make("vcLeaveRoom"), kNow);
    relay.tick(40);
    CHECK(relay.selected_speakers("big").empty());
}

TEST_SUITE_END();
