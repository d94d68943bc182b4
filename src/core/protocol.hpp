// Control-protocol envelopes (JSON), error codes and field readers shared by server and
// clients. Names follow the original meeting design (see README "Control protocol"):
//   request  {"v":1, "event_name":"vcXxx", "request_id":"..", "content":{..}}
//   reply    {"message_type":"return", "request_id":"..", "code":200, "message":"..",
//             "timestamp":ms, "response":{..}}
//   inform   {"message_type":"inform", "event":"vcOnXxx", "timestamp":ms, "data":{..}}
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace posemeet::protocol {

using Json = nlohmann::json;

constexpr int kVersion = 1;

// WebSocket close code the server sends to a connection whose member resumed on another
// connection (the same user opened the meeting again elsewhere); a client must not
// reconnect after it, or two tabs would keep taking the membership from each other.
constexpr std::uint16_t kCloseResumedElsewhere = 4001;
// WebSocket close code after the operator removed the member (the room service's
// RemoveParticipant, after a vcOnRemoved inform): a client must not reconnect after it.
constexpr std::uint16_t kCloseRemoved = 4002;
constexpr std::size_t kMaxEventNameLength = 64;
constexpr std::size_t kMaxRequestIdLength = 64;

// Error codes: the original design's codes first, then ours in the same style.
#define POSEMEET_ERROR_CODES(X)                                             \
    X(Ok, 200, "ok")                                                        \
    X(BadInput, 400, "input format error")                                  \
    X(RoomFull, 401, "user count exceeds limit")                            \
    X(HostExists, 403, "the room already has a host")                       \
    X(NotFound, 404, "user or room not found")                              \
    X(UnknownEvent, 405, "unknown event_name")                              \
    X(NotPermitted, 410, "operation not permitted")                         \
    X(TooLarge, 413, "message too large")                                   \
    X(NotInRoom, 420, "join a room first")                                  \
    X(AlreadyInRoom, 421, "this connection is already in a room")           \
    X(RoomEnded, 422, "the meeting has ended")                              \
    X(RateLimited, 429, "too many messages, slow down")                     \
    X(TokenExpired, 450, "login token expired")                             \
    X(TokenEmpty, 451, "login token empty")                                 \
    X(TokenMismatch, 452, "login token does not match the user")            \
    /* client side only: a request still unanswered when the connection went */ \
    X(Disconnected, 460, "disconnected before the server answered")          \
    X(Internal, 500, "internal server error")

enum class ErrorCode : int {
#define POSEMEET_X(name, code, text) name = code,
    POSEMEET_ERROR_CODES(POSEMEET_X)
#undef POSEMEET_X
};
const char* default_message(ErrorCode code);

// Every control event name, declared once: X(id, name, direction, sender, effect).
//   direction: Request (a client asks the server) or Inform (the server tells members).
//   sender:    who may send a request - Anyone (also before joining), Member (of the room),
//              Host (the room's host: the room refuses anyone else with 410); Server for
//              informs. The room state machine enforces it (core/room_controls.cpp); the
//              table documents it and a unit test holds the two together.
//   effect:    Changes = a successful request may change the room's state (the server then
//              writes the room to its store); Reads = it never does.
// The server's dispatch, the client's inform handling, the room mirror and the page API
// (web/posemeet-api.js, checked by a unit test) all use these names.
#define POSEMEET_CONTROL_EVENTS(X)                                                   \
    X(JoinRoom, "vcJoinRoom", Request, Anyone, Changes)                              \
    X(Resync, "vcResync", Request, Member, Reads) /* also resumes a dropped member */ \
    X(LeaveRoom, "vcLeaveRoom", Request, Member, Changes)                            \
    X(GetUserList, "vcGetUserList", Request, Member, Reads)                          \
    X(Signal, "vcSignal", Request, Member, Reads) /* WebRTC offer/answer/candidate */ \
    X(SetMediaReceive, "vcSetMediaReceive", Request, Member, Reads) /* a slow reader asks for less */ \
    X(OperateSelfCamera, "vcOperateSelfCamera", Request, Member, Changes)            \
    X(OperateSelfMic, "vcOperateSelfMic", Request, Member, Changes)                  \
    X(OperateSelfMicApply, "vcOperateSelfMicApply", Request, Member, Changes)        \
    X(OperateSelfMicPermit, "vcOperateSelfMicPermit", Request, Host, Changes)        \
    X(OperateOtherCamera, "vcOperateOtherCamera", Request, Host, Changes)            \
    X(OperateOtherMic, "vcOperateOtherMic", Request, Host, Changes)                  \
    X(OperateOtherSharePermission, "vcOperateOtherSharePermission", Request, Host, Changes) \
    X(OperateAllMic, "vcOperateAllMic", Request, Host, Changes)                      \
    X(ReplyOperateRequest, "vcReplyOperateRequest", Request, Member, Changes)        \
    X(StartShare, "vcStartShare", Request, Member, Changes)                          \
    X(FinishShare, "vcFinishShare", Request, Member, Changes)                        \
    X(SharePermissionApply, "vcSharePermissionApply", Request, Member, Changes)      \
    X(SharePermissionPermit, "vcSharePermissionPermit", Request, Host, Changes)      \
    X(TransferHost, "vcTransferHost", Request, Host, Changes)                        \
    X(FinishRoom, "vcFinishRoom", Request, Host, Changes)                            \
    X(SendMessage, "vcSendMessage", Request, Member, Changes)                        \
    X(OnJoinRoom, "vcOnJoinRoom", Inform, Server, Reads)                             \
    X(OnLeaveRoom, "vcOnLeaveRoom", Inform, Server, Reads)                           \
    X(OnFinishRoom, "vcOnFinishRoom", Inform, Server, Reads)                         \
    X(OnHostChange, "vcOnHostChange", Inform, Server, Reads)                         \
    X(OnUserConnection, "vcOnUserConnection", Inform, Server, Reads)                 \
    X(OnOperateSelfCamera, "vcOnOperateSelfCamera", Inform, Server, Reads)           \
    X(OnOperateSelfMic, "vcOnOperateSelfMic", Inform, Server, Reads)                 \
    X(OnOperateOtherCamera, "vcOnOperateOtherCamera", Inform, Server, Reads)         \
    X(OnOperateOtherMic, "vcOnOperateOtherMic", Inform, Server, Reads)               \
    X(OnOperateOtherSharePermission, "vcOnOperateOtherSharePermission", Inform, Server, Reads) \
    X(OnOperateAllMic, "vcOnOperateAllMic", Inform, Server, Reads)                   \
    X(OnOperateSelfMicApply, "vcOnOperateSelfMicApply", Inform, Server, Reads)       \
    X(OnOperateSelfMicPermit, "vcOnOperateSelfMicPermit", Inform, Server, Reads)     \
    X(OnSharePermissionApply, "vcOnSharePermissionApply", Inform, Server, Reads)     \
    X(OnSharePermissionPermit, "vcOnSharePermissionPermit", Inform, Server, Reads)   \
    X(OnReplyOperateRequest, "vcOnReplyOperateRequest", Inform, Server, Reads)       \
    X(OnStartShare, "vcOnStartShare", Inform, Server, Reads)                         \
    X(OnFinishShare, "vcOnFinishShare", Inform, Server, Reads)                       \
    X(OnMessage, "vcOnMessage", Inform, Server, Reads)                               \
    X(OnSignal, "vcOnSignal", Inform, Server, Reads)                                 \
    X(OnMediaCongestion, "vcOnMediaCongestion", Inform, Server, Reads) /* you read too slowly */ \
    /* from the room service (the operator's API, server/room_service_api.hpp) */    \
    X(OnRemoved, "vcOnRemoved", Inform, Server, Reads) /* you were removed; the socket closes */ \
    X(OnUserUpdate, "vcOnUserUpdate", Inform, Server, Reads) /* a member's name, data, grants */ \
    X(OnRoomUpdate, "vcOnRoomUpdate", Inform, Server, Reads) /* the room's metadata */ \
    X(OnData, "vcOnData", Inform, Server, Reads) /* data the operator sent */        \
    X(OnInvitation, "vcOnInvitation", Inform, Server, Reads) /* an invitation's status changed */

enum class Event : int {
#define POSEMEET_X(id, name, direction, sender, effect) id,
    POSEMEET_CONTROL_EVENTS(POSEMEET_X)
#undef POSEMEET_X
    Unknown  // a name that is not in the table
};
enum class Direction : int { Request, Inform };
enum class Sender : int { Anyone, Member, Host, Server };
enum class Effect : int { Reads, Changes };
struct EventInfo {
    Event id;
    const char* name;
    Direction direction;
    Sender sender;
    Effect effect;
};
// The whole table, in declaration order.
const std::vector<EventInfo>& control_events();
// The entry for a name, or nullptr for a name that is not in the table.
const EventInfo* find_event(std::string_view name);
// Event::Unknown for a name that is not in the table.
Event event_from_name(std::string_view name);
const char* event_name(Event event);  // "" for Event::Unknown
// Lets tests and logs compare an event with its protocol name.
inline bool operator==(Event event, std::string_view name) { return name == event_name(event); }

struct Request {
    std::string event_name;
    // The table's entry for event_name (Event::Unknown for a name it does not know).
    Event event() const { return event_from_name(event_name); }
    std::string request_id;
    Json content = Json::object();
};

struct RequestError {
    ErrorCode code = ErrorCode::BadInput;
    std::string message;
    std::string request_id;  // echoed when it could be read
};

// Parses and validates the envelope; never throws.
std::variant<Request, RequestError> parse_request(std::string_view text);

Json make_reply(const std::string& request_id, ErrorCode code, const std::string& message,
                Json response, std::int64_t timestamp_ms);
Json make_inform(Event event, Json data, std::int64_t timestamp_ms);

// Field readers for request content. Enums accept both 1 and "1" as the original design
// did. Each returns nullopt when the field is missing; `error` is set when it is present
// but malformed.
std::optional<int> read_enum(const Json& content, const char* field, int max_value,
                             std::string& error);
std::optional<std::string> read_string(const Json& content, const char* field,
                                       std::size_t max_bytes, std::string& error);

// Reads obj[key] if obj is an object and the field has the expected JSON type (and, for
// integers, fits T); otherwise returns `fallback`. Never throws, unlike Json::value(), so
// a peer that sends a wrong type cannot crash the reader.
template <typename T>
T field_or(const Json& obj, const char* key, T fallback) {
    if (!obj.is_object()) return fallback;
    auto it = obj.find(key);
    if (it == obj.end()) return fallback;
    if constexpr (std::is_same_v<T, Json>) {
        return it->type() == fallback.type() ? *it : fallback;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return it->is_string() ? it->template get<std::string>() : fallback;
    } else if constexpr (std::is_same_v<T, bool>) {
        return it->is_boolean() ? it->template get<bool>() : fallback;
    } else if constexpr (std::is_integral_v<T>) {
        if (!it->is_number_integer()) return fallback;
        const auto v = it->template get<long long>();
        if (v < static_cast<long long>(std::numeric_limits<T>::min()) ||
            (v > 0 && static_cast<unsigned long long>(v) > static_cast<unsigned long long>(std::numeric_limits<T>::max())))
            return fallback;
        return static_cast<T>(v);
    } else {
        return it->is_number() ? it->template get<T>() : fallback;
    }
}
inline std::string field_or(const Json& obj, const char* key, const char* fallback) {
    return field_or<std::string>(obj, key, fallback);
}

// Deepest nesting of arrays/objects in a JSON text (strings are skipped), computed without
// recursion so a hostile message cannot exhaust the stack before it is rejected.
std::size_t json_nesting_depth(std::string_view text);
constexpr std::size_t kMaxJsonDepth = 32;

// True when `s` is well-formed UTF-8 (names and messages must be).
bool is_valid_utf8(std::string_view s);

}  // namespace posemeet::protocol
