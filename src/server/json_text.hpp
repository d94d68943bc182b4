// A control message's JSON as the shared text every recipient's socket is handed.
#pragma once

#include <memory>
#include <string>

#include "core/protocol.hpp"

namespace posemeet::server {

inline std::shared_ptr<const std::string> json_text(const protocol::Json& j) {
    // Strings were validated as UTF-8 on the way in; "replace" only guards against a bug.
    return std::make_shared<const std::string>(j.dump(-1, ' ', false, protocol::Json::error_handler_t::replace));
}

}  // namespace posemeet::server
