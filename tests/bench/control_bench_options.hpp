// posemeet_control_bench's command line: what to measure, against which servers, and how the
// clients pace themselves. tools/bench_control.sh passes the servers' URLs and limits.
#pragma once

#include <string>

namespace posemeet::control_bench {

struct Options {
    std::string url;           // burst server, ws://host:port/ws
    std::string baseline_url;  // idle server for the baseline; empty = no baseline
    int clients = 200;
    int room_size = 10;
    int ops = 100;       // operations per client (host permits come on top)
    double rate = 50;    // per-client pacing: operations per second
    double burst = 100;  // per-client pacing: bucket size
    double timeout_s = 120;
    double settle_ms = 500;  // pause after the joins, before the burst
    std::string json_path;
    int server_pid = 0;           // burst server's pid: its CPU time is read from /proc
    std::string server_limits;    // the flags the server was started with, for the report
    bool tokens = false;          // every join carries an access token (the development key's)
    // How the clients time their operations. false: in step, every bucket full at the same
    // instant and refilling together (the burst this bench is for). true: each client on its
    // own, at random moments (a Poisson process of --rate a second, seeded), the way people in
    // different meetings act; --burst is then unused.
    bool independent = false;
};

// Fills `o` from argv; --help prints the usage and exits with 0; false (after saying why on
// stderr) for bad usage.
bool parse_args(int argc, char** argv, Options& o);

}  // namespace posemeet::control_bench
