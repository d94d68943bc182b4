// control_events: the one table of control event names (core/protocol.hpp) - names are
// unique and in the vocabulary's style, lookups round-trip, every name the page API
// (web/posemeet-api.js) sends is a request in the table, and the table's "Host" column
// matches what the room enforces (a visitor gets 410 for each of them).
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "control_test_support.hpp"
#include "core/control_service.hpp"

using namespace posemeet;
using namespace posemeet::test;
using protocol::Direction;
using protocol::Event;
using protocol::Sender;

TEST_SUITE_BEGIN("control_events");

TEST_CASE("every name is unique, in the vocabulary's style, and looks up to itself") {
    std::set<std::string> names;
    for (const auto& e : protocol::control_events()) {
        const std::string name = e.name;
        INFO(name);
        CHECK(names.insert(name).second);
        CHECK(name.rfind("vc", 0) == 0);
        // Informs are vcOnXxx and come from the server; requests are not.
        CHECK((name.rfind("vcOn", 0) == 0) == (e.direction == Direction::Inform));
        CHECK((e.sender == Sender::Server) == (e.direction == Direction::Inform));
        CHECK(protocol::event_from_name(name) == e.id);
        CHECK(std::string(protocol::event_name(e.id)) == name);
    }
    CHECK(protocol::event_from_name("vcNoSuchThing") == Event::Unknown);
    CHECK(protocol::find_event("") == nullptr);
    CHECK(std::string(protocol::event_name(Event::Unknown)).empty());
}

TEST_CASE("every event name the page API sends is a request in the table") {
    std::ifstream in(std::string(POSEMEET_SOURCE_DIR) + "/web/posemeet-api.js");
    REQUIRE(in.good());
    std::stringstream text;
    text << in.rdbuf();
    const std::string js = text.str();
    const std::regex quoted_name(R"(['"](vc[A-Za-z]+)['"])");
    int found = 0;
    for (auto it = std::sregex_iterator(js.begin(), js.end(), quoted_name); it != std::sregex_iterator(); ++it) {
        const std::string name = (*it)[1];
        INFO(name);
        const protocol::EventInfo* e = protocol::find_event(name);
        REQUIRE(e != nullptr);
        CHECK(e->direction == Direction::Request);
        ++found;
    }
    CHECK(found >= 16);  // the page API's own controls, host controls included
}

TEST_CASE("the table's host-only requests are refused to a visitor with 410, and nothing changes") {
    int counter = 0;
    ControlService svc(ServiceConfig{}, [&] { return "user-" + std::to_string(++counter); });
    ConnectionState host, visitor, other;
    for (auto* c : {&host, &visitor, &other}) {
        const ControlResult r = svc.handle(*c, make("vcJoinRoom", Json{{"room_id", "r"}, {"user_name", "n"}}), 1000);
        REQUIRE(code_of(r) == 200);
    }
    // Well-formed content for each host-only request, aimed at another member.
    const std::map<Event, Json> content = {
        {Event::OperateSelfMicPermit, Json{{"apply_user_id", other.user_id}, {"permit", 1}}},
        {Event::OperateOtherCamera, Json{{"operate_user_id", other.user_id}, {"operate", 0}}},
        {Event::OperateOtherMic, Json{{"operate_user_id", other.user_id}, {"operate", 0}}},
        {Event::OperateOtherSharePermission, Json{{"operate_user_id", other.user_id}, {"operate", 1}}},
        {Event::OperateAllMic, Json{{"operate", 0}, {"operate_self_mic_permission", 0}}},
        {Event::SharePermissionPermit, Json{{"apply_user_id", other.user_id}, {"permit", 1}}},
        {Event::TransferHost, Json{{"operate_user_id", other.user_id}}},
        {Event::FinishRoom, Json::object()},
    };
    int host_only = 0;
    for (const auto& e : protocol::control_events()) {
        if (e.sender != Sender::Host) continue;
        ++host_only;
        INFO(e.name);
        REQUIRE(content.count(e.id) == 1);  // a new host-only request needs a row here
        const Json before = svc.find_room("r")->to_state_json();
        const ControlResult r = svc.handle(visitor, make(e.name, content.at(e.id)), 2000);
        CHECK(code_of(r) == 410);
        CHECK(r.deliveries.empty());
        CHECK(svc.find_room("r")->to_state_json() == before);
    }
    CHECK(host_only == static_cast<int>(content.size()));
}

TEST_CASE("informs and unknown names sent as requests are 405") {
    int counter = 0;
    ControlService svc(ServiceConfig{}, [&] { return "user-" + std::to_string(++counter); });
    ConnectionState c;
    REQUIRE(code_of(svc.handle(c, make("vcJoinRoom", Json{{"room_id", "r"}, {"user_name", "n"}}), 1000)) == 200);
    CHECK(code_of(svc.handle(c, make("vcOnJoinRoom"), 1000)) == 405);
    CHECK(code_of(svc.handle(c, make("vcMadeUp"), 1000)) == 405);
}

TEST_SUITE_END();
