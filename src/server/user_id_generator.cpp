// See user_id_generator.hpp.
#include "server/user_id_generator.hpp"

#include <array>
#include <cstdio>

namespace posemeet::server {

UserIdGenerator::UserIdGenerator() {
    std::random_device rd;
    std::array<std::uint32_t, 8> words{};
    for (auto& w : words) w = rd();
    std::seed_seq seq(words.begin(), words.end());
    rng_.seed(seq);
}

std::string UserIdGenerator::operator()() {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng_()));
    return std::string(buf, 16);
}

std::string TokenGenerator::operator()() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(32);
    for (int word = 0; word < 4; ++word) {
        std::uint32_t v = rd_();
        for (int i = 0; i < 8; ++i, v >>= 4) out.push_back(kHex[v & 0xF]);
    }
    return out;
}

}  // namespace posemeet::server
