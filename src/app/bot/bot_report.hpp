// What posemeet-bot prints. stdout: one JSON line per bot every --stats-interval seconds and
// once at exit (tests/e2e parse them); stderr: a human-readable line per session event.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "app/bot/bot.hpp"
#include "app/bot/bot_options.hpp"
#include "core/protocol.hpp"

namespace posemeet::bot {

// One bot's stats line: status, ids, pose and socket counters, audio state, per remote the
// packets and their rate since the previous line (which it then becomes), and with
// --audio-probe the tone figures of what was played since. `t` counts from `start_ms`.
protocol::Json stats_line(Bot& bot, const BotOptions& options, double now_ms, double start_ms,
                          bool final_line);

// Every bot's stats line, written and flushed at once.
void print_stats_lines(const std::vector<std::unique_ptr<Bot>>& bots, const BotOptions& options,
                       double now_ms, double start_ms, bool final_line);

// "[name] joined room 'x' as u1 (media id 3)" and the like, on stderr.
void log_event(const std::string& bot_name, const std::string& event, const protocol::Json& data);

}  // namespace posemeet::bot
