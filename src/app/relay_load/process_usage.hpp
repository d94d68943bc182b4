// CPU time and resident memory of a process, read from /proc (Linux): what the relay
// benchmark charges to the server under test, and to the load generator itself.
#pragma once

#include <string>

#include <sys/types.h>

namespace posemeet::relay_load {

// User + system CPU seconds of `pid` so far; negative when /proc cannot be read.
double process_cpu_seconds(pid_t pid);
// A field of /proc/<pid>/status in KiB ("RssAnon:"); negative when it cannot be read.
long process_status_kib(pid_t pid, const std::string& field);
// VmRSS of `pid` in KiB; negative when /proc cannot be read.
long process_rss_kib(pid_t pid);

// Jiffies of the whole machine (all cores) so far: busy and total. Over a window, busy/total
// says whether the cores were saturated (then every process waited, the relay included).
struct MachineJiffies {
    unsigned long long busy = 0, total = 0;
};
MachineJiffies machine_jiffies();

}  // namespace posemeet::relay_load
