// room_requests: each room action the UI asks for becomes the exact request the server
// expects (event and content), the same the page API and the e2e tests send.
#include <doctest/doctest.h>

#include <cstddef>
#include <utility>
#include <variant>

#include "core/protocol.hpp"
#include "ui/room_requests.hpp"

using namespace posemeet::ui;
using posemeet::protocol::Json;

namespace {

void check_request(const RoomAction& action, const char* event, const Json& content) {
    const RoomRequest r = room_request(action);
    CHECK(posemeet::protocol::event_name(r.event) == std::string(event));
    CHECK(r.content == content);
}

template <std::size_t... I>
void check_every_action_is_a_request(std::index_sequence<I...>) {
    (
        [] {
            const RoomRequest r = room_request(RoomAction(std::in_place_index<I>));
            const auto* info =
                posemeet::protocol::find_event(posemeet::protocol::event_name(r.event));
            REQUIRE(info != nullptr);
            CHECK(info->direction == posemeet::protocol::Direction::Request);
            CHECK(r.content.is_object());
        }(),
        ...);
}

}  // namespace

TEST_SUITE_BEGIN("room_requests");

TEST_CASE("own devices, speaking and sharing") {
    check_request(SetMyMic{false}, "vcOperateSelfMic", Json{{"operate", 0}});
    check_request(SetMyMic{true}, "vcOperateSelfMic", Json{{"operate", 1}});
    check_request(AskToSpeak{}, "vcOperateSelfMicApply", Json{{"operate", 1}});
    check_request(SetMyCamera{true}, "vcOperateSelfCamera", Json{{"operate", 1}});
    check_request(SetMyCamera{false}, "vcOperateSelfCamera", Json{{"operate", 0}});
    check_request(AskToShare{}, "vcSharePermissionApply", Json::object());
    check_request(StartShare{ShareKind::Screen}, "vcStartShare", Json{{"share_type", 0}});
    check_request(StartShare{ShareKind::Whiteboard}, "vcStartShare", Json{{"share_type", 1}});
    check_request(StopShare{}, "vcFinishShare", Json::object());
    check_request(AnswerHostAsk{Device::Mic, true}, "vcReplyOperateRequest",
                  Json{{"device", "mic"}, {"accept", 1}});
    check_request(AnswerHostAsk{Device::Camera, false}, "vcReplyOperateRequest",
                  Json{{"device", "camera"}, {"accept", 0}});
}

TEST_CASE("the host's controls") {
    check_request(MuteAll{true}, "vcOperateAllMic",
                  Json{{"operate", 0}, {"operate_self_mic_permission", 1}});
    check_request(MuteAll{false}, "vcOperateAllMic",
                  Json{{"operate", 0}, {"operate_self_mic_permission", 0}});
    check_request(AllowMics{}, "vcOperateAllMic",
                  Json{{"operate", 1}, {"operate_self_mic_permission", 1}});
    check_request(EndMeeting{}, "vcFinishRoom", Json::object());
    check_request(SetOtherMic{"u2", false}, "vcOperateOtherMic",
                  Json{{"operate_user_id", "u2"}, {"operate", 0}});
    check_request(SetOtherMic{"u2", true}, "vcOperateOtherMic",
                  Json{{"operate_user_id", "u2"}, {"operate", 1}});
    check_request(SetOtherCamera{"u2", false}, "vcOperateOtherCamera",
                  Json{{"operate_user_id", "u2"}, {"operate", 0}});
    check_request(SetOtherCamera{"u2", true}, "vcOperateOtherCamera",
                  Json{{"operate_user_id", "u2"}, {"operate", 1}});
    check_request(SetSharePermission{"u2", true}, "vcOperateOtherSharePermission",
                  Json{{"operate_user_id", "u2"}, {"operate", 1}});
    check_request(SetSharePermission{"u2", false}, "vcOperateOtherSharePermission",
                  Json{{"operate_user_id", "u2"}, {"operate", 0}});
    check_request(MakeHost{"u2"}, "vcTransferHost", Json{{"operate_user_id", "u2"}});
    check_request(AnswerSpeakRequest{"u2", true}, "vcOperateSelfMicPermit",
                  Json{{"apply_user_id", "u2"}, {"permit", 1}});
    check_request(AnswerSpeakRequest{"u2", false}, "vcOperateSelfMicPermit",
                  Json{{"apply_user_id", "u2"}, {"permit", 0}});
    check_request(AnswerShareRequest{"u2", true}, "vcSharePermissionPermit",
                  Json{{"apply_user_id", "u2"}, {"permit", 1}});
    check_request(AnswerShareRequest{"u2", false}, "vcSharePermissionPermit",
                  Json{{"apply_user_id", "u2"}, {"permit", 0}});
}

TEST_CASE("chat: to everyone without a recipient, privately with one") {
    check_request(SendChat{"hello", ""}, "vcSendMessage", Json{{"message", "hello"}});
    check_request(SendChat{"psst", "u2"}, "vcSendMessage",
                  Json{{"message", "psst"}, {"to_user_id", "u2"}});
}

TEST_CASE("every room action is a request in the protocol's event table") {
    check_every_action_is_a_request(std::make_index_sequence<std::variant_size_v<RoomAction>>());
}

TEST_SUITE_END();
