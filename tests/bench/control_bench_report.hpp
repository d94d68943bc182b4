// posemeet_control_bench's figures for one phase (the burst or the baseline) and how they are
// reported: the tables on stdout and the same figures as JSON (--json).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "control_bench_options.hpp"

namespace posemeet::control_bench {

using Json = nlohmann::json;

struct PhaseResult {
    std::map<std::string, std::vector<double>> rtt_us;       // per operation, replies only
    std::map<std::string, std::map<int, std::uint64_t>> codes;  // per operation
    std::uint64_t sent = 0, replies = 0, informs = 0, permits_sent = 0;
    double seconds = 0;  // first request sent -> last reply read
    int disconnects = 0;
    bool timed_out = false;
    double server_cpu_s = -1;  // burst server's CPU time during the phase (-1 = unknown)
    double client_cpu_s = 0;   // this process's CPU time during the phase
    // From /proc/<pid>/schedstat: time on a CPU and time runnable but waiting for one
    // (other processes had it), during the phase; -1 = unknown.
    double server_run_s = -1, server_wait_s = -1, client_run_s = -1, client_wait_s = -1;
    // The requests sent in the first round (every client's full bucket at once) and how
    // long until the last of their replies.
    std::uint64_t initial_requests = 0;
    double initial_drain_s = 0;
    Json server_stats;         // GET /api/v1/stats afterwards
};

// The phase's figures as JSON (round trips reduced to median and p99 per operation).
Json phase_json(const PhaseResult& r);

// The report's tables: the burst next to the baseline (null when there was none).
void report(const Options& o, const PhaseResult& burst, const PhaseResult* base);

}  // namespace posemeet::control_bench
