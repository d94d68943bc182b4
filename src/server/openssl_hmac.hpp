// HMAC-SHA256 by OpenSSL (a kept library, not a hand-written one): what the core's access
// tokens are signed and checked with (core/access_token.hpp). The same file defines the
// core's SHA-256 (core/sha256.hpp), also OpenSSL's.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace posemeet::server {

std::array<std::uint8_t, 32> openssl_hmac_sha256(std::string_view key, std::string_view message);

// Both functions against published vectors (RFC 4231 test case 2; SHA-256 of "abc", FIPS
// 180-2), run once as the server starts: an OpenSSL that computes them wrong stops it there
// instead of failing every join. It also loads OpenSSL's code then (~2 MB of libcrypto pages
// that the first token check faulted in otherwise), not during the first join.
bool openssl_self_test();

}  // namespace posemeet::server
