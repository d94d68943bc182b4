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

namespace posemeet::protocol {

using Json = nlohmann::json;

constexpr int kVersion = 1;

// WebSocket close code the server sends to a connection whose member resumed on another
// connection (the same user opened the meeting again elsewhere); a client must not
// reconnect after it, or two tabs would keep taking the membership from each other.
constexpr std::uint16_t kCloseResumedElsewhere = 4001;
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
    X(Internal, 500, "internal server error")

enum class ErrorCode : int {
#define POSEMEET_X(name, code, text) name = code,
    POSEMEET_ERROR_CODES(POSEMEET_X)
#undef POSEMEET_X
};
const char* default_message(ErrorCode code);

struct Request {
    std::string event_name;
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
Json make_inform(const std::string& event, Json data, std::int64_t timestamp_ms);

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
