// See load_run.hpp. Payload after the 9-byte media header: byte 0 the pose frame type
// (keyframe), bytes 1-4 the sender's connection index, bytes 5-12 its send time (ns on this
// process's steady clock), then zeros up to the packet size.
#include "app/relay_load/load_run.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/relay_load/process_usage.hpp"
#include "core/media_packet.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/protocol.hpp"

namespace posemeet::relay_load {

namespace {
constexpr std::size_t kStampOffset = kMediaHeaderBytes + 1;
constexpr std::size_t kStampBytes = 4 + 8;
constexpr std::size_t kMaxQueuedPerConnection = 256;
constexpr auto kTick = std::chrono::milliseconds(1);
constexpr auto kDrain = std::chrono::seconds(1);

std::chrono::nanoseconds seconds_to_duration(double seconds) {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
}

double own_cpu_seconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
           (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}
}  // namespace

void LatencyHistogram::add(std::int64_t ns) {
    const auto bucket = std::clamp<std::int64_t>(ns / kBucketNs, 0, buckets_.size() - 1);
    ++buckets_[static_cast<std::size_t>(bucket)];
    ++count_;
}

double LatencyHistogram::percentile_ms(double p) const {
    if (count_ == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(std::ceil(p * static_cast<double>(count_)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) return static_cast<double>((i + 1) * kBucketNs) / 1e6;  // upper bound
    }
    return static_cast<double>(buckets_.size() * kBucketNs) / 1e6;
}

LoadRun::LoadRun(boost::asio::io_context& io, LoadOptions options)
    : io_(io), options_(std::move(options)), ticker_(io), phase_timer_(io) {}

std::int64_t LoadRun::now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

void LoadRun::start() {
    if (options_.server_pid) {
        server_rss_before_kib_ = process_rss_kib(options_.server_pid);
        server_anon_before_kib_ = process_status_kib(options_.server_pid, "RssAnon:");
    }
    const int total = options_.rooms * options_.members;
    members_.resize(static_cast<std::size_t>(total));
    for (int i = 0; i < total; ++i) {
        const std::string room = options_.room_prefix + "-" + std::to_string(i / options_.members);
        const auto index = static_cast<std::uint32_t>(i);
        members_[i].connection = std::make_shared<LoadConnection>(
            io_, room, "load-" + std::to_string(i),
            [this, index](const std::uint8_t* data, std::size_t size) {
                on_binary(index, data, size);
            });
    }
    connect_limit_ = members_.size();
    if (options_.idle && options_.idle_warmup > 0 && static_cast<std::size_t>(options_.idle_warmup) < members_.size())
        connect_limit_ = static_cast<std::size_t>(options_.idle_warmup);
    for (int i = 0; i < options_.connect_parallel; ++i) connect_next();
}

void LoadRun::connect_next() {
    if (next_to_connect_ >= connect_limit_) return;
    members_[next_to_connect_++].connection->start(
        options_.endpoint, [this](bool ok, const std::string& error) { on_ready(ok, error); });
}

void LoadRun::on_ready(bool ok, const std::string& error) {
    ++settled_;
    if (!ok && failed_++ == 0) first_error_ = error;
    if (settled_ == members_.size()) return on_all_ready();
    if (settled_ == connect_limit_) {
        // The idle warm-up is in: let the server settle, read its memory, connect the rest.
        phase_timer_.expires_after(std::chrono::seconds(2));
        phase_timer_.async_wait([this](auto) {
            if (options_.server_pid) server_rss_warm_kib_ = process_rss_kib(options_.server_pid);
            connect_limit_ = members_.size();
            for (int i = 0; i < options_.connect_parallel; ++i) connect_next();
        });
        return;
    }
    connect_next();
}

void LoadRun::on_all_ready() {
    std::fprintf(stderr, "posemeet-relay-load: %zu connections ready, %zu failed%s%s\n",
                 members_.size() - failed_, failed_, failed_ ? ": " : "", first_error_.c_str());
    if (failed_) return finish(1);
    if (options_.idle) {
        // Let the server settle (joins' informs written, buffers shrunk) before reading.
        phase_timer_.expires_after(std::chrono::seconds(2));
        phase_timer_.async_wait([this](auto) { report_idle(); });
        return;
    }
    // Spread the senders' phases over one period so the load is even, not in bursts.
    const std::int64_t now = now_ns();
    for (std::size_t i = 0; i < members_.size(); ++i) {
        const double phase = static_cast<double>((i * 7919) % members_.size()) / members_.size();
        members_[i].next_pose_ns = now + static_cast<std::int64_t>(phase * 1e9 / options_.pose_hz);
        const bool speaks = options_.speakers < 0 || static_cast<int>(i) % options_.members < options_.speakers;
        if (options_.audio_hz > 0 && speaks)
            members_[i].next_audio_ns =
                now + static_cast<std::int64_t>(phase * 1e9 / options_.audio_hz);
    }
    sending_ = true;
    ticker_.expires_after(kTick);
    ticker_.async_wait([this](auto) { tick(); });
    phase_timer_.expires_after(seconds_to_duration(options_.warmup_s));
    phase_timer_.async_wait([this](auto) { begin_window(); });
}

void LoadRun::tick() {
    if (!sending_) return;
    const std::int64_t now = now_ns();
    const auto pose_period = static_cast<std::int64_t>(1e9 / options_.pose_hz);
    const auto audio_period =
        options_.audio_hz > 0 ? static_cast<std::int64_t>(1e9 / options_.audio_hz) : 0;
    for (std::uint32_t i = 0; i < members_.size(); ++i) {
        Member& m = members_[i];
        for (; m.next_pose_ns <= now; m.next_pose_ns += pose_period)
            send_packet(i, static_cast<int>(MediaKind::Pose), m.pose_sequence++,
                        options_.pose_bytes);
        for (; audio_period && m.next_audio_ns && m.next_audio_ns <= now; m.next_audio_ns += audio_period)
            send_packet(i, static_cast<int>(MediaKind::Audio), m.audio_sequence++,
                        options_.audio_bytes);
    }
    ticker_.expires_at(ticker_.expiry() + kTick);
    ticker_.async_wait([this](auto) { tick(); });
}

void LoadRun::send_packet(std::uint32_t index, int kind, std::uint16_t sequence,
                          std::size_t bytes) {
    const std::int64_t now = now_ns();
    MediaHeader header;
    header.kind = static_cast<MediaKind>(kind);
    header.sequence = sequence;
    header.timestamp_ms = static_cast<std::uint32_t>(now / 1'000'000);
    std::vector<std::uint8_t> payload(std::max(bytes, kStampOffset + kStampBytes) -
                                      kMediaHeaderBytes);
    // Bits 0-1: PoseFrameType, Keyframe (0) or Delta (1): the relay may skip a delta for a
    // reader that thins poses, never a keyframe.
    const bool keyframe = kind != static_cast<int>(MediaKind::Pose) || sequence % options_.keyframe_every == 0;
    payload[0] = static_cast<std::uint8_t>(keyframe ? PoseFrameType::Keyframe : PoseFrameType::Delta);
    std::memcpy(&payload[1], &index, 4);
    std::memcpy(&payload[5], &now, 8);
    const auto packet = encode_media_packet(header, payload);
    // Our server takes a relay frame (no targets: every relay member of the room); the
    // baseline forwards whatever it gets, so it gets the bare packet the others receive.
    const auto message =
        options_.endpoint.target == RelayTarget::PoseMeet ? encode_relay_frame({}, packet) : packet;
    if (!members_[index].connection->send(std::string(message.begin(), message.end()),
                                          kMaxQueuedPerConnection)) {
        if (measuring_) ++send_skipped_;
        return;
    }
    if (measuring_) ++sent_;
}

void LoadRun::on_binary(std::uint32_t receiver, const std::uint8_t* data, std::size_t size) {
    if (!window_start_ns_) return;
    const std::int64_t now = now_ns();
    if (size < kStampOffset + kStampBytes) {
        ++malformed_;
        return;
    }
    std::uint32_t sender = 0;
    std::int64_t sent_ns = 0;
    std::memcpy(&sender, data + kStampOffset, 4);
    std::memcpy(&sent_ns, data + kStampOffset + 4, 8);
    // Only packets sent inside the window count, wherever they arrive: sent vs delivered is
    // then an exact loss ratio.
    if (sent_ns < window_start_ns_ || (window_end_ns_ && sent_ns >= window_end_ns_)) return;
    if (sender == receiver) ++own_echoes_;
    ++deliveries_;
    latency_.add(now - sent_ns);
}

void LoadRun::begin_window() {
    measuring_ = true;
    window_start_ns_ = now_ns();
    own_cpu_start_ = own_cpu_seconds();
    machine_start_ = machine_jiffies();
    if (options_.server_pid) server_cpu_start_ = process_cpu_seconds(options_.server_pid);
    phase_timer_.expires_after(seconds_to_duration(options_.seconds));
    phase_timer_.async_wait([this](auto) { end_window(); });
}

void LoadRun::end_window() {
    measuring_ = false;
    sending_ = false;
    window_end_ns_ = now_ns();
    window_own_cpu_ = own_cpu_seconds() - own_cpu_start_;
    const MachineJiffies machine = machine_jiffies();
    if (machine.total > machine_start_.total)
        window_machine_busy_pct_ = 100.0 * static_cast<double>(machine.busy - machine_start_.busy) /
                                   static_cast<double>(machine.total - machine_start_.total);
    if (options_.server_pid) {
        window_server_cpu_ = process_cpu_seconds(options_.server_pid) - server_cpu_start_;
        window_server_rss_kib_ = process_rss_kib(options_.server_pid);
    }
    // What is still on its way counts (the relay drops media queued for 500 ms).
    phase_timer_.expires_after(kDrain);
    phase_timer_.async_wait([this](auto) { report_window(); });
}

void LoadRun::report_window() {
    const double seconds = static_cast<double>(window_end_ns_ - window_start_ns_) / 1e9;
    const double own_cpu = window_own_cpu_, server_cpu = window_server_cpu_;
    const long server_rss = window_server_rss_kib_;
    const int per_packet = options_.members - 1;
    const protocol::Json report = {
        {"connections", members_.size()},
        {"rooms", options_.rooms},
        {"members", options_.members},
        {"seconds", seconds},
        {"sent", sent_},
        {"send_skipped", send_skipped_},
        {"deliveries", deliveries_},
        {"deliveries_per_s", deliveries_ / seconds},
        {"delivered_of_expected",
         sent_ ? static_cast<double>(deliveries_) / (sent_ * per_packet) : 0.0},
        {"own_echoes", own_echoes_},
        {"malformed", malformed_},
        {"latency_ms_p50", latency_.percentile_ms(0.50)},
        {"latency_ms_p99", latency_.percentile_ms(0.99)},
        {"latency_ms_max", latency_.percentile_ms(1.0)},
        {"server_cpu_s", server_cpu},
        {"server_cpu_s_per_million", deliveries_ ? server_cpu / (deliveries_ / 1e6) : 0.0},
        {"server_cpu_pct", server_cpu / seconds * 100},
        {"server_rss_kib", server_rss},
        {"generator_cpu_pct", own_cpu / seconds * 100},
        {"machine_busy_pct", window_machine_busy_pct_},
    };
    std::printf("%s\n", report.dump().c_str());
    std::fflush(stdout);
    finish(0);
}

void LoadRun::report_idle() {
    const long rss = options_.server_pid ? process_rss_kib(options_.server_pid) : -1;
    // RssAnon: the heap and stacks alone, without the pages of the program and its libraries
    // that the first connections' code paths touch (shared with every process mapping them).
    const long anon = options_.server_pid ? process_status_kib(options_.server_pid, "RssAnon:") : -1;
    protocol::Json report = {
        {"connections", members_.size()},
        {"server_rss_before_kib", server_rss_before_kib_},
        {"server_rss_joined_kib", rss},
        {"server_bytes_per_connection",
         (rss - server_rss_before_kib_) * 1024.0 / static_cast<double>(members_.size())},
        {"server_anon_bytes_per_connection",
         (anon - server_anon_before_kib_) * 1024.0 / static_cast<double>(members_.size())},
    };
    if (server_rss_warm_kib_ >= 0) {
        const auto further = members_.size() - static_cast<std::size_t>(options_.idle_warmup);
        report["idle_warmup"] = options_.idle_warmup;
        report["server_rss_warm_kib"] = server_rss_warm_kib_;
        report["server_bytes_per_further_connection"] =
            (rss - server_rss_warm_kib_) * 1024.0 / static_cast<double>(further);
    }
    std::printf("%s\n", report.dump().c_str());
    std::fflush(stdout);
    finish(0);
}

void LoadRun::finish(int code) {
    exit_code_ = code;
    io_.stop();  // the relay sees the connections drop when the process exits
}

}  // namespace posemeet::relay_load
