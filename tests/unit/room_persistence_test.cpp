// room_persistence: a room exported by one ControlService and imported by a fresh one (a
// server restart) keeps everything its members would notice - who is host, who is muted,
// a mute-all without self-unmute, pending requests, the sharer, the chat - and each member
// resumes with its old token; a member who does not come back expires as a leave. A state
// that breaks the room's rules is refused whole.
#include <doctest/doctest.h>

#include <string>

#include "control_test_support.hpp"
#include "core/control_service.hpp"

using namespace posemeet;
using namespace posemeet::test;

namespace {

constexpr std::int64_t kT0 = 1'700'000'000'000;
constexpr std::int64_t kRestart = kT0 + 60'000;
constexpr std::int64_t kGrace = 30'000;
const char* const kRoom = "weekly";

ServiceConfig config() {
    ServiceConfig c;
    c.reconnect_grace_ms = kGrace;
    return c;
}

// One server "process": its own service, ids first, first+1... ('a', 'b', 'c' for the
// first; the restarted one starts elsewhere, as random ids would not clash either) and
// tokens tok-1, tok-2...
struct Server {
    explicit Server(char first = 'a') : first_id(first) {}
    char first_id;
    int users = 0, tokens = 0;
    ControlService svc{config(), [this] { return std::string(1, static_cast<char>(first_id + users++)); },
                       [this] { return numbered("tok-", ++tokens) + std::string(26, '0'); }};
    ControlResult call(ConnectionState& conn, const std::string& ev, Json content = Json::object(),
                       std::int64_t now = kT0) {
        return svc.handle(conn, make(ev, std::move(content)), now);
    }
    std::string join(ConnectionState& conn, const std::string& name) {
        ControlResult r = call(conn, "vcJoinRoom", Json{{"room_id", kRoom}, {"user_name", name}, {"mic", 1}});
        REQUIRE(code_of(r) == 200);
        return response_of(r)["token"].get<std::string>();
    }
};

const Json* member(const Json& user_list, const std::string& id) {
    for (const auto& u : user_list)
        if (u["user_id"] == id) return &u;
    return nullptr;
}

}  // namespace

