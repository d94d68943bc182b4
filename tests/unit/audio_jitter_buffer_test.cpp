// jitter_buffer: ordering, late/lost/duplicate packets, wrap-around, adaptation to jitter,
// stopping and restarting.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/audio/jitter_buffer.hpp"
#include "core/audio/network_impairment.hpp"

using namespace posemeet::audio;
using Kind = Playout::Kind;

namespace {

using Bytes = std::vector<std::uint8_t>;

// Payloads carry the sender's frame index so the tests can see which packet played.
Bytes payload_of(std::uint32_t index) {
    return {static_cast<std::uint8_t>(index), static_cast<std::uint8_t>(index >> 8),
            static_cast<std::uint8_t>(index >> 16)};
}
std::int64_t index_of(const Bytes& b) {
    if (b.size() != 3) return -1;
    return b[0] | (b[1] << 8) | (b[2] << 16);
}

const char* name(Kind k) {
    switch (k) {
        case Kind::Packet:
            return "P";
        case Kind::FecFromNext:
            return "F";
        case Kind::Conceal:
            return "C";
        case Kind::Silence:
            return "S";
    }
    return "?";
}

struct Packet {
    std::uint32_t index;  // sender frame index
    std::uint16_t seq;
    std::uint32_t ts;
    std::uint32_t arrival;
};

struct Pop {
    std::uint32_t now;
    Playout out;
};

// A sender producing one packet per 20 ms, and a receiver popping every 20 ms; the test
// decides each packet's fate (arrival time, or none).
struct Sim {
    std::uint16_t seq0 = 1000;
    std::uint32_t ts0 = 5000;      // sender media clock at frame 0
    std::uint32_t send0 = 100000;  // local time frame 0 is sent
    std::uint32_t transit = 30;    // base network delay
    std::uint32_t pop_phase = 7;   // pops at send0 + 20k + pop_phase
    std::vector<Packet> packets;

    Packet make(std::uint32_t index, std::uint32_t extra_delay = 0) const {
        return Packet{index, static_cast<std::uint16_t>(seq0 + index), ts0 + 20 * index,
                      send0 + 20 * index + transit + extra_delay};
    }
    void send(std::uint32_t index, std::uint32_t extra_delay = 0) {
        packets.push_back(make(index, extra_delay));
    }
    void send_range(std::uint32_t from, std::uint32_t to) {
        for (std::uint32_t i = from; i < to; ++i) send(i);
    }

    // Runs `pops` more pops; packets are pushed when the local clock passes their arrival.
    // (Send everything before the first run.)
    std::vector<Pop> run(JitterBuffer& jb, int pops) {
        if (k_ == 0) {
            std::stable_sort(packets.begin(), packets.end(), [](const Packet& a, const Packet& b) {
                return static_cast<std::int32_t>(a.arrival - b.arrival) < 0;
            });
        }
        std::vector<Pop> out;
        for (int end = k_ + pops; k_ < end; ++k_) {
            const std::uint32_t now = send0 + 20u * static_cast<std::uint32_t>(k_) + pop_phase;
            while (next_ < packets.size() &&
                   static_cast<std::int32_t>(packets[next_].arrival - now) <= 0) {
                const Packet& p = packets[next_++];
                jb.push(p.seq, p.ts, payload_of(p.index), p.arrival);
            }
            out.push_back({now, jb.pop(now)});
        }
        return out;
    }

private:
    int k_ = 0;
    std::size_t next_ = 0;
};

// Every packet played carries its sender's media timestamp (modulo 2^32, as sent).
void check_played_timestamps(const std::vector<Pop>& pops, const Sim& sim) {
    for (const auto& p : pops) {
        if (p.out.kind == Kind::Packet)
            CHECK(p.out.timestamp_ms == static_cast<std::uint32_t>(sim.ts0 + 20 * index_of(p.out.payload)));
    }
}

std::string kinds(const std::vector<Pop>& pops) {
    std::string s;
    for (const auto& p : pops) s += name(p.out.kind);
    return s;
}

// Frame indexes played as packets, in order.
std::vector<std::int64_t> played(const std::vector<Pop>& pops) {
    std::vector<std::int64_t> v;
    for (const auto& p : pops)
        if (p.out.kind == Kind::Packet) v.push_back(index_of(p.out.payload));
    return v;
}

std::vector<std::int64_t> iota(std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> v;
    for (auto i = from; i < to; ++i) v.push_back(i);
    return v;
}

}  // namespace

