// posemeet-bot's command line: every flag, its default, the --help text and the parser.
#pragma once

#include <string>
#include <vector>

namespace posemeet::bot {

struct BotOptions {
    std::string url = "ws://127.0.0.1:8080/ws";
    std::string room = "demo";
    int room_size = 0;  // bots per room; 0 = all in --room
    // Tiles a bot "has on screen": it names the first N other members (join order) as
    // visible (vcSetMediaReceive visible), as a paging browser would; -1 = names nothing.
    int visible = -1;
    std::string name = "Bot";
    int count = 1;
    double duration_s = 0;        // 0 = until SIGINT/SIGTERM
    double stats_interval_s = 1;  // 0 = only the final line
    bool print_poses = false;
    bool quiet = false;
    double pose_rate_hz = 0;      // 0 = the room size's tier (core/pose_tier.hpp)
    double tick_ms = 5;
    double join_interval_ms = 0;  // stagger the bots' joins
    std::string audio_in;         // WAV spoken by every bot (looped); implies --mic
    std::string audio_out;        // WAV of what the first bot heard, written at exit
    std::vector<float> audio_probe;  // frequencies measured per remote in the stats lines
    bool mic = false;
    double test_loss = 0;         // test-only impairment of received audio
    double test_jitter_ms = 0;
    // Access tokens for a server that checks them: one given token (one bot), or a key
    // and secret that sign one per bot (identity <name>-<pid>-<n>, a join grant for its
    // room). Also from POSEMEET_API_KEY/SECRET or LIVEKIT_API_KEY/SECRET.
    std::string token, api_key, api_secret;
};

// Fills `options` from argv. --help prints the usage and exits with 0; anything wrong is
// explained on stderr and returns false (exit code 2). The URL itself is checked later.
bool parse_bot_options(int argc, char** argv, BotOptions& options);

}  // namespace posemeet::bot
