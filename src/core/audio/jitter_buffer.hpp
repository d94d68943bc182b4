// Per-sender adaptive jitter buffer for 20 ms audio packets.
//
// Packets arrive with varying delay, out of order, duplicated or not at all; the speaker
// needs exactly one frame every 20 ms. The buffer holds packets back by a target delay and
// hands out one Playout per pop(), telling the caller what to do for that frame: decode a
// packet, rebuild a missing one from the FEC in the packet after it, conceal it, or play
// silence (nothing to play yet, or the sender has stopped, e.g. muted).
//
// Timing. All times are arguments (the core has no clock): `arrival_ms`/`now_ms` on the
// local clock, `timestamp_ms` on the sender's media clock; both are u32 and may wrap, as
// may the u16 sequence numbers (everything is unwrapped to 64 bits internally). For each
// packet the transit time (arrival - timestamp, meaningful only up to the unknown clock
// offset) goes into a window of the last few seconds. Its minimum is the fastest path; the
// spread above it is the jitter. The pops' own timing is measured the same way: each pop's
// offset from a steady 20 ms grid (a playback clock pulled by a busy thread comes early
// or late, and an early pop needs its packet sooner). The target delay is a high
// percentile of the arrival spread plus that of the pop spread plus a margin, clamped to
// [min_delay_ms, max_delay_ms]. The margin covers the estimate lagging a network that is
// getting worse: as large as the spreads, from kMarginMs on a steady path (loopback, a
// LAN) up to one frame; and one frame while packets are being lost (in the last kWindow
// pops), since a lost frame is rebuilt from the FEC in the packet after it, which must be
// here by then. The delay actually applied
// (current_depth_ms) is how long after the fastest possible arrival a frame is played:
//   depth = now - (timestamp of the frame played) - min transit
// It follows the target in whole frames: when it is short and the next packet has not
// arrived, the buffer waits one frame (Conceal, nothing skipped); when it exceeds the
// target by more than a frame (plus a margin) and packets are queued, one is dropped.
//
// Loss. A packet missing when its turn comes is lost (a later arrival counts as late):
// FecFromNext if the packet after it is already here, Conceal otherwise.
//
// Stopping and restarting. A muted sender just stops sending. When the buffer has been dry
// for kStopFrames pops the stream counts as stopped: Silence from then on (no endless PLC
// buzz), and the frames concealed while it was not yet clear are not counted as lost. A
// paused sender keeps its sequence numbers contiguous (so a pause is no loss), and its
// media clock normally keeps running (the timestamps jump by the pause). The
// next packet starts the stream afresh after the target delay; a sender whose media clock
// moved relative to ours (timestamps that froze while muted, a reconnect) restarts the
// transit statistics too. The same restart skips a hole of more than kStopFrames missing
// packets instead of concealing through it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

struct JitterBufferConfig {
    int min_delay_ms = 40;
    int max_delay_ms = 300;
    int max_packets = 50;  // bound on queued packets (1 s); the oldest go first
};

struct Playout {
    enum class Kind {
        Packet,       // decode `payload`
        FecFromNext,  // the frame's packet is missing; `payload` is the NEXT packet: recover
                      // this frame from its FEC (do not advance past it: it comes up next)
        Conceal,      // missing and nothing to recover from: packet loss concealment
        Silence,      // not started yet, or the sender stopped: output silence
    } kind = Kind::Silence;
    std::vector<std::uint8_t> payload;
    // Media-clock time of this frame (its first sample). For Silence, the sender time that
    // would be playing now (estimated from the transit times), or 0 before any packet.
    std::uint32_t timestamp_ms = 0;
};

