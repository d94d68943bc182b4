// SHA-256 (FIPS 180-4), for storing member tokens as digests: the server's store then holds
// nothing a reader of the file could resume a membership with. Small and dependency-free so
// that core stays platform-free; not meant for bulk data.
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
