// What the server's refusals mean, in words a participant understands. The codes of the
// room vocabulary (core/protocol.hpp) stay for details and the page API; the UI shows these.
#pragma once

#include <string>

namespace posemeet {

// Why joining a room was refused: one sentence, no code (e.g. 422 -> "The host has ended
// this meeting."). `server_message` is used for codes this client does not know.
std::string join_refusal_in_words(int code, const std::string& server_message);

// The technical detail kept for a "Details" line: "code 422: the meeting has ended".
std::string refusal_detail(int code, const std::string& server_message);

}  // namespace posemeet
