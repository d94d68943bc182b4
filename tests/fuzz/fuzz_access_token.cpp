// Fuzz target: an access token as a client sends it (AccessTokenVerifier::verify, and the
// base64url it is made of). A forged or broken token is refused with a reason and a code of
// the vocabulary; nothing crashes. The HMAC is a stand-in (the decoding is what is fuzzed):
// a token whose signature equals it is accepted, so the claims reading is reached too.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/access_token.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;

namespace {
std::array<std::uint8_t, 32> stand_in_hmac(std::string_view, std::string_view message) {
    std::array<std::uint8_t, 32> out{};
    for (std::size_t i = 0; i < message.size(); ++i) out[i % 32] ^= static_cast<std::uint8_t>(message[i]);
    return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (const auto decoded = base64url_decode(input)) FUZZ_CHECK(base64url_encode(*decoded) == input);
    static const AccessTokenVerifier verifier({{"key", "secret"}}, stand_in_hmac);
    const TokenCheck check = verifier.verify(input, 1'800'000'000);
    if (check.code == protocol::ErrorCode::Ok) {
        FUZZ_CHECK(check.claims.has_value());
        FUZZ_CHECK(check.claims->api_key == "key");
    } else {
        FUZZ_CHECK(!check.reason.empty());
        FUZZ_CHECK(!check.claims.has_value());
        FUZZ_CHECK(check.code == protocol::ErrorCode::TokenEmpty || check.code == protocol::ErrorCode::TokenExpired ||
                   check.code == protocol::ErrorCode::TokenMismatch);
    }
    return 0;
}
