// sha256: the digest member tokens are stored as, checked against the FIPS 180-2 examples
// and lengths around the padding boundaries (55/56/64 bytes: one or two final blocks).
#include <doctest/doctest.h>

#include <string>

#include "core/sha256.hpp"

using posemeet::sha256_hex;

TEST_SUITE("sha256") {
    TEST_CASE("known digests") {
        CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        CHECK(sha256_hex(std::string(1000000, 'a')) ==
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    }
    TEST_CASE("lengths around the padding boundary give distinct digests of 64 hex digits") {
        const std::string a55(55, 'x'), a56(56, 'x'), a63(63, 'x'), a64(64, 'x'), a65(65, 'x');
        for (const std::string* s : {&a55, &a56, &a63, &a64, &a65}) CHECK(sha256_hex(*s).size() == 64);
        CHECK(sha256_hex(a55) != sha256_hex(a56));
        CHECK(sha256_hex(a63) != sha256_hex(a64));
        CHECK(sha256_hex(a64) != sha256_hex(a65));
        // 448 bits of 'a' (a one-block message whose padding needs a second block).
        CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    }
}
