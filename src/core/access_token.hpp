// Access tokens in LiveKit's format (JWT, HS256), as operators' backends mint them with
// LiveKit's server SDKs or any JWT library: `iss` = the API key, `sub` = the identity,
// `name`, `metadata`, `attributes`, `nbf`/`exp`, and the `video` grants. This file reads and
// verifies one; the HMAC-SHA256 comes from the platform (OpenSSL on the server:
// server/openssl_hmac.hpp), so the core stays free of I/O and crypto libraries.
//
// Codes of the room vocabulary: 451 no token, 450 expired (or not yet valid), 452 not
// accepted (malformed, unknown key, bad signature, not a join grant for this room).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol.hpp"

namespace posemeet {

// The grants of `video`. Absent booleans keep LiveKit's defaults (canPublish and
// canSubscribe true, canPublishData as canPublish); the rest default to false.
struct VideoGrant {
    bool room_join = false;
    std::string room;
    bool can_publish = true;
    bool can_subscribe = true;
    bool can_publish_data = true;
    std::vector<std::string> can_publish_sources;  // "camera", "microphone", "screen_share"...; empty: all
    bool hidden = false;
    bool room_admin = false;
    bool room_create = false;
    bool room_list = false;
};

struct AccessClaims {
    std::string api_key;   // iss
    std::string identity;  // sub
    std::string name;
    std::string metadata;
    std::map<std::string, std::string> attributes;
    std::int64_t not_before_s = 0, expires_s = 0;
    VideoGrant video;
};

struct TokenCheck {
    protocol::ErrorCode code = protocol::ErrorCode::Ok;
    std::string reason;  // why not, in words (never the secret)
    std::optional<AccessClaims> claims;
};

using HmacSha256 = std::function<std::array<std::uint8_t, 32>(std::string_view key, std::string_view message)>;

class AccessTokenVerifier {
public:
    static constexpr std::int64_t kClockSkewS = 10;  // as LiveKit's own verifier
    static constexpr std::size_t kMaxTokenBytes = 8192;

    // `keys`: API key -> secret (several for rotation).
    AccessTokenVerifier(std::map<std::string, std::string> keys, HmacSha256 hmac);

    // Signature by a known key, header HS256, `exp` present and not past, `nbf` not ahead.
    TokenCheck verify(std::string_view token, std::int64_t now_s) const;
    // verify() and a join grant for `room_id` (roomJoin, and `room` naming it).
    TokenCheck verify_join(std::string_view token, const std::string& room_id, std::int64_t now_s) const;
    // verify() of an HTTP `Authorization: Bearer <token>` header's value (the operator's
    // APIs: room service, audit log); TokenEmpty when it is not of that form.
    TokenCheck verify_bearer(std::string_view authorization, std::int64_t now_s) const;

    bool has_keys() const { return !keys_.empty(); }

private:
    std::map<std::string, std::string> keys_;
    HmacSha256 hmac_;
};

// The claims in LiveKit's JSON shape: `iss`, `sub` (when set), `nbf`, `exp`, `name`,
// `metadata`, `attributes` (when set) and `video` with the grants.
protocol::Json access_claims_json(const AccessClaims& claims);
// A JWT over `claims`, header {"alg":"HS256","typ":"JWT"}, signed with `secret`: what the
// development token endpoint hands out and what tests and bots mint.
std::string sign_access_token(const protocol::Json& claims, std::string_view secret, const HmacSha256& hmac);

// base64url without padding (RFC 7515), as JWTs use it; nullopt for anything else.
std::optional<std::string> base64url_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);

}  // namespace posemeet
