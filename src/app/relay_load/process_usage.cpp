// See process_usage.hpp.
#include "app/relay_load/process_usage.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace posemeet::relay_load {

double process_cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return -1;
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const auto close = line.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream fields(line.substr(close + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {  // field 3 is the state
        if (i == 14) utime = std::stoull(field);
        if (i == 15) stime = std::stoull(field);
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long process_status_kib(pid_t pid, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string key;
    long value = 0;
    while (in >> key) {
        if (key == field) return (in >> value) ? value : -1;
        std::getline(in, key);
    }
    return -1;
}

long process_rss_kib(pid_t pid) { return process_status_kib(pid, "VmRSS:"); }

MachineJiffies machine_jiffies() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    in >> cpu;  // "cpu": the sum over cores
    MachineJiffies j;
    unsigned long long value = 0;
    for (int i = 0; i < 8 && in >> value; ++i) {  // user nice system idle iowait irq softirq steal
        j.total += value;
        if (i != 3 && i != 4) j.busy += value;
    }
    return j;
}

}  // namespace posemeet::relay_load