TEST_SUITE_BEGIN("audio_jitter_buffer");

TEST_CASE("silence before the first packet") {
    JitterBuffer jb;
    for (std::uint32_t t = 0; t < 200; t += 20) {
        const Playout p = jb.pop(t);
        CHECK(p.kind == Kind::Silence);
        CHECK(p.timestamp_ms == 0);
        CHECK(p.payload.empty());
    }
    CHECK(jb.stats().current_depth_ms == 0);
    CHECK(jb.stats().target_delay_ms == 40);
}

TEST_CASE("in order: starts after the minimum delay, then plays every packet in order") {
    Sim sim;
    sim.send_range(0, 100);
    JitterBuffer jb;
    const auto pops = sim.run(jb, 104);  // up to the last frame's turn
    // Frame 0 arrives at 100030 and is due 40 ms later: the pop at 100087 plays it.
    CHECK(kinds(pops).substr(0, 6) == "SSSSP" + std::string("P"));
    CHECK(played(pops) == iota(0, 100));
    check_played_timestamps(pops, sim);
    const JitterStats s = jb.stats();
    CHECK(s.received == 100);
    CHECK(s.lost == 0);
    CHECK(s.late == 0);
    CHECK(s.duplicates == 0);
    CHECK(s.concealed == 0);
    CHECK(s.target_delay_ms == 40);
    CHECK(s.restarts == 1);
}

TEST_CASE("reordered packets come out in order") {
    Sim sim;
    // Each group of three arrives backwards (the first of a group 20 ms late).
    for (std::uint32_t i = 0; i < 90; ++i) sim.send(i, (2 - i % 3) * 10);
    JitterBuffer jb;
    const auto pops = sim.run(jb, 100);
    CHECK(played(pops) == iota(0, 90));
    CHECK(jb.stats().lost == 0);
    CHECK(jb.stats().late == 0);
}

TEST_CASE("duplicates are played once and counted") {
    Sim sim;
    sim.send_range(0, 60);
    for (std::uint32_t i = 0; i < 60; i += 10) {
        sim.send(i, 5);    // a second copy soon after
        sim.send(i, 300);  // and one long after it was played
    }
    JitterBuffer jb;
    const auto pops = sim.run(jb, 80);
    CHECK(played(pops) == iota(0, 60));
    const JitterStats s = jb.stats();
    CHECK(s.received == 72);
    CHECK(s.duplicates == 12);
    CHECK(s.late == 0);  // the late copies are duplicates, not late originals
}

