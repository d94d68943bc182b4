// See room_requests.hpp. The content of each request is what the server expects (what
// core/room_controls.cpp reads): operate, permit and accept are 0 or 1; share_type 0 screen, 1
// board.
#include "ui/room_requests.hpp"

namespace posemeet::ui {
namespace {

using protocol::Event;
using protocol::Json;

int flag(bool b) { return b ? 1 : 0; }

RoomRequest to_request(const SetMyMic& a) {
    return {Event::OperateSelfMic, Json{{"operate", flag(a.on)}}};
}
RoomRequest to_request(const AskToSpeak&) {
    return {Event::OperateSelfMicApply, Json{{"operate", 1}}};
}
RoomRequest to_request(const SetMyCamera& a) {
    return {Event::OperateSelfCamera, Json{{"operate", flag(a.on)}}};
}
RoomRequest to_request(const AskToShare&) { return {Event::SharePermissionApply, Json::object()}; }
RoomRequest to_request(const StartShare& a) {
    return {Event::StartShare, Json{{"share_type", a.kind == ShareKind::Whiteboard ? 1 : 0}}};
}
RoomRequest to_request(const StopShare&) { return {Event::FinishShare, Json::object()}; }
RoomRequest to_request(const MuteAll& a) {
    return {Event::OperateAllMic,
            Json{{"operate", 0}, {"operate_self_mic_permission", flag(a.allow_self_unmute)}}};
}
RoomRequest to_request(const AllowMics&) {
    return {Event::OperateAllMic, Json{{"operate", 1}, {"operate_self_mic_permission", 1}}};
}
RoomRequest to_request(const EndMeeting&) { return {Event::FinishRoom, Json::object()}; }
RoomRequest to_request(const SetOtherMic& a) {
    return {Event::OperateOtherMic, Json{{"operate_user_id", a.user_id}, {"operate", flag(a.on)}}};
}
RoomRequest to_request(const SetOtherCamera& a) {
    return {Event::OperateOtherCamera,
            Json{{"operate_user_id", a.user_id}, {"operate", flag(a.on)}}};
}
RoomRequest to_request(const SetSharePermission& a) {
    return {Event::OperateOtherSharePermission,
            Json{{"operate_user_id", a.user_id}, {"operate", flag(a.allowed)}}};
}
RoomRequest to_request(const MakeHost& a) {
    return {Event::TransferHost, Json{{"operate_user_id", a.user_id}}};
}
RoomRequest to_request(const AnswerSpeakRequest& a) {
    return {Event::OperateSelfMicPermit,
            Json{{"apply_user_id", a.user_id}, {"permit", flag(a.permit)}}};
}
RoomRequest to_request(const AnswerShareRequest& a) {
    return {Event::SharePermissionPermit,
            Json{{"apply_user_id", a.user_id}, {"permit", flag(a.permit)}}};
}
RoomRequest to_request(const AnswerHostAsk& a) {
    return {Event::ReplyOperateRequest, Json{{"device", a.device == Device::Mic ? "mic" : "camera"},
                                             {"accept", flag(a.accept)}}};
}
RoomRequest to_request(const SendChat& a) {
    Json content{{"message", a.text}};
    if (!a.to_user_id.empty()) content["to_user_id"] = a.to_user_id;  // a private message
    return {Event::SendMessage, std::move(content)};
}

}  // namespace

RoomRequest room_request(const RoomAction& action) {
    return std::visit([](const auto& a) { return to_request(a); }, action);
}

}  // namespace posemeet::ui
