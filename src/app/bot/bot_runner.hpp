// Drives posemeet-bot's N sessions on one io_context and one thread: staggered joins, a
// fixed tick (session + audio pump), periodic stats lines, and on --duration, SIGINT or
// SIGTERM the final line, the --audio-out recording and every bot's leave.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "app/bot/bot.hpp"
#include "app/bot/bot_options.hpp"
#include "platform/native/system_clock.hpp"

namespace posemeet::bot {

class BotRunner {
public:
    // `audio_in`: what every bot speaks (48 kHz mono, looped), empty for silence.
    BotRunner(boost::asio::io_context& io, BotOptions options, std::vector<float> audio_in);

    // Schedules the first tick; io.run() then returns once shutdown has closed every connection.
    void start();
    int exit_code() const { return any_failed_ ? 1 : 0; }  // 1 if any bot's join failed

private:
    void on_tick();
    // --visible: tells the server which members bot `b` has on screen (the first N others).
    void name_visible(Bot& b);
    // An access token for bot `index` in `room`, signed with --api-key/--api-secret: its
    // identity <name>-<pid>-<index> is unique across bot processes on this machine.
    std::string bot_token(const std::string& room, int index) const;
    // Final stats, then every bot leaves (vcLeaveRoom + WebSocket close). io.run() returns
    // once the last closing handshake is done (each is bounded by the socket's close timeout).
    void shutdown();
    void write_recording();

    BotOptions options_;
    SystemClock clock_;
    std::vector<std::unique_ptr<Bot>> bots_;
    boost::asio::steady_timer tick_timer_;
    boost::asio::signal_set signals_;
    std::chrono::steady_clock::time_point next_tick_;
    double start_ms_ = 0, next_stats_ms_ = 0;
    bool stopping_ = false;
    bool any_failed_ = false;
};

}  // namespace posemeet::bot
