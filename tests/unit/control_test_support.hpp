// Small helpers shared by the unit tests that drive ControlService directly: building a
// request, and reading a reply's code, message and response.
#pragma once

#include <algorithm>
#include <functional>
#include <string>
#include <utility>
#include <vector>

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

// "event[recipient,...] ..." for the deliveries, in order: consecutive deliveries of one
// message are grouped, their recipients (as `label` shows them) sorted.
inline std::string trace(const std::vector<Delivery>& deliveries,
                         const std::function<std::string(const std::string&)>& label =
                             [](const std::string& user_id) { return user_id; }) {
    std::string out;
    for (std::size_t i = 0; i < deliveries.size();) {
        const Json& msg = deliveries[i].message;
        std::vector<std::string> to;
        std::size_t j = i;
        for (; j < deliveries.size() && deliveries[j].message == msg; ++j) to.push_back(label(deliveries[j].user_id));
        std::sort(to.begin(), to.end());
        if (!out.empty()) out += ' ';
        out += msg.value("event", std::string("?")) + "[";
        for (std::size_t k = 0; k < to.size(); ++k) out += (k ? "," : "") + to[k];
        out += "]";
        i = j;
    }
    return out;
}

}  // namespace posemeet::test
