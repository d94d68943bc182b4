// See access_keys.hpp.
#include "server/access_keys.hpp"

#include <fstream>
#include <sstream>

#include "core/access_token.hpp"
#include "server/openssl_hmac.hpp"

namespace posemeet::server {
namespace {

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t\r");
    return std::string(s.substr(first, last - first + 1));
}

bool add_key(std::map<std::string, std::string>& keys, const std::string& key, const std::string& secret,
             const std::string& where, std::string& error) {
    if (key.empty()) {
        error = where + ": the API key is empty";
        return false;
    }
    if (secret.size() < kMinSecretBytes) {
        error = where + ": the secret of API key '" + key + "' is shorter than " +
                std::to_string(kMinSecretBytes) + " characters";
        return false;
    }
    if (keys.count(key) && keys[key] != secret) {
        error = where + ": API key '" + key + "' is given twice with different secrets";
        return false;
    }
    keys[key] = secret;
    return true;
}

}  // namespace

bool parse_keys_file(std::string_view text, std::map<std::string, std::string>& keys, std::string& error) {
    std::istringstream in{std::string(text)};
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const std::string content = trim(line);
        if (content.empty() || content[0] == '#') continue;
        const auto colon = content.find(':');
        const std::string where = "keys file line " + std::to_string(number);
        if (colon == std::string::npos) {
            error = where + ": expected 'key: secret'";
            return false;
        }
        if (!add_key(keys, trim(std::string_view(content).substr(0, colon)),
                     trim(std::string_view(content).substr(colon + 1)), where, error))
            return false;
    }
    return true;
}

bool resolve_access_keys(ServerConfig& config, std::string& error) {
    std::map<std::string, std::string> keys;
    if (config.api_key.empty() != config.api_secret.empty()) {
        error = "--api-key and --api-secret go together (one of them is missing)";
        return false;
    }
    if (!config.api_key.empty() && !add_key(keys, config.api_key, config.api_secret, "--api-secret", error))
        return false;
    if (!config.keys_file.empty()) {
        std::ifstream file(config.keys_file);
        if (!file) {
            error = "cannot read the keys file " + config.keys_file;
            return false;
        }
        std::stringstream text;
        text << file.rdbuf();
        if (!parse_keys_file(text.str(), keys, error)) {
            error = config.keys_file + ": " + error;
            return false;
        }
    }
    if (config.dev) keys.emplace(kDevApiKey, kDevApiSecret);
    if (keys.empty()) {
        error =
            "no API keys: refusing to start, because anyone could join any room. Give "
            "--api-key and --api-secret (or --keys-file) to check access tokens, or --dev to "
            "run in development mode on this machine (tools/run.sh does)";
        return false;
    }
    config.api_keys = std::move(keys);
    return true;
}

std::string mint_dev_token(const std::string& room, const std::string& identity, const std::string& name,
                           std::int64_t now_s) {
    AccessClaims c;
    c.api_key = kDevApiKey;
    c.identity = identity;
    c.name = name;
    c.not_before_s = now_s;
    c.expires_s = now_s + 6 * 3600;
    c.video.room_join = true;
    c.video.room = room;
    c.video.room_create = true;
    return sign_access_token(access_claims_json(c), kDevApiSecret, openssl_hmac_sha256);
}

}  // namespace posemeet::server
