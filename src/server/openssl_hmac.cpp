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

bool openssl_self_test() {
    static constexpr std::array<std::uint8_t, 32> kHmacJefe = {
        0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24, 0x26, 0x08, 0x95, 0x75, 0xc7,
        0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27, 0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43};
    return openssl_hmac_sha256("Jefe", "what do ya want for nothing?") == kHmacJefe &&
           sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
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
