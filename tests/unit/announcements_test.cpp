// announcements: what the page's ARIA live region reads out as the meeting changes (the
// canvas itself says nothing to a screen reader).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ui/announcements.hpp"

using namespace posemeet::ui;

namespace {

TileView person(const std::string& id, const std::string& name, bool self = false) {
    TileView t;
    t.user_id = id;
    t.name = name;
    t.is_self = self;
    return t;
}

MeetingView joined(std::vector<TileView> tiles) {
    MeetingView v;
    v.status = "joined";
    v.room_name = "standup";
    v.tiles = std::move(tiles);
    return v;
}

}  // namespace

TEST_SUITE("announcements") {
    TEST_CASE("joining says where you are, not everyone already there or the chat history") {
        Announcements a;
        MeetingView v;
        v.status = "connecting";
        CHECK(a.update(v).empty());
        v = joined({person("u1", "Ann", true), person("u2", "Bob")});
        v.chat = {{"Bob", "", "earlier message", false}};
        CHECK(a.update(v) == std::vector<std::string>{"You joined the meeting standup."});
        CHECK(a.update(v).empty());  // nothing new, nothing said
    }

    TEST_CASE("joins, leaves and chat messages of others, each once") {
        Announcements a;
        MeetingView v = joined({person("u1", "Ann", true), person("u2", "Bob")});
        a.update(v);
        v.tiles.push_back(person("u3", "陈"));
        CHECK(a.update(v) == std::vector<std::string>{"陈 joined."});
        v.tiles.erase(v.tiles.begin() + 1);
        v.chat = {{"陈", "", "你好", false}, {"Ann", "", "hi", true}, {"陈", "Ann", "psst", false}};
        CHECK(a.update(v) ==
              std::vector<std::string>{"Bob left.", "陈 says: 你好", "陈 to you, privately: psst"});
        CHECK(a.update(v).empty());
    }

    TEST_CASE("what happens to you is said once while its notice shows") {
        Announcements a;
        MeetingView v = joined({person("u1", "Ann", true)});
        a.update(v);
        v.toasts = {"The host muted you"};
        CHECK(a.update(v) == std::vector<std::string>{"The host muted you"});
        CHECK(a.update(v).empty());
        v.toasts.clear();
        a.update(v);
        v.toasts = {"The host muted you"};  // again, later
        CHECK(a.update(v) == std::vector<std::string>{"The host muted you"});
    }

    TEST_CASE("losing the connection, getting back, the end of the meeting") {
        Announcements a;
        MeetingView v = joined({person("u1", "Ann", true), person("u2", "Bob")});
        a.update(v);
        v.status = "reconnecting";
        v.error = "Cannot reach the server: the connection was lost. Trying again in 0.5 s.";
        CHECK(a.update(v) == std::vector<std::string>{v.error});
        v.status = "joined";
        v.error.clear();
        CHECK(a.update(v) == std::vector<std::string>{"Reconnected."});
        v.status = "ended";
        CHECK(a.update(v) == std::vector<std::string>{"The meeting has ended."});
    }
}