TEST_CASE("lost and late packets: FEC from the next packet when it is there, PLC when not") {
    Sim sim;
    for (std::uint32_t i = 0; i < 100; ++i) {
        if (i == 20 || i == 60 || i == 61) continue;  // lost
        sim.send(i, i == 40 ? 300 : 0);               // 40 arrives long after its turn
    }
    JitterBuffer jb;
    // Up to the last frame's turn (afterwards the stream's end would add concealment).
    const auto pops = sim.run(jb, 104);
    CHECK(kinds(pops).substr(0, 4) == "SSSS");

    auto slot = [&](std::int64_t frame) {
        // Pop that played frame-1, then the next one is this frame's turn.
        for (std::size_t k = 0; k + 1 < pops.size(); ++k) {
            if (pops[k].out.kind == Kind::Packet && index_of(pops[k].out.payload) == frame - 1)
                return pops[k + 1].out;
        }
        FAIL("frame ", frame - 1, " never played");
        return Playout{};
    };
    const Playout s20 = slot(20);
    CHECK(s20.kind == Kind::FecFromNext);
    CHECK(index_of(s20.payload) == 21);
    CHECK(s20.timestamp_ms == sim.ts0 + 20 * 20);
    const Playout s40 = slot(40);
    CHECK(s40.kind == Kind::FecFromNext);
    CHECK(index_of(s40.payload) == 41);
    const Playout s60 = slot(60);  // 61 is missing too: nothing to take FEC from
    CHECK(s60.kind == Kind::Conceal);
    CHECK(s60.timestamp_ms == sim.ts0 + 20 * 60);

    std::vector<std::int64_t> expect;
    for (std::int64_t i = 0; i < 100; ++i)
        if (i != 20 && i != 40 && i != 60 && i != 61) expect.push_back(i);
    CHECK(played(pops) == expect);
    // The pop after 60's concealment is 61's turn: FEC from 62.
    for (std::size_t k = 0; k + 1 < pops.size(); ++k) {
        if (pops[k].out.kind == Kind::Conceal) {
            CHECK(pops[k + 1].out.kind == Kind::FecFromNext);
            CHECK(index_of(pops[k + 1].out.payload) == 62);
        }
    }
    const JitterStats s = jb.stats();
    CHECK(s.lost == 4);
    CHECK(s.late == 1);
    CHECK(s.fec_recovered == 3);
    CHECK(s.concealed == 1);
    CHECK(s.received == 97);
}

TEST_CASE("sequence numbers and timestamps wrap around") {
    Sim sim;
    sim.seq0 = 65530;
    sim.ts0 = 0xFFFFFF00u;    // wraps after 13 frames
    sim.send0 = 0xFFFFFE00u;  // the local clock wraps too
    sim.send_range(0, 100);
    sim.packets[50].arrival += 15;  // a little reordering across the wraps
    JitterBuffer jb;
    const auto pops = sim.run(jb, 110);
    CHECK(played(pops) == iota(0, 100));
    check_played_timestamps(pops, sim);
    const JitterStats s = jb.stats();
    CHECK(s.lost == 0);
    CHECK(s.late == 0);
    CHECK(s.restarts == 1);
    CHECK(s.current_depth_ms < 80);
}

namespace {
struct JitterRun {
    JitterStats stats;
    double mean_depth = 0;  // over the second half
    int max_depth = 0;
};
JitterRun run_with_jitter(int jitter_ms, int seconds, std::uint32_t seed = 3) {
    Sim sim;
    // Pops in step with arrivals, so that without jitter the depth is exactly the minimum
    // (another phase adds up to one frame to every run alike).
    sim.pop_phase = 10;
    NetworkImpairment net(0.0, jitter_ms, seed);
    const int frames = seconds * 50;
    for (int i = 0; i < frames; ++i) sim.send(static_cast<std::uint32_t>(i), net.extra_delay_ms());
    JitterBuffer jb;
    JitterRun r;
    sim.run(jb, frames / 2);
    for (int k = frames / 2; k < frames; ++k) {
        sim.run(jb, 1);
        const int d = jb.stats().current_depth_ms;
        r.mean_depth += d;
        r.max_depth = std::max(r.max_depth, d);
    }
    r.mean_depth /= frames - frames / 2;
    r.stats = jb.stats();
    return r;
}
}  // namespace

TEST_CASE("the delay adapts: grows under 40 ms jitter, stays at the minimum without") {
    const JitterRun calm = run_with_jitter(0, 10);
    CHECK(calm.stats.target_delay_ms == 40);
    CHECK(calm.max_depth == 40);
    CHECK(calm.stats.concealed == 0);
    CHECK(calm.stats.lost == 0);

    const JitterRun rough = run_with_jitter(40, 10);
    CHECK(rough.stats.jitter_ms >= 30);
    CHECK(rough.stats.target_delay_ms >= 55);
    CHECK(rough.stats.target_delay_ms <= 80);
    CHECK(rough.mean_depth >= 50);
    CHECK(rough.mean_depth > calm.mean_depth + 10);
    CHECK(rough.max_depth <= 140);
    // The delay covers nearly every packet: a few late ones at most.
    CHECK(rough.stats.lost <= rough.stats.received / 50);
}

