// HMAC-SHA256 by OpenSSL (a kept library, not a hand-written one): what the core's access
// tokens are signed and checked with (core/access_token.hpp). The same file defines the
// core's SHA-256 (core/sha256.hpp), also OpenSSL's.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace posemeet::server {

std::array<std::uint8_t, 32> openssl_hmac_sha256(std::string_view key, std::string_view message);

}  // namespace posemeet::server
