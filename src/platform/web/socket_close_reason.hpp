// What the session is told when the server socket closes, in the native client's words: a
// close with a reason is the server's word (a limit, a restart); without one the
// connection simply went. Shared by both browser sockets (web_ and worker_signaling_socket).
#pragma once

#include <string>
#include <string_view>

namespace posemeet::web {

inline std::string socket_close_reason(bool was_open, int /*code: the session keeps it as detail*/,
                                       std::string_view reason) {
    if (was_open && !reason.empty()) return "the server closed the connection (" + std::string(reason) + ")";
    if (was_open) return "the connection was lost";
    return "the server is unreachable";
}

}  // namespace posemeet::web