TEST_CASE("the delay shrinks again when the jitter goes away") {
    Sim sim;
    NetworkImpairment net(0.0, 120, 9);
    for (std::uint32_t i = 0; i < 1000; ++i) sim.send(i, i < 400 ? net.extra_delay_ms() : 0);
    JitterBuffer jb;
    sim.run(jb, 400);
    const JitterStats rough = jb.stats();
    sim.run(jb, 600);
    const JitterStats calm = jb.stats();
    CHECK(rough.target_delay_ms >= 120);
    CHECK(rough.current_depth_ms >= 100);
    CHECK(calm.target_delay_ms == 40);
    CHECK(calm.current_depth_ms < calm.target_delay_ms + 30);
    CHECK(calm.dropped > 0);
}

TEST_CASE("a sender that stops (muted) gets a little PLC, then silence; it restarts cleanly") {
    Sim sim;
    sim.send_range(0, 100);  // 2 s
    // 3 s of nothing, then the sender resumes with the next sequence number; its media
    // clock kept running, so the timestamp jumps by the pause.
    for (std::uint32_t i = 0; i < 100; ++i) {
        Packet p = sim.make(250 + i);
        p.seq = static_cast<std::uint16_t>(sim.seq0 + 100 + i);
        sim.packets.push_back(p);
    }
    JitterBuffer jb;
    const auto pops = sim.run(jb, 360);
    const std::string k = kinds(pops);
    // Playing, a few concealed frames while it is unclear, then silence, then playing.
    const auto first_after = k.find_first_not_of('P', k.find('P'));
    REQUIRE(first_after != std::string::npos);
    const auto silence_from = k.find('S', first_after);
    CHECK(silence_from - first_after <= static_cast<std::size_t>(JitterBuffer::kStopFrames));
    CHECK(k.substr(first_after, silence_from - first_after).find_first_not_of('C') ==
          std::string::npos);
    const auto resume = k.find('P', silence_from);
    REQUIRE(resume != std::string::npos);
    CHECK(k.find_first_not_of('S', silence_from) == resume);
    // Resumed frame 250 was sent at send0 + 5000, arrives 30 ms later, plays 40-60 ms after that.
    CHECK(pops[resume].now >= sim.send0 + 5000 + 30 + 40);
    CHECK(pops[resume].now < sim.send0 + 5000 + 30 + 60);
    CHECK(index_of(pops[resume].out.payload) == 250);
    CHECK(pops[resume].out.timestamp_ms == sim.ts0 + 5000);

    std::vector<std::int64_t> expect = iota(0, 100), tail = iota(250, 350);
    expect.insert(expect.end(), tail.begin(), tail.end());
    CHECK(played(pops) == expect);
    const JitterStats s = jb.stats();
    CHECK(s.lost == 0);  // a pause is not loss
    CHECK(s.late == 0);
    CHECK(s.restarts == 2);
    CHECK(s.target_delay_ms == 40);
    CHECK(s.current_depth_ms < 60);

    // While silent, the timestamp keeps estimating the sender's clock (for pose alignment).
    const Pop& quiet = pops[silence_from + 50];
    CHECK(quiet.out.kind == Kind::Silence);
    const auto expected_ts =
        static_cast<std::int64_t>(quiet.now) - (sim.send0 + sim.transit - sim.ts0) - 40;
    CHECK(static_cast<std::int64_t>(quiet.out.timestamp_ms) == expected_ts);
}

