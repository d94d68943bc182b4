// posemeet-relay-load: the load generator of tools/bench_relay.sh (a benchmark, not a test).
// Opens --rooms x --members WebSockets to our server (joined with vcJoinRoom, relay-only) or
// to the baseline relay (?room=), all on one io_context and one thread, sends pose-sized
// packets at --pose-hz (and audio-sized at --audio-hz) and prints one JSON line of figures:
// deliveries/s, latency p50/p99, the server's CPU per million deliveries and RSS (with
// --server-pid), and this program's own CPU so the reader can tell it was not the bottleneck.
// --idle: join and hold still, then print the server's memory per joined connection (with
// --idle-warmup N also what each connection after the first N costs).
// --keyframe-every N: one pose in N a keyframe, the rest deltas (default 1: all keyframes,
// which the relay never skips; see LoadOptions::keyframe_every).
// --no-room-hint: connect to /ws without ?room=, so that the server spreads a room's
// connections over its threads (its cross-thread path, for tools/tsan_check.sh).
#include <boost/asio/io_context.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/relay_load/load_run.hpp"

namespace {

const char* kUsage =
    "usage: posemeet-relay-load --port P [--host 127.0.0.1] [--target posemeet|baseline]\n"
    "  [--rooms 20] [--members 10] [--seconds 15] [--warmup 3] [--pose-hz 30] [--audio-hz 0]\n"
    "  [--speakers N (per room; all by default)] [--pose-bytes 166] [--audio-bytes 89]\n"
    "  [--server-pid PID] [--room-prefix bench] [--idle [--idle-warmup N]] [--no-room-hint]\n"
    "  [--keyframe-every 1]\n";

bool parse(int argc, char** argv, posemeet::relay_load::LoadOptions& o) {
    std::string host = "127.0.0.1";
    int port = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--idle") {
            o.idle = true;
            continue;
        }
        if (flag == "--no-room-hint") {
            o.endpoint.room_hint = false;
            continue;
        }
        if (i + 1 >= argc) return false;
        const std::string value = argv[++i];
        if (flag == "--host")
            host = value;
        else if (flag == "--port")
            port = std::atoi(value.c_str());
        else if (flag == "--target" && (value == "posemeet" || value == "baseline"))
            o.endpoint.target = value == "posemeet" ? posemeet::relay_load::RelayTarget::PoseMeet
                                                    : posemeet::relay_load::RelayTarget::Baseline;
        else if (flag == "--rooms")
            o.rooms = std::atoi(value.c_str());
        else if (flag == "--members")
            o.members = std::atoi(value.c_str());
        else if (flag == "--seconds")
            o.seconds = std::atof(value.c_str());
        else if (flag == "--warmup")
            o.warmup_s = std::atof(value.c_str());
        else if (flag == "--pose-hz")
            o.pose_hz = std::atof(value.c_str());
        else if (flag == "--audio-hz")
            o.audio_hz = std::atof(value.c_str());
        else if (flag == "--speakers")
            o.speakers = std::atoi(value.c_str());
        else if (flag == "--pose-bytes")
            o.pose_bytes = std::strtoul(value.c_str(), nullptr, 10);
        else if (flag == "--audio-bytes")
            o.audio_bytes = std::strtoul(value.c_str(), nullptr, 10);
        else if (flag == "--server-pid")
            o.server_pid = std::atoi(value.c_str());
        else if (flag == "--idle-warmup")
            o.idle_warmup = std::atoi(value.c_str());
        else if (flag == "--room-prefix")
            o.room_prefix = value;
        else if (flag == "--keyframe-every")
            o.keyframe_every = std::atoi(value.c_str());
        else
            return false;
    }
    if (port <= 0 || o.rooms <= 0 || o.members <= 0 || o.pose_hz <= 0 || o.keyframe_every <= 0) return false;
    boost::system::error_code ec;
    o.endpoint.address = {boost::asio::ip::make_address(host, ec),
                          static_cast<unsigned short>(port)};
    o.endpoint.host = host + ":" + std::to_string(port);
    return !ec;
}

}  // namespace

int main(int argc, char** argv) {
    posemeet::relay_load::LoadOptions options;
    if (!parse(argc, argv, options)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);  // a dropped connection must be an error code, not a signal
    boost::asio::io_context io(1);
    posemeet::relay_load::LoadRun run(io, options);
    run.start();
    io.run();
    return run.exit_code();
}
