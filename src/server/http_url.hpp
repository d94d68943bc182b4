// Reading an http:// URL (webhook receivers): host, port and target. Pure (no Boost), so
// the server's flags and the unit tests use it alike.
#pragma once

#include <string>

namespace posemeet::server {

// Splits "http://host[:port]/path" (no TLS: put a TLS proxy in front of an https
// receiver; no user@); false for anything else.
bool parse_http_url(const std::string& url, std::string& host, std::string& port, std::string& target);

}  // namespace posemeet::server
