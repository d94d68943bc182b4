// Small helpers shared by the unit tests that drive ControlService directly: building a
// request, and reading a reply's code, message and response.
#pragma once

#include <string>
#include <utility>

#include "core/control_service.hpp"

namespace posemeet::test {

inline protocol::Request make(const std::string& event, Json content = Json::object(),
                              const std::string& request_id = "req-1") {
    protocol::Request r;
    r.event_name = event;
    r.request_id = request_id;
    r.content = std::move(content);
    return r;
}

inline int code_of(const ControlResult& r) { return r.reply["code"].get<int>(); }
inline std::string message_of(const ControlResult& r) { return r.reply["message"].get<std::string>(); }
inline const Json& response_of(const ControlResult& r) { return r.reply["response"]; }

// prefix + number (written out: GCC 12 warns falsely about "literal" + std::string).
inline std::string numbered(const char* prefix, int n) {
    std::string s(prefix);
    s += std::to_string(n);
    return s;
}

}  // namespace posemeet::test