TEST_SUITE("room_persistence") {
    TEST_CASE("a restarted server brings the meeting back and every member resumes with its token") {
        Server before;
        ConnectionState ann, bob, cy;
        const std::string tok_ann = before.join(ann, "Ann"), tok_bob = before.join(bob, "Bob"),
                          tok_cy = before.join(cy, "陈");
        REQUIRE(code_of(before.call(ann, "vcSendMessage", Json{{"message", "agenda: 你好"}})) == 200);
        REQUIRE(code_of(before.call(ann, "vcOperateAllMic", Json{{"operate", 0}, {"operate_self_mic_permission", 0}})) == 200);
        REQUIRE(code_of(before.call(bob, "vcOperateSelfMicApply", Json{{"operate", 1}})) == 200);  // pending
        REQUIRE(code_of(before.call(ann, "vcStartShare", Json{{"share_type", 1}})) == 200);
        REQUIRE(code_of(before.call(ann, "vcTransferHost", Json{{"operate_user_id", "c"}})) == 200);  // Cy hosts now

        const auto exported = before.svc.export_room(kRoom);
        REQUIRE(exported);
        // Through text, as the store keeps it; which holds no token, only digests.
        const std::string text = exported->dump();
        for (const std::string* tok : {&tok_ann, &tok_bob, &tok_cy}) CHECK(text.find(*tok) == std::string::npos);
        const Json state = Json::parse(text);

        Server after('n');
        std::vector<MemberChange> changes;
        std::string error;
        REQUIRE(after.svc.import_room(state, kRestart, changes, error));
        CHECK(error.empty());
        CHECK(changes.size() == 3);
        CHECK(after.svc.participant_count() == 3);

        // Bob comes back first: he must not become host, and sees everyone as before.
        ConnectionState bob2;
        ControlResult r = after.call(bob2, "vcResync", Json{{"room_id", kRoom}, {"user_id", "b"}, {"token", tok_bob}},
                                     kRestart + 1000);
        REQUIRE(code_of(r) == 200);
        const Json& snap = response_of(r);
        CHECK(snap["user"]["user_id"] == "b");
        CHECK(snap["user"]["user_role"] == 0);
        CHECK(snap["user"]["mic"] == 0);
        CHECK((*member(snap["user_list"], "c"))["user_role"] == 1);
        CHECK((*member(snap["user_list"], "c"))["online"] == 0);  // not back yet
        CHECK((*member(snap["user_list"], "a"))["share_status"] == 1);
        CHECK(snap["room_state"]["mic_all_status"] == 0);
        CHECK(snap["room_state"]["operate_self_mic_permission"] == 0);
        REQUIRE(snap["messages"].size() == 1);
        CHECK(snap["messages"][0]["message"] == "agenda: 你好");

        // The mute-all without self-unmute still holds for Bob.
        CHECK(code_of(after.call(bob2, "vcOperateSelfMic", Json{{"operate", 1}}, kRestart + 1100)) == 410);

        // Cy resumes as host, sees Bob's pending request, and grants it.
        ConnectionState cy2;
        r = after.call(cy2, "vcResync", Json{{"user_id", "c"}, {"token", tok_cy}}, kRestart + 1200);
        REQUIRE(code_of(r) == 200);
        CHECK(response_of(r)["user"]["user_role"] == 1);
        CHECK(response_of(r)["room_state"].dump().find("\"b\"") != std::string::npos);  // Bob's request
        CHECK(code_of(after.call(cy2, "vcOperateSelfMicPermit", Json{{"apply_user_id", "b"}, {"permit", 1}}, kRestart + 1300)) == 200);
        CHECK(code_of(after.call(bob2, "vcOperateSelfMic", Json{{"operate", 1}}, kRestart + 1400)) == 200);

        // A wrong token is still refused; new joins get fresh ids and media ids.
        ConnectionState thief;
        CHECK(code_of(after.call(thief, "vcResync", Json{{"user_id", "a"}, {"token", tok_cy}}, kRestart + 1500)) == 452);
        ConnectionState dee;
        r = after.call(dee, "vcJoinRoom", Json{{"room_id", kRoom}, {"user_name", "Dee"}}, kRestart + 1600);
        REQUIRE(code_of(r) == 200);
        CHECK(response_of(r)["user"]["media_id"].get<int>() > 3);
        CHECK(response_of(r)["user"]["user_role"] == 0);

        // Ann never comes back: she leaves when the grace period runs out, and her share ends.
        ControlResult expired = after.svc.expire(kRestart + kGrace + 1);
        bool ann_left = false;
        for (const auto& ch : expired.changes) ann_left = ann_left || (ch.kind == MemberChange::Kind::Left && ch.user_id == "a");
        CHECK(ann_left);
        CHECK(after.svc.participant_count() == 3);
        CHECK(after.svc.find_room(kRoom)->find("a") == nullptr);
    }

    TEST_CASE("an ended meeting stays ended across a restart") {
        Server before;
        ConnectionState ann;
        before.join(ann, "Ann");
        REQUIRE(code_of(before.call(ann, "vcFinishRoom")) == 200);
        const auto exported = before.svc.export_room(kRoom);
        REQUIRE(exported);
        Server after;
        std::vector<MemberChange> changes;
        std::string error;
        REQUIRE(after.svc.import_room(*exported, kRestart, changes, error));
        ConnectionState late;
        CHECK(code_of(after.call(late, "vcJoinRoom", Json{{"room_id", kRoom}, {"user_name", "Late"}}, kRestart)) == 422);
    }

    TEST_CASE("a state that breaks the room's rules is refused whole, and changes nothing") {
        Server before;
        ConnectionState ann, bob;
        before.join(ann, "Ann");
        before.join(bob, "Bob");
        const Json good = *before.svc.export_room(kRoom);

        auto refused = [](const Json& state) {
            Server after;
            std::vector<MemberChange> changes;
            std::string error;
            const bool ok = after.svc.import_room(state, kRestart, changes, error);
            CHECK(changes.empty());
            CHECK(after.svc.room_count() == 0);
            return !ok && !error.empty();
        };
        Json two_hosts = good;
        two_hosts["room"]["members"][1]["user_role"] = 1;
        CHECK(refused(two_hosts));
        Json same_id = good;
        same_id["room"]["members"][1]["user_id"] = "a";
        CHECK(refused(same_id));
        Json no_token = good;
        no_token["sessions"].erase(1);
        CHECK(refused(no_token));
        Json stranger_shares = good;
        stranger_shares["room"]["sharer"] = "zz";
        CHECK(refused(stranger_shares));
        CHECK(refused(Json::array()));
        CHECK(refused(Json{{"v", 2}}));
        CHECK(refused(Json{{"v", 1}, {"room", "nonsense"}}));

        // Importing the same room twice: the second is refused, the first stays.
        Server after;
        std::vector<MemberChange> changes;
        std::string error;
        REQUIRE(after.svc.import_room(good, kRestart, changes, error));
        CHECK_FALSE(after.svc.import_room(good, kRestart, changes, error));
        CHECK(after.svc.participant_count() == 2);
    }
}