TEST_CASE("restart when the sender's timestamps froze during the pause") {
    Sim sim;
    sim.send_range(0, 100);
    for (std::uint32_t i = 0; i < 100; ++i) {
        Packet p = sim.make(250 + i);
        p.seq = static_cast<std::uint16_t>(sim.seq0 + 100 + i);
        p.ts = sim.ts0 + 20 * (100 + i);  // no jump: a clock that counts sent frames
        sim.packets.push_back(p);
    }
    JitterBuffer jb;
    const auto pops = sim.run(jb, 360);
    std::vector<std::int64_t> expect = iota(0, 100), tail = iota(250, 350);
    expect.insert(expect.end(), tail.begin(), tail.end());
    CHECK(played(pops) == expect);
    const JitterStats s = jb.stats();
    CHECK(s.current_depth_ms < 60);  // not the 3 s the clocks moved apart
    CHECK(s.target_delay_ms == 40);
    CHECK(s.lost == 0);
    CHECK(s.restarts == 2);
}

TEST_CASE("a sender that restarts its sequence numbers is a new stream, not late") {
    Sim sim;
    sim.send_range(0, 100);
    for (std::uint32_t i = 0; i < 100; ++i) {
        Packet p = sim.make(250 + i);
        p.seq = static_cast<std::uint16_t>(i);  // 1000 -> 0: far behind
        sim.packets.push_back(p);
    }
    JitterBuffer jb;
    const auto pops = sim.run(jb, 360);
    std::vector<std::int64_t> expect = iota(0, 100), tail = iota(250, 350);
    expect.insert(expect.end(), tail.begin(), tail.end());
    CHECK(played(pops) == expect);
    CHECK(jb.stats().late == 0);
    CHECK(jb.stats().lost == 0);
}

TEST_CASE("a long hole (400 ms lost) is not concealed through; the stream picks up after it") {
    Sim sim;
    for (std::uint32_t i = 0; i < 150; ++i)
        if (i < 50 || i >= 70) sim.send(i);
    JitterBuffer jb;
    const auto pops = sim.run(jb, 170);
    const std::string k = kinds(pops);
    CHECK(k.find("CCCCCC") == std::string::npos);  // at most kStopFrames of PLC
    std::vector<std::int64_t> expect = iota(0, 50), tail = iota(70, 150);
    expect.insert(expect.end(), tail.begin(), tail.end());
    CHECK(played(pops) == expect);
    const JitterStats s = jb.stats();
    CHECK(s.lost == 20);
    CHECK(s.restarts == 2);
    CHECK(s.current_depth_ms < 60);
}

TEST_CASE("a stall followed by a burst: the stream resumes and the delay grows to ride it out") {
    Sim sim;
    // Frames 50..74 are held up by a 500 ms stall and then arrive all at once.
    for (std::uint32_t i = 0; i < 300; ++i) {
        Packet p = sim.make(i);
        if (i >= 50 && i < 75) p.arrival = sim.send0 + 20 * 75 + sim.transit;
        sim.packets.push_back(p);
    }
    JitterBuffer jb;
    const auto pops = sim.run(jb, 300);
    const std::vector<std::int64_t> got = played(pops);
    CHECK(std::is_sorted(got.begin(), got.end()));
    const std::string k = kinds(pops);
    // PLC, a short silence while the stream is considered stopped, then continuous play.
    const auto resume = k.find('P', k.find('S', 10));
    REQUIRE(resume != std::string::npos);
    CHECK(k.find_first_not_of('P', resume) == std::string::npos);
    const JitterStats s = jb.stats();
    CHECK(s.target_delay_ms >= 200);  // such stalls are now expected
    CHECK(s.current_depth_ms <= JitterBufferConfig{}.max_delay_ms + 2 * 20);
    CHECK(s.late == 0);
}

TEST_CASE("the queue is bounded") {
    JitterBufferConfig cfg;
    cfg.max_packets = 50;
    JitterBuffer jb(cfg);
    for (std::uint32_t i = 0; i < 200; ++i)
        jb.push(static_cast<std::uint16_t>(i), 20 * i, payload_of(i), 0);  // all at once
    JitterStats s = jb.stats();
    CHECK(s.buffered_packets == 50);
    CHECK(s.dropped == 150);
    // It starts with the newest packets, not the dropped ones.
    Playout p;
    for (std::uint32_t t = 0; t < 2000 && p.kind != Kind::Packet; t += 20) p = jb.pop(t);
    REQUIRE(p.kind == Kind::Packet);
    CHECK(index_of(p.payload) >= 150);
}

