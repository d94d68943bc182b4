// See access_token.hpp.
#include "core/access_token.hpp"

#include <algorithm>

namespace posemeet {
namespace {

using protocol::ErrorCode;
using Json = protocol::Json;

int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

TokenCheck refuse(ErrorCode code, std::string reason) { return {code, std::move(reason), std::nullopt}; }

bool read_bool(const Json& o, const char* key, bool fallback) {
    const auto it = o.find(key);
    return it != o.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string read_string(const Json& o, const char* key) {
    const auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

VideoGrant read_grant(const Json& v) {
    VideoGrant g;
    if (!v.is_object()) return g;
    g.room_join = read_bool(v, "roomJoin", false);
    g.room = read_string(v, "room");
    g.can_publish = read_bool(v, "canPublish", true);
    g.can_subscribe = read_bool(v, "canSubscribe", true);
    g.can_publish_data = read_bool(v, "canPublishData", g.can_publish);
    if (const auto s = v.find("canPublishSources"); s != v.end() && s->is_array())
        for (const auto& e : *s)
            if (e.is_string()) g.can_publish_sources.push_back(e.get<std::string>());
    g.hidden = read_bool(v, "hidden", false);
    g.room_admin = read_bool(v, "roomAdmin", false);
    g.room_create = read_bool(v, "roomCreate", false);
    g.room_list = read_bool(v, "roomList", false);
    return g;
}

// Compares without stopping at the first difference (the time would tell a forger how much
// of the signature was right).
bool same_bytes(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int v = base64url_value(c);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;  // non-canonical tail
    return out;
}

std::string base64url_encode(std::string_view bytes) {
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
    return out;
}

AccessTokenVerifier::AccessTokenVerifier(std::map<std::string, std::string> keys, HmacSha256 hmac)
    : keys_(std::move(keys)), hmac_(std::move(hmac)) {}

TokenCheck AccessTokenVerifier::verify_bearer(std::string_view authorization, std::int64_t now_s) const {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.substr(0, kBearer.size()) != kBearer)
        return refuse(ErrorCode::TokenEmpty, "an Authorization: Bearer <access token> header is required");
    return verify(authorization.substr(kBearer.size()), now_s);
}

TokenCheck AccessTokenVerifier::verify(std::string_view token, std::int64_t now_s) const {
    if (token.empty()) return refuse(ErrorCode::TokenEmpty, "no access token");
    if (token.size() > kMaxTokenBytes) return refuse(ErrorCode::TokenMismatch, "access token too long");
    const std::size_t dot1 = token.find('.');
    const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return refuse(ErrorCode::TokenMismatch, "the access token is not a JWT");
    const auto header = base64url_decode(token.substr(0, dot1));
    const auto payload = base64url_decode(token.substr(dot1 + 1, dot2 - dot1 - 1));
    const auto signature = base64url_decode(token.substr(dot2 + 1));
    if (!header || !payload || !signature) return refuse(ErrorCode::TokenMismatch, "the access token is not base64url");
    const Json h = Json::parse(*header, nullptr, false);
    if (!h.is_object() || read_string(h, "alg") != "HS256")
        return refuse(ErrorCode::TokenMismatch, "the access token is not signed with HS256");
    const Json claims = Json::parse(*payload, nullptr, false);
    if (!claims.is_object()) return refuse(ErrorCode::TokenMismatch, "the access token's claims are not JSON");
    const std::string key = read_string(claims, "iss");
    const auto secret = keys_.find(key);
    if (secret == keys_.end()) return refuse(ErrorCode::TokenMismatch, "the access token's API key is unknown");
    const auto mac = hmac_(secret->second, token.substr(0, dot2));
    if (!same_bytes(*signature, std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size())))
        return refuse(ErrorCode::TokenMismatch, "the access token's signature does not match");
    // Signed by us: now its times.
    const auto exp = claims.find("exp");
    const auto nbf = claims.find("nbf");
    if (exp == claims.end() || !exp->is_number_integer())
        return refuse(ErrorCode::TokenMismatch, "the access token has no expiry");
    AccessClaims c;
    c.api_key = key;
    c.expires_s = exp->get<std::int64_t>();
    c.not_before_s = nbf != claims.end() && nbf->is_number_integer() ? nbf->get<std::int64_t>() : 0;
    if (now_s > c.expires_s + kClockSkewS) return refuse(ErrorCode::TokenExpired, "the access token has expired");
    if (now_s + kClockSkewS < c.not_before_s) return refuse(ErrorCode::TokenExpired, "the access token is not valid yet");
    c.identity = read_string(claims, "sub");
    c.name = read_string(claims, "name");
    c.metadata = read_string(claims, "metadata");
    if (const auto a = claims.find("attributes"); a != claims.end() && a->is_object())
        for (const auto& [k, v] : a->items())
            if (v.is_string()) c.attributes[k] = v.get<std::string>();
    c.video = read_grant(claims.value("video", Json::object()));
    return {ErrorCode::Ok, {}, std::move(c)};
}

Json access_claims_json(const AccessClaims& c) {
    const VideoGrant& g = c.video;
    Json video{{"roomJoin", g.room_join},
               {"canPublish", g.can_publish},
               {"canSubscribe", g.can_subscribe},
               {"canPublishData", g.can_publish_data}};
    if (!g.room.empty()) video["room"] = g.room;
    if (!g.can_publish_sources.empty()) video["canPublishSources"] = g.can_publish_sources;
    for (auto [key, on] : {std::pair{"hidden", g.hidden}, std::pair{"roomAdmin", g.room_admin},
                           std::pair{"roomCreate", g.room_create}, std::pair{"roomList", g.room_list}})
        if (on) video[key] = true;
    Json j{{"iss", c.api_key}, {"nbf", c.not_before_s}, {"exp", c.expires_s}, {"video", std::move(video)}};
    if (!c.identity.empty()) j["sub"] = c.identity;
    if (!c.name.empty()) j["name"] = c.name;
    if (!c.metadata.empty()) j["metadata"] = c.metadata;
    if (!c.attributes.empty()) j["attributes"] = c.attributes;
    return j;
}

std::string sign_access_token(const Json& claims, std::string_view secret, const HmacSha256& hmac) {
    const std::string signed_part =
        base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." + base64url_encode(claims.dump());
    const auto mac = hmac(secret, signed_part);
    return signed_part + "." +
           base64url_encode(std::string_view(reinterpret_cast<const char*>(mac.data()), mac.size()));
}

TokenCheck AccessTokenVerifier::verify_join(std::string_view token, const std::string& room_id,
                                            std::int64_t now_s) const {
    TokenCheck check = verify(token, now_s);
    if (check.code != ErrorCode::Ok) return check;
    if (!check.claims->video.room_join) return refuse(ErrorCode::TokenMismatch, "the access token does not grant joining");
    if (check.claims->video.room != room_id)
        return refuse(ErrorCode::TokenMismatch, "the access token is for another room");
    if (check.claims->identity.empty()) return refuse(ErrorCode::TokenMismatch, "the access token names no identity");
    return check;
}

}  // namespace posemeet
