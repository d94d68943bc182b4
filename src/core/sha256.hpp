// SHA-256, for storing member tokens as digests: the server's store then holds nothing a
// reader of the file could resume a membership with. Declared here so the core can use it;
// defined by the platform, which links a real crypto library: OpenSSL on the server
// (server/openssl_hmac.cpp, library posemeet_openssl_hmac). The browser client never
// needs it (it keeps no one's tokens).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace posemeet {

std::array<std::uint8_t, 32> sha256(std::string_view data);
// Lower-case hex of sha256(data), 64 characters.
std::string sha256_hex(std::string_view data);

}  // namespace posemeet
