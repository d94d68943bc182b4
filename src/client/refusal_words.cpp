// See refusal_words.hpp.
#include "client/refusal_words.hpp"

#include "core/protocol.hpp"

namespace posemeet {

std::string join_refusal_in_words(int code, const std::string& server_message) {
    using protocol::ErrorCode;
    switch (static_cast<ErrorCode>(code)) {
        case ErrorCode::RoomFull: return "This meeting is full. Try again when someone has left.";
        case ErrorCode::RoomEnded: return "The host has ended this meeting.";
        case ErrorCode::HostExists: return "This meeting already has a host.";
        case ErrorCode::NotFound: return "This meeting could not be found. Check the room name.";
        case ErrorCode::NotPermitted: return "You are not allowed to join this meeting.";
        case ErrorCode::BadInput:
        case ErrorCode::TooLarge: return "The name or the room name is not valid. Try a shorter one.";
        case ErrorCode::AlreadyInRoom: return "This window is already in a meeting.";
        case ErrorCode::RateLimited: return "Too many attempts. Wait a moment and try again.";
        case ErrorCode::TokenExpired: return "Your invitation has expired. Ask the host for a new link.";
        case ErrorCode::TokenEmpty: return "This meeting needs an invitation link.";
        case ErrorCode::TokenMismatch: return "Your invitation is not valid for this meeting.";
        case ErrorCode::Disconnected: return "The connection to the server was lost. Try again.";
        case ErrorCode::Internal: return "The server had a problem. Try again in a moment.";
        default: break;
    }
    return server_message.empty() ? "The server did not let you in." : "The server did not let you in: " + server_message + ".";
}

std::string refusal_detail(int code, const std::string& server_message) {
    return "code " + std::to_string(code) + (server_message.empty() ? "" : ": " + server_message);
}

}  // namespace posemeet
