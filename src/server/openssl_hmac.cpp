// See openssl_hmac.hpp.
#include "server/openssl_hmac.hpp"

#include <openssl/sha.h>

#include "core/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace posemeet::server {

std::array<std::uint8_t, 32> openssl_hmac_sha256(std::string_view key, std::string_view message) {
    std::array<std::uint8_t, 32> out{};
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), out.data(), &length);
    return out;
}

}  // namespace posemeet::server

// The core's digest (core/sha256.hpp), by OpenSSL.
namespace posemeet {

std::array<std::uint8_t, 32> sha256(std::string_view data) {
    std::array<std::uint8_t, 32> out{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
    return out;
}

std::string sha256_hex(std::string_view data) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (std::uint8_t b : sha256(data)) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 15]);
    }
    return out;
}

}  // namespace posemeet
