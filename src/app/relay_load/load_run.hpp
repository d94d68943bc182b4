// One run of the relay load generator: rooms x members connections, each sending pose-sized
// (and optionally audio-sized) packets stamped with its index and send time; after a warm-up
// it counts deliveries and their latency, and charges the server's CPU to that window.
#pragma once

#include <sys/types.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/relay_load/load_connection.hpp"
#include "app/relay_load/process_usage.hpp"

namespace posemeet::relay_load {

struct LoadOptions {
    LoadEndpoint endpoint;
    int rooms = 20, members = 10;
    double warmup_s = 3, seconds = 15;
    double pose_hz = 30, audio_hz = 0;
    int speakers = -1;  // members per room that send audio (the first ones); -1 = all
    std::size_t pose_bytes = 166, audio_bytes = 89;  // media packet sizes, header included
    // One pose in this many is marked a keyframe, the rest deltas. 1 (all keyframes): the
    // relay's thinning (a reader's wish, off-screen tiles, a congested reader) never skips
    // one, so every pose is owed to every reader. A browser sends mostly deltas; with more
    // than 1, the relay may skip deltas and "delivered" counts what it chose not to send.
    int keyframe_every = 1;
    bool idle = false;     // join, hold still, report the server's memory per connection
    // --idle: this many connections join first, and the server's memory is read again once
    // they have (the code and tables the first connections touch are then paid for), so the
    // report also has what each further connection costs. 0 = no such reading.
    int idle_warmup = 0;
    pid_t server_pid = 0;  // the relay under test (its CPU and memory); 0 = not measured
    std::string room_prefix = "bench";
    int connect_parallel = 64;  // connections being set up at once
};

// Send-to-receive latency in 10 µs buckets up to 5 s (the last bucket holds the rest).
class LatencyHistogram {
  public:
    void add(std::int64_t ns);
    double percentile_ms(double p) const;
    std::uint64_t count() const { return count_; }

  private:
    static constexpr std::int64_t kBucketNs = 10'000;
    std::vector<std::uint64_t> buckets_ = std::vector<std::uint64_t>(500'000);
    std::uint64_t count_ = 0;
};

class LoadRun {
  public:
    LoadRun(boost::asio::io_context& io, LoadOptions options);
    void start();
    int exit_code() const { return exit_code_; }

  private:
    struct Member {
        std::shared_ptr<LoadConnection> connection;
        std::int64_t next_pose_ns = 0, next_audio_ns = 0;
        std::uint16_t pose_sequence = 0, audio_sequence = 0;
    };
    void connect_next();
    void on_ready(bool ok, const std::string& error);
    void on_all_ready();
    void on_binary(std::uint32_t receiver, const std::uint8_t* data, std::size_t size);
    void tick();
    void send_packet(std::uint32_t index, int kind, std::uint16_t sequence, std::size_t bytes);
    void begin_window();
    void end_window();
    void report_window();
    void report_idle();
    void finish(int code);
    std::int64_t now_ns() const;

    boost::asio::io_context& io_;
    LoadOptions options_;
    boost::asio::steady_timer ticker_, phase_timer_;
    std::vector<Member> members_;
    std::size_t next_to_connect_ = 0, settled_ = 0, failed_ = 0;
    std::size_t connect_limit_ = 0;  // connections started so far may go up to this
    long server_rss_warm_kib_ = -1;  // after the idle warm-up's connections joined
    std::string first_error_;
    bool sending_ = false, measuring_ = false;
    int exit_code_ = 0;
    // The measured window.
    std::uint64_t sent_ = 0, deliveries_ = 0, send_skipped_ = 0, own_echoes_ = 0, malformed_ = 0;
    LatencyHistogram latency_;
    std::int64_t window_start_ns_ = 0, window_end_ns_ = 0;  // 0 = not yet
    double server_cpu_start_ = 0, own_cpu_start_ = 0;
    double window_server_cpu_ = -1, window_own_cpu_ = 0;
    long window_server_rss_kib_ = -1;
    MachineJiffies machine_start_;
    double window_machine_busy_pct_ = 0;
    long server_rss_before_kib_ = 0;
    long server_anon_before_kib_ = 0;  // RssAnon
};

}  // namespace posemeet::relay_load
