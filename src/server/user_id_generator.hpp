// User ids handed to ControlService: 16 lowercase hex digits from a 64-bit Mersenne
// Twister seeded from std::random_device. Unique in practice and not guessable from
// other ids by a casual client (not a cryptographic token).
#pragma once

#include <random>
#include <string>

namespace posemeet::server {

class UserIdGenerator {
public:
    UserIdGenerator();
    std::string operator()();

private:
    std::mt19937_64 rng_;
};

// Member tokens (the secret a member resumes with): 32 lowercase hex digits, 128 bits read
// straight from std::random_device (the OS's random source), so unlike user ids they
// cannot be predicted from other outputs.
class TokenGenerator {
public:
    std::string operator()();

private:
    std::random_device rd_;
};

}  // namespace posemeet::server
