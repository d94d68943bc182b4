// posemeet-bot: N synthetic participants in one process, on one io_context and one thread.
// Each bot is a MeetingSession (the same client code the browser runs) with its own
// WebSocket; it joins a room, sends its synthetic pose at 30 Hz through the server relay
// and receives everyone else's. With --audio-in it also speaks a WAV file (Opus, through
// the same relay), and with --audio-out it records what it hears. Used by tests (one bot,
// --print-poses, --audio-probe) and as a load generator (--count 50).
//
// Flags: bot_options.hpp; the run: bot_runner.hpp; what it prints: bot_report.hpp.
// stdout: one JSON line per bot every --stats-interval seconds and once at exit (flushed).
// stderr: human-readable progress.
// Exit code: 0, or 1 if any bot's join failed (status "failed"), 2 for bad usage.
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "app/bot/bot_options.hpp"
#include "app/bot/bot_runner.hpp"
#include "platform/native/beast_signaling_socket.hpp"
#include "platform/native/file_audio_device.hpp"

int main(int argc, char** argv) {
    posemeet::bot::BotOptions options;
    if (!posemeet::bot::parse_bot_options(argc, argv, options)) return 2;
    if (std::string error; !posemeet::parse_ws_url(options.url, error)) {
        std::fprintf(stderr, "posemeet-bot: --url: %s\n", error.c_str());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);  // a dropped connection must be an error code, not a signal

    std::vector<float> audio_in;
    if (!options.audio_in.empty()) {
        std::string error;
        if (!posemeet::read_wav_file_48k_mono(options.audio_in, audio_in, error)) {
            std::fprintf(stderr, "posemeet-bot: --audio-in: %s\n", error.c_str());
            return 2;
        }
    }

    boost::asio::io_context io(1);  // one thread runs everything
    int code = 0;
    {
        posemeet::bot::BotRunner runner(io, options, std::move(audio_in));
        runner.start();
        io.run();  // until shutdown() has closed every connection
        code = runner.exit_code();
    }
    std::fprintf(stderr, "posemeet-bot: done (exit %d)\n", code);
    return code;
}
