// See openssl_hmac.hpp.
#include "server/openssl_hmac.hpp"

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