struct JitterStats {
    int target_delay_ms = 0;
    int current_depth_ms = 0;         // 0 while not playing
    std::uint64_t received = 0;       // every push, duplicates and late ones included
    std::uint64_t late = 0;           // arrived after their turn had passed
    std::uint64_t duplicates = 0;     // a sequence number already received
    std::uint64_t lost = 0;           // turns that came without their packet
    std::uint64_t concealed = 0;      // Conceal playouts (loss, or waiting to grow the delay)
    std::uint64_t fec_recovered = 0;  // FecFromNext playouts
    // Additions beyond the original interface:
    std::uint64_t dropped = 0;  // discarded unplayed: overflow, shrinking the delay, stale at start
    std::uint64_t restarts = 0;  // stream (re)starts, including the first
    int jitter_ms = 0;           // the arrival spread the target is derived from
    int pop_jitter_ms = 0;       // the spread of the pops' timing, also covered by the target
    // Fastest transit in the window: arrival minus the frame's first-sample time, so it
    // holds the sender's framing, encode and the network (exact only when both clocks agree).
    int min_transit_ms = 0;
    int buffered_packets = 0;
};

class JitterBuffer {
public:
    static constexpr int kStopFrames = 5;        // 100 ms dry -> sender stopped
    static constexpr std::size_t kWindow = 250;  // transit and pop samples kept (5 s)
    static constexpr int kMarginMs = 5;          // the least margin on top of the spreads

    explicit JitterBuffer(JitterBufferConfig config = {});

    void push(std::uint16_t sequence, std::uint32_t timestamp_ms, std::vector<std::uint8_t> payload,
              std::uint32_t arrival_ms);
    // Call once per 20 ms of playback.
    Playout pop(std::uint32_t now_ms);
    JitterStats stats() const;
    bool playing() const { return playing_; }

private:
    struct Entry {
        std::int64_t ts;  // unwrapped media timestamp
        std::vector<std::uint8_t> payload;
    };

    std::int64_t unwrap_local(std::uint32_t t);
    void update_target();
    void note_pop_time(std::int64_t now);
    void stop();
    bool seen(std::int64_t seq) const {
        return seen_[static_cast<std::size_t>(seq) & (kSeen - 1)] == seq;
    }
    Playout silence(std::int64_t now) const;
    Playout take(std::map<std::int64_t, Entry>::iterator it);

    JitterBufferConfig cfg_;
    std::map<std::int64_t, Entry> packets_;  // by unwrapped sequence number

    // Unwrapping: relative to the highest sequence number so far and its timestamp.
    bool have_packet_ = false;
    std::int64_t highest_seq_ = 0;
    std::uint16_t highest_seq_raw_ = 0;
    std::int64_t highest_ts_ = 0;
    std::uint32_t highest_ts_raw_ = 0;
    bool have_local_ = false;
    std::int64_t local_ = 0;
    std::uint32_t local_raw_ = 0;

    // Which recent sequence numbers arrived (duplicate vs late), a ring keyed by seq.
    static constexpr std::size_t kSeen = 512;
    std::vector<std::int64_t> seen_ = std::vector<std::int64_t>(kSeen, INT64_MIN);

    std::deque<std::int64_t> transits_;
    std::int64_t min_transit_ = 0;
    int spread_ms_ = 0;
    int target_ms_;

    // Pop timing: offsets (pop time - 20 ms * pops since the grid began) of the last kWindow
    // pops. A gap of more than kStopFrames frames between pops (a suspended page) starts a
    // new grid: the caller skipped that playback rather than pulling it late.
    std::deque<std::int64_t> pop_offsets_;
    std::int64_t grid_pops_ = 0;
    std::int64_t last_pop_ = 0;
    int pop_spread_ms_ = 0;
    std::int64_t pops_since_loss_ = static_cast<std::int64_t>(kWindow);

    bool playing_ = false;
    std::int64_t next_seq_ = 0;  // while playing: the frame the next pop plays
    std::int64_t next_ts_ = 0;
    std::int64_t floor_seq_ = INT64_MIN;  // lower sequence numbers are late
    int dry_pops_ = 0;                    // consecutive pops with nothing queued
    std::uint64_t unsure_lost_ = 0;       // lost count of the current dry spell
    int depth_ms_ = 0;
    JitterStats stats_;
};

}  // namespace posemeet::audio
