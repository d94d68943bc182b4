// The API keys that sign access tokens (core/access_token.hpp): from --api-key/--api-secret,
// a keys file of `key: secret` lines (several, for rotation), and in development mode a
// well-known development key. Secrets never appear in logs, the API or error messages.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "server/server_config.hpp"

namespace posemeet::server {

// Development mode's key: printed on the server's first lines, never for production.
inline constexpr const char* kDevApiKey = "devkey";
inline constexpr const char* kDevApiSecret = "posemeet-development-secret-not-for-production";
// LiveKit refuses shorter secrets too: HS256 with a short secret is guessable offline.
inline constexpr std::size_t kMinSecretBytes = 32;

// Fills config.api_keys from the flags and the keys file (and the development key with
// --dev). False, with `error` in words (naming keys and lines, never secrets), when a pair
// is incomplete, a secret is short, the file cannot be read or is malformed, or there is
// neither a key nor --dev (the server then refuses to start).
bool resolve_access_keys(ServerConfig& config, std::string& error);

// `key: secret` per line (LiveKit's keys file); blank lines and `#` comments are skipped.
bool parse_keys_file(std::string_view text, std::map<std::string, std::string>& keys, std::string& error);

// A join token signed with the development key: roomJoin and roomCreate for `room`, six
// hours (GET /api/v1/dev/token, development mode on loopback only).
std::string mint_dev_token(const std::string& room, const std::string& identity, const std::string& name,
                           std::int64_t now_s);

}  // namespace posemeet::server
