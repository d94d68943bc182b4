// room: membership, roles, join order, notifications and relay routing of one meeting room.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/pose_tier.hpp"
#include "core/room.hpp"

using namespace posemeet;

namespace {

// Room has no public operation that ends a meeting yet (RoomStatus::Ended is never set by
// src/core). To test that joining an ended room is refused, reach the private record through
// the explicit-instantiation rule (access checks do not apply to template arguments there).
RoomRecord& room_record(Room& room);
template <RoomRecord Room::*Member>
struct RoomRecordAccess {
    friend RoomRecord& room_record(Room& room) { return room.*Member; }
};
template struct RoomRecordAccess<&Room::record_>;

JoinRequest req(const std::string& name, int relay = 0, int silence = 0) {
    JoinRequest r;
    r.user_name = name;
    r.camera = 1;
    r.media_relay = relay;
    r.is_silence = silence;
    return r;
}

const Notification* find_event(const Outcome& o, const std::string& event) {
    for (const auto& n : o.notifications)
        if (n.event == event) return &n;
    return nullptr;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// The ids of the member records the relay hands a packet to (Room::relay_recipients).
std::vector<std::string> ids_of(const std::vector<const UserRecord*>& members) {
    std::vector<std::string> ids;
    for (const UserRecord* m : members) ids.push_back(m->user_id);
    return ids;
}

std::vector<std::string> list_ids(const Json& user_list) {
    std::vector<std::string> ids;
    for (const auto& u : user_list) ids.push_back(u["user_id"]);
    return ids;
}

}  // namespace

TEST_SUITE_BEGIN("room");

TEST_CASE("first joiner is host with share permission, later joiners are visitors") {
    Room room("r1", "Room One", 1000, {});
    Outcome a = room.join("ua", req("Alice"), 2000);
    REQUIRE(a.code == ErrorCode::Ok);
    CHECK(a.response["user"]["user_role"] == 1);
    CHECK(a.response["user"]["share_permission"] == 1);
    CHECK(a.response["user"]["user_name"] == "Alice");
    CHECK(a.response["user"]["room_id"] == "r1");
    CHECK(a.response["room"]["room_name"] == "Room One");
    CHECK(a.response["room"]["status"] == static_cast<int>(RoomStatus::InProgress));
    CHECK(a.response["room"]["start_time"] == 2000);
    CHECK(a.notifications.empty());  // nobody else to tell

    Outcome b = room.join("ub", req("Bob"), 3000);
    REQUIRE(b.code == ErrorCode::Ok);
    CHECK(b.response["user"]["user_role"] == 0);
    CHECK(b.response["user"]["share_permission"] == 0);
    CHECK(room.find("ua")->user_role == UserRole::Host);
    CHECK(room.find("ub")->user_role == UserRole::Visitor);
    CHECK(room.record().start_time == 2000);  // the meeting started with the first join
}

TEST_CASE("user_list is ordered by join_time, which is strictly increasing even for equal now") {
    Room room("r1", "r1", 0, {});
    for (const char* id : {"uz", "ua", "um", "ub"}) REQUIRE(room.join(id, req(id), 5000).code == ErrorCode::Ok);
    // A clock that steps backwards still yields increasing join times.
    REQUIRE(room.join("uc", req("uc"), 4000).code == ErrorCode::Ok);
    const Json list = room.user_list_json();
    CHECK(list_ids(list) == std::vector<std::string>{"uz", "ua", "um", "ub", "uc"});
    for (std::size_t i = 1; i < list.size(); ++i)
        CHECK(list[i]["join_time"].get<std::int64_t>() > list[i - 1]["join_time"].get<std::int64_t>());
    CHECK(list[0]["join_time"] == 5000);
    // The join reply carries the same ordered list.
    Outcome o = room.join("ud", req("ud"), 5000);
    CHECK(list_ids(o.response["user_list"]) ==
          std::vector<std::string>{"uz", "ua", "um", "ub", "uc", "ud"});
}

TEST_CASE("vcOnJoinRoom goes to everyone except the joiner, with the user and user_count") {
    Room room("r1", "r1", 0, {});
    room.join("ua", req("Alice"), 1);
    room.join("ub", req("Bob"), 2);
    Outcome c = room.join("uc", req("Carol"), 3);
    REQUIRE(c.code == ErrorCode::Ok);
    REQUIRE(c.notifications.size() == 1);
    const Notification& n = c.notifications[0];
    CHECK(n.event == "vcOnJoinRoom");
    CHECK(as_set(n.recipients) == std::set<std::string>{"ua", "ub"});
    CHECK(n.data["user"]["user_id"] == "uc");
    CHECK(n.data["user"]["user_name"] == "Carol");
    CHECK(n.data["user_count"] == 3);
}

TEST_CASE("silent users produce no vcOnJoinRoom but are members") {
    Room room("r1", "r1", 0, {});
    room.join("ua", req("Alice"), 1);
    Outcome s = room.join("us", req("Observer", 0, /*silence=*/1), 2);
    REQUIRE(s.code == ErrorCode::Ok);
    CHECK(find_event(s, "vcOnJoinRoom") == nullptr);
    CHECK(room.find("us") != nullptr);
    CHECK(room.find("us")->is_silence == 1);
    CHECK(room.members().size() == 2);
}

TEST_CASE("leave notifies the rest with vcOnLeaveRoom and user_count") {
    Room room("r1", "r1", 0, {});
    room.join("ua", req("Alice"), 1);
    room.join("ub", req("Bob"), 2);
    room.join("uc", req("Carol"), 3);
    Outcome o = room.leave("ub", 10);
    REQUIRE(o.code == ErrorCode::Ok);
    const Notification* n = find_event(o, "vcOnLeaveRoom");
    REQUIRE(n != nullptr);
    CHECK(as_set(n->recipients) == std::set<std::string>{"ua", "uc"});
    CHECK(n->data["user"]["user_id"] == "ub");
    CHECK(n->data["user_count"] == 2);
    CHECK(find_event(o, "vcOnHostChange") == nullptr);  // a visitor left
    CHECK(room.find("ub") == nullptr);
    CHECK(room.member_ids() == std::vector<std::string>{"ua", "uc"});

    CHECK(room.leave("ub", 11).code == ErrorCode::NotFound);
    CHECK(room.leave("nobody", 11).code == ErrorCode::NotFound);
}

TEST_CASE("the last member leaving produces no notifications and empties the room") {
    Room room("r1", "r1", 0, {});
    room.join("ua", req("Alice"), 1);
    Outcome o = room.leave("ua", 2);
    CHECK(o.code == ErrorCode::Ok);
    CHECK(o.notifications.empty());
    CHECK(room.empty());
}

TEST_CASE("host leaving passes host to the earliest-joined remaining participant") {
    Room room("r1", "r1", 0, {});
    room.join("host", req("H"), 1);
    room.join("uz", req("Z"), 2);  // ids deliberately not in alphabetical join order
    room.join("ua", req("A"), 3);
    Outcome o = room.leave("host", 10);
    const Notification* change = find_event(o, "vcOnHostChange");
    REQUIRE(change != nullptr);
    CHECK(change->data["user_id"] == "uz");
    CHECK(change->data["room_id"] == "r1");
    CHECK(as_set(change->recipients) == std::set<std::string>{"uz", "ua"});
    REQUIRE(find_event(o, "vcOnLeaveRoom") != nullptr);
    CHECK(room.find("uz")->user_role == UserRole::Host);
    CHECK(room.find("uz")->share_permission == 1);
    CHECK(room.find("ua")->user_role == UserRole::Visitor);
    // Exactly one host; the user list shows it.
    CHECK(room.user_list_json()[0]["user_role"] == 1);
    CHECK(room.user_list_json()[1]["user_role"] == 0);

    // A later joiner does not become host while one exists.
    room.join("ub", req("B"), 20);
    CHECK(room.find("ub")->user_role == UserRole::Visitor);
}

TEST_CASE("a full room refuses joins with 401") {
    RoomLimits limits;
    limits.max_participants = 3;
    Room room("r1", "r1", 0, limits);
    for (const char* id : {"u1", "u2", "u3"}) REQUIRE(room.join(id, req(id), 1).code == ErrorCode::Ok);
    Outcome o = room.join("u4", req("u4"), 2);
    CHECK(o.code == ErrorCode::RoomFull);
    CHECK(static_cast<int>(o.code) == 401);
    CHECK(o.notifications.empty());
    CHECK(room.members().size() == 3);
    CHECK(room.find("u4") == nullptr);
    // A place frees up when someone leaves.
    room.leave("u2", 3);
    CHECK(room.join("u4", req("u4"), 4).code == ErrorCode::Ok);
}

TEST_CASE("a peer-to-peer room stops at 16 even when the server allows more; a relay-only room grows") {
    RoomLimits limits;
    limits.max_participants = 40;
    SUBCASE("peer-to-peer members: the 17th is refused with 401") {
        Room room("r1", "r1", 0, limits);
        for (int i = 0; i < kMaxPeerToPeerRoom; ++i)
            REQUIRE(room.join(std::to_string(i) + "-p2p", req("p"), 1).code == ErrorCode::Ok);
        Outcome o = room.join("u-late", req("late", 1), 2);  // one peer-to-peer member is enough
        CHECK(o.code == ErrorCode::RoomFull);
        CHECK(o.message.find("peer to peer") != std::string::npos);
        CHECK(room.members().size() == 16);
    }
    SUBCASE("relay-only members: past 16, until a peer-to-peer joiner") {
        Room room("r1", "r1", 0, limits);
        for (int i = 0; i < 20; ++i)
            REQUIRE(room.join(std::to_string(i) + "-bot", req("bot", 1), 1).code == ErrorCode::Ok);
        CHECK(room.join("u-browser", req("browser"), 2).code == ErrorCode::RoomFull);
        CHECK(room.join("b-more", req("bot", 1), 2).code == ErrorCode::Ok);
    }
}

TEST_CASE("relay_beyond_mesh: the 17th join switches the room to the relay for everyone and it grows") {
    RoomLimits limits;
    limits.max_participants = 100;
    limits.relay_beyond_mesh = true;
    Room room("r1", "r1", 0, limits);
    for (int i = 0; i < kMaxPeerToPeerRoom; ++i)
        REQUIRE(room.join(std::to_string(i) + "-p2p", req("p", i == 3 ? 1 : 0), 1).code == ErrorCode::Ok);
    // Up to the mesh size nothing changes: members keep the path they asked for.
    CHECK(room.find("0-p2p")->media_relay == 0);
    CHECK(room.find("3-p2p")->media_relay == 1);

    Outcome o = room.join("u-17", req("late"), 2);
    REQUIRE(o.code == ErrorCode::Ok);
    for (const auto& m : room.members()) CHECK(m.media_relay == 1);
    CHECK(o.response["user"]["media_relay"] == 1);
    // Each member that was peer to peer is told (its whole record), the joiner's arrival after.
    REQUIRE(o.notifications.size() == kMaxPeerToPeerRoom);  // 15 updates + the join
    for (std::size_t i = 0; i + 1 < o.notifications.size(); ++i) {
        CHECK(o.notifications[i].event == Event::OnUserUpdate);
        CHECK(o.notifications[i].data["user"]["media_relay"] == 1);
        CHECK(o.notifications[i].recipients.size() == static_cast<std::size_t>(kMaxPeerToPeerRoom));  // not the joiner
    }
    CHECK(o.notifications.back().event == Event::OnJoinRoom);
    // Later peer-to-peer joiners relay too, with nobody to tell; up to the room's cap.
    for (int i = 18; i <= 100; ++i) {
        Outcome later = room.join(std::to_string(i), req("more"), 3);
        REQUIRE(later.code == ErrorCode::Ok);
        CHECK(later.response["user"]["media_relay"] == 1);
        CHECK(later.notifications.size() == 1);
    }
    CHECK(room.join("u-101", req("one too many"), 4).code == ErrorCode::RoomFull);
}

TEST_CASE("joining an ended room is refused with 422") {
    Room room("r1", "r1", 0, {});
    room.join("u1", req("u1"), 1);
    room_record(room).status = RoomStatus::Ended;
    Outcome o = room.join("u2", req("u2"), 2);
    CHECK(o.code == ErrorCode::RoomEnded);
    CHECK(static_cast<int>(o.code) == 422);
    CHECK(room.find("u2") == nullptr);
}

TEST_CASE("the same user id cannot join twice") {
    Room room("r1", "r1", 0, {});
    room.join("u1", req("u1"), 1);
    CHECK(room.join("u1", req("again"), 2).code == ErrorCode::AlreadyInRoom);
    CHECK(room.members().size() == 1);
}

TEST_CASE("media ids are unique, non-zero and resolve back to their user") {
    Room room("r1", "r1", 0, {});
    std::set<std::uint16_t> ids;
    for (int i = 0; i < 10; ++i) {
        const std::string id = std::string("u").append(std::to_string(i));
        Outcome o = room.join(id, req(id), i);
        REQUIRE(o.code == ErrorCode::Ok);
        const std::uint16_t mid = room.find(id)->media_id;
        CHECK(mid != 0);
        CHECK(o.response["user"]["media_id"] == mid);
        CHECK(ids.insert(mid).second);
        CHECK(room.find_by_media_id(mid)->user_id == id);
    }
    // Leaving and rejoining hands out a fresh id, never one still in use.
    room.leave("u3", 20);
    room.join("u3", req("u3"), 21);
    CHECK(ids.count(room.find("u3")->media_id) == 0);
    CHECK(room.find_by_media_id(0) == nullptr);
}

TEST_CASE("media ids stay unique after the 16-bit counter wraps in a long-lived room") {
    // A room that stays open while people come and go: the 16-bit counter wraps after 65535
    // joins. A member who is still present must never share a media id with a newcomer,
    // or receivers attribute one person's poses to the other.
    Room room("r1", "r1", 0, {});
    REQUIRE(room.join("resident", req("resident"), 0).code == ErrorCode::Ok);
    const std::uint16_t resident_id = room.find("resident")->media_id;
    std::int64_t now = 1;
    int collisions = 0, first_collision = -1;
    for (int i = 0; i < 70000; ++i) {
        REQUIRE(room.join("guest", req("guest"), now).code == ErrorCode::Ok);
        const std::uint16_t guest_id = room.find("guest")->media_id;
        REQUIRE(guest_id != 0);
        if (guest_id == resident_id) {
            if (collisions++ == 0) first_collision = i;
        }
        REQUIRE(room.leave("guest", now).code == ErrorCode::Ok);
        ++now;
    }
    INFO("guest join #" << first_collision << " got the resident's media id " << resident_id);
    CHECK(collisions == 0);
    CHECK(room.find_by_media_id(resident_id)->user_id == "resident");
}

TEST_CASE("relay_recipients default rule: either side uses the relay") {
    Room room("r1", "r1", 0, {});
    room.join("native", req("native", /*relay=*/1), 1);
    room.join("web1", req("web1"), 2);
    room.join("web2", req("web2"), 3);
    // A relay user's media goes to everyone else.
    CHECK(as_set(ids_of(room.relay_recipients("native", {}))) == std::set<std::string>{"web1", "web2"});
    // A browser's relayed media goes only to relay users; browsers reach each other by P2P.
    CHECK(ids_of(room.relay_recipients("web1", {})) == std::vector<std::string>{"native"});
    // Not a member: nothing.
    CHECK(ids_of(room.relay_recipients("stranger", {})).empty());
}

TEST_CASE("relay_recipients with explicit targets") {
    Room room("r1", "r1", 0, {});
    room.join("a", req("a"), 1);
    room.join("b", req("b"), 2);
    room.join("c", req("c", 1), 3);
    const auto mid = [&](const char* id) { return room.find(id)->media_id; };
    CHECK(ids_of(room.relay_recipients("a", {mid("b")})) == std::vector<std::string>{"b"});
    CHECK(as_set(ids_of(room.relay_recipients("a", {mid("b"), mid("c")}))) == std::set<std::string>{"b", "c"});
    // The sender itself and unknown ids are never recipients.
    CHECK(ids_of(room.relay_recipients("a", {mid("a")})).empty());
    CHECK(ids_of(room.relay_recipients("a", {999})).empty());
    CHECK(ids_of(room.relay_recipients("a", {mid("a"), 999, mid("c")})) == std::vector<std::string>{"c"});
}

TEST_CASE("parse_join_request validates user_name and the device flags") {
    std::string err;
    auto r = parse_join_request(Json{{"user_name", "你好"}, {"camera", "1"}, {"mic", 0},
                                     {"is_silence", "0"}, {"media_relay", 1}},
                                err);
    REQUIRE_MESSAGE(r.has_value(), err);
    CHECK(r->user_name == "你好");
    CHECK(r->camera == 1);
    CHECK(r->mic == 0);
    CHECK(r->is_silence == 0);
    CHECK(r->media_relay == 1);

    const Json bad[] = {
        Json::object(),
        Json{{"user_name", ""}},
        Json{{"user_name", 5}},
        Json{{"user_name", std::string(kMaxUserNameBytes + 1, 'n')}},
        Json{{"user_name", std::string("\xED\xA0\x80")}},
        Json{{"user_name", "ok"}, {"camera", 2}},
        Json{{"user_name", "ok"}, {"mic", "x"}},
        Json{{"user_name", "ok"}, {"media_relay", -1}},
    };
    for (const Json& c : bad) {
        INFO(c.dump(-1, ' ', true, Json::error_handler_t::replace));
        std::string e;
        CHECK_FALSE(parse_join_request(c, e).has_value());
        CHECK_FALSE(e.empty());
    }
    std::string e;
    CHECK(parse_join_request(Json{{"user_name", std::string(kMaxUserNameBytes, 'n')}}, e).has_value());
}

TEST_CASE("user and room records serialize with the vocabulary's field names") {
    Room room("r1", "Room One", 77, {});
    room.join("ua", req("Alice", 1), 100);
    const Json u = room.find("ua")->to_json();
    for (const char* f : {"room_id", "user_id", "user_name", "user_role", "camera", "mic", "join_time",
                          "share_permission", "share_status", "share_type", "is_silence", "media_id",
                          "media_relay", "online", "permission", "metadata", "attributes"}) {
        INFO(f);
        CHECK(u.contains(f));
    }
    CHECK(u.size() == 17);
    // Without an access token a member may publish everything and is no co-host.
    CHECK(u["permission"] == Json{{"mic", 1}, {"camera", 1}, {"screen", 1}, {"data", 1}, {"room_admin", 0}});
    CHECK(u["online"] == 1);
    CHECK(u["camera"] == 1);
    CHECK(u["media_relay"] == 1);
    const Json r = room.record().to_json();
    for (const char* f : {"room_id", "room_name", "create_time", "start_time", "end_time", "status"}) {
        INFO(f);
        CHECK(r.contains(f));
    }
    CHECK(r["create_time"] == 77);
}

TEST_SUITE_END();
