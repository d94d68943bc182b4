// What a caller of the ControlService hands the hub along with the result, so that the
// steps every call needs afterwards (rooms to write, arrivals, informs, departures, time
// spent) are done in one place: signaling_hub::settle.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/audit_entry.hpp"
#include "core/control_service.hpp"

namespace posemeet::server {

class OperationStats;

struct ControlCall {
    using Clock = std::chrono::steady_clock;
    // The WebSocket connection that asked: it gets the reply (and a resumed member's backlog)
    // before any inform. 0 = nobody to answer on a socket (HTTP answers itself; timers, closes).
    std::uint64_t requester = 0;
    // Rooms whose state the call may have changed besides those named in result.changes,
    // and a member (HTTP form) whose room, as the hub's books have it, is one of them. For a
    // request they are written only if its kind changes room state (changes_room_state).
    std::vector<std::string> rooms_touched;
    std::string member_touched;
    // A request: its kind, and where its time goes (GET /api/v1/stats). Empty / null for
    // closes and timers.
    OperationStats* stats = nullptr;
    std::string_view event_name;
    Clock::time_point started{};   // the message arrived
    Clock::duration in_service{};  // of which inside the ControlService
    // For the audit log (core/audit_entry.hpp): the request (alive for the call), the member
    // who sent it - verified: its connection's join, or the HTTP form's credentials - and
    // its room before the call, and the API it came by. No actor: nothing to record.
    const protocol::Request* request = nullptr;
    std::string actor, actor_room;
    AuditApi api = AuditApi::WebSocket;
};

// The hub's settle, for the pieces beside it that call the service themselves.
using SettleFn = std::function<void(ControlResult& result, const ControlCall& call)>;

// An operator API's call on one room (room service, invitations), settled by the hub:
// its reply's code, message (the code's default when the service gave none) and response.
struct SettledReply {
    protocol::ErrorCode code = protocol::ErrorCode::Ok;
    std::string message;
    protocol::Json response = protocol::Json::object();
};
inline SettledReply settle_room_call(const SettleFn& settle, ControlResult& result, const std::string& room) {
    ControlCall call;
    call.rooms_touched.push_back(room);
    settle(result, call);
    SettledReply r;
    r.code = static_cast<protocol::ErrorCode>(protocol::field_or(result.reply, "code", 500));
    r.message = protocol::field_or(result.reply, "message", "");
    if (r.message.empty()) r.message = protocol::default_message(r.code);
    r.response = protocol::field_or(result.reply, "response", protocol::Json::object());
    return r;
}

}  // namespace posemeet::server