TEST_CASE("configuration is sanitised") {
    JitterBufferConfig cfg;
    cfg.min_delay_ms = 100;
    cfg.max_delay_ms = 50;  // below the minimum
    cfg.max_packets = 0;
    JitterBuffer jb(cfg);
    CHECK(jb.stats().target_delay_ms == 100);
    jb.push(1, 0, payload_of(1), 0);
    jb.push(2, 20, payload_of(2), 20);
    jb.push(3, 40, payload_of(3), 40);
    CHECK(jb.stats().buffered_packets == 2);
}

TEST_CASE("without a floor, a steady path gets a small target; losses add a frame for FEC") {
    JitterBufferConfig cfg;
    cfg.min_delay_ms = 0;
    Sim sim;
    sim.send_range(0, 600);
    JitterBuffer jb(cfg);
    sim.run(jb, 300);
    JitterStats s = jb.stats();
    CHECK(s.jitter_ms == 0);
    CHECK(s.pop_jitter_ms == 0);
    CHECK(s.target_delay_ms == JitterBuffer::kMarginMs);
    CHECK(s.current_depth_ms >= s.target_delay_ms);
    CHECK(s.current_depth_ms < s.target_delay_ms + 20);
    CHECK(s.concealed == 0);

    // One packet lost: one frame on top, so the FEC in the packet after it is in time.
    Sim lossy;
    for (std::uint32_t i = 0; i < 600; ++i)
        if (i != 100) lossy.send(i);
    JitterBuffer jb2(cfg);
    lossy.run(jb2, 150);
    s = jb2.stats();
    CHECK(s.lost == 1);
    CHECK(s.target_delay_ms == 20);
    // ... for the next kWindow pops, then the small margin again.
    lossy.run(jb2, static_cast<int>(JitterBuffer::kWindow) + 10);
    CHECK(jb2.stats().target_delay_ms == JitterBuffer::kMarginMs);
}

TEST_CASE("pops that come early or late (a busy thread pulling playback) raise the target") {
    JitterBufferConfig cfg;
    cfg.min_delay_ms = 0;
    JitterBuffer jb(cfg);
    // Packets arrive on time (30 ms transit); pops alternate 0 and 12 ms late on their grid.
    std::uint32_t next_packet = 0;
    for (std::uint32_t k = 0; k < 400; ++k) {
        const std::uint32_t now = 100000 + 20 * k + (k % 2 ? 12 : 0);
        while (100000 + 20 * next_packet + 30 <= now) {
            jb.push(static_cast<std::uint16_t>(next_packet), 20 * next_packet, payload_of(next_packet),
                    100000 + 20 * next_packet + 30);
            ++next_packet;
        }
        jb.pop(now);
    }
    const JitterStats s = jb.stats();
    CHECK(s.jitter_ms == 0);
    CHECK(s.pop_jitter_ms == 12);
    CHECK(s.target_delay_ms == 12 + 12);  // the spread, and a margin as large (up to a frame)
    CHECK(s.concealed == 0);
    CHECK(s.lost == 0);
}

TEST_CASE("a pause in the pops (a suspended page) starts a new pop grid, not a spread") {
    JitterBufferConfig cfg;
    cfg.min_delay_ms = 0;
    JitterBuffer jb(cfg);
    for (std::uint32_t k = 0; k < 50; ++k) jb.pop(1000 + 20 * k);
    for (std::uint32_t k = 0; k < 50; ++k) jb.pop(10000 + 20 * k);  // 8 s later
    CHECK(jb.stats().pop_jitter_ms == 0);
}

TEST_SUITE_END();
