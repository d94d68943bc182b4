// access_token: LiveKit-format access tokens (JWT, HS256) as LiveKit's own server SDK mints
// them, verified with OpenSSL's HMAC: claims read, every refusal with its code.
#include <doctest/doctest.h>

#include <string>

#include "core/access_token.hpp"
#include "server/openssl_hmac.hpp"

using namespace posemeet;
using protocol::ErrorCode;

namespace {

// Minted by livekit-server-sdk 2.19.2's AccessToken (Node) with key "APIdevkey" and the
// secret below, at nbf 1796063058 (2026-11-30):
//   Alice: identity "alice", name "Alice A.", metadata, attributes {team: blue}, room
//   "standup", canPublish, canSubscribe, canPublishSources [camera, microphone], 100 years;
//   Bob: identity "bob", room "standup", a ttl of 1 s.
const std::string kSecret = "dev-secret-0123456789abcdef0123456789";
const std::string kAlice = "eyJhbGciOiJIUzI1NiJ9.eyJtZXRhZGF0YSI6IntcInJvbGVcIjpcImhvc3RcIn0iLCJhdHRyaWJ1dGVzIjp7InRlYW0iOiJibHVlIn0sIm5hbWUiOiJBbGljZSBBLiIsInZpZGVvIjp7InJvb21Kb2luIjp0cnVlLCJyb29tIjoic3RhbmR1cCIsImNhblB1Ymxpc2giOnRydWUsImNhblN1YnNjcmliZSI6dHJ1ZSwiY2FuUHVibGlzaFNvdXJjZXMiOlsiY2FtZXJhIiwibWljcm9waG9uZSJdfSwiaXNzIjoiQVBJZGV2a2V5IiwiZXhwIjo0OTQ5NjYzMDU4LCJuYmYiOjE3OTYwNjMwNTgsInN1YiI6ImFsaWNlIn0.ZKvrpalJI70pWoPCqVdF9p4TuZ2MJTTfwksUOmaDjr4";
const std::string kBob = "eyJhbGciOiJIUzI1NiJ9.eyJ2aWRlbyI6eyJyb29tSm9pbiI6dHJ1ZSwicm9vbSI6InN0YW5kdXAifSwiaXNzIjoiQVBJZGV2a2V5IiwiZXhwIjoxNzk2MDYzMDU5LCJuYmYiOjE3OTYwNjMwNTgsInN1YiI6ImJvYiJ9.a8NDwm68jmu2fcdmuBSG9Fa9QFYDdiLO5zEfwG7LEtQ";
constexpr std::int64_t kMinted = 1796063058;

AccessTokenVerifier verifier(std::string secret = kSecret) {
    return AccessTokenVerifier({{"APIdevkey", std::move(secret)}}, server::openssl_hmac_sha256);
}

}  // namespace

TEST_SUITE("access_token") {
    TEST_CASE("a token minted by LiveKit's server SDK is accepted, with every claim") {
        const TokenCheck c = verifier().verify_join(kAlice, "standup", kMinted + 60);
        REQUIRE(c.code == ErrorCode::Ok);
        const AccessClaims& a = *c.claims;
        CHECK(a.api_key == "APIdevkey");
        CHECK(a.identity == "alice");
        CHECK(a.name == "Alice A.");
        CHECK(a.metadata == "{\"role\":\"host\"}");
        CHECK(a.attributes.at("team") == "blue");
        CHECK(a.video.room_join);
        CHECK(a.video.room == "standup");
        CHECK(a.video.can_publish);
        CHECK(a.video.can_publish_data);  // absent: as canPublish
        CHECK(a.video.can_publish_sources == std::vector<std::string>{"camera", "microphone"});
        CHECK_FALSE(a.video.room_admin);
        CHECK(a.not_before_s == kMinted);
    }

    TEST_CASE("refusals: empty 451, expired 450, wrong room or key or signature 452") {
        const auto v = verifier();
        CHECK(v.verify_join("", "standup", kMinted).code == ErrorCode::TokenEmpty);
        CHECK(v.verify_join(kAlice, "other-room", kMinted).code == ErrorCode::TokenMismatch);
        CHECK(verifier("another secret").verify_join(kAlice, "standup", kMinted).code == ErrorCode::TokenMismatch);
        CHECK(AccessTokenVerifier({{"OtherKey", kSecret}}, server::openssl_hmac_sha256)
                  .verify_join(kAlice, "standup", kMinted).code == ErrorCode::TokenMismatch);
        // Bob's expired a second after it was minted; 10 s of clock skew are allowed.
        CHECK(v.verify_join(kBob, "standup", kMinted + 1 + 10).code == ErrorCode::Ok);
        CHECK(v.verify_join(kBob, "standup", kMinted + 1 + 11).code == ErrorCode::TokenExpired);
        // Not valid yet (a clock far behind the minter's).
        CHECK(v.verify_join(kAlice, "standup", kMinted - 11).code == ErrorCode::TokenExpired);
        CHECK(v.verify_join(kAlice, "standup", kMinted - 10).code == ErrorCode::Ok);
    }

    TEST_CASE("a tampered token is refused: claims changed, alg none, garbage") {
        const auto v = verifier();
        const std::size_t dot1 = kAlice.find('.'), dot2 = kAlice.rfind('.');
        // The same claims for another room, signature kept.
        std::string claims = *base64url_decode(kAlice.substr(dot1 + 1, dot2 - dot1 - 1));
        claims.replace(claims.find("standup"), 7, "private");
        const std::string forged = kAlice.substr(0, dot1 + 1) + base64url_encode(claims) + kAlice.substr(dot2);
        CHECK(v.verify_join(forged, "private", kMinted).code == ErrorCode::TokenMismatch);
        // alg none with no signature.
        const std::string none = base64url_encode("{\"alg\":\"none\"}") + "." + base64url_encode(claims) + ".";
        CHECK(v.verify_join(none, "private", kMinted).code == ErrorCode::TokenMismatch);
        for (const char* junk : {"x", "a.b", "a.b.c.d", "....", "eyJ.eyJ.eyJ", "%%%.%%%.%%%"})
            CHECK(v.verify(junk, kMinted).code == ErrorCode::TokenMismatch);
        CHECK(v.verify(std::string(9000, 'a'), kMinted).code == ErrorCode::TokenMismatch);
    }

    TEST_CASE("base64url round trip, and what it refuses") {
        for (const std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xff\xfe\x00\x01"})
            CHECK(base64url_decode(base64url_encode(s)) == s);
        CHECK(base64url_encode("\xfb\xff") == "-_8");
        CHECK_FALSE(base64url_decode("a").has_value());
        CHECK_FALSE(base64url_decode("ab=c").has_value());
        CHECK_FALSE(base64url_decode("ab+/").has_value());  // standard base64, not url
    }

    TEST_CASE("the server's start-up self-test of OpenSSL passes on the published vectors") {
        // RFC 4231 test case 2 and SHA-256("abc"): the server refuses to start when these fail.
        CHECK(server::openssl_self_test());
        CHECK(server::openssl_hmac_sha256("Jefe", "what do ya want for nothing?")[0] == 0x5b);
    }

}
