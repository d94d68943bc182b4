// outgoing_queue: the server's per-connection drop policy for slow receivers - pose gives
// way before audio, oldest first, stale media first, control never, order kept, the
// counters, and the rate-limited congestion notice (vcOnMediaCongestion) and its clearing.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "server/outgoing_queue.hpp"

using namespace posemeet::server;
using Kind = OutgoingKind;
using Push = OutgoingQueue::PushResult;

namespace {

// A message whose text names it ("P1", "A2", "C3", "K4" for a pose ack), padded to `size`.
std::shared_ptr<const std::string> msg(const std::string& name, std::size_t size = 0) {
    std::string s = name;
    if (s.size() < size) s.append(size - s.size(), '.');
    return std::make_shared<const std::string>(std::move(s));
}

Kind kind_of(const std::string& name) {
    switch (name[0]) {
        case 'P': return Kind::Pose;
        case 'K': return Kind::PoseAck;
        case 'A': return Kind::Audio;
        default: return Kind::Control;
    }
}

Push push(OutgoingQueue& q, const std::string& name, std::int64_t now = 0, std::size_t size = 0) {
    return q.push(msg(name, size), kind_of(name), now);
}

std::string name_of(const OutgoingQueue::Item& item) {
    const std::string& s = *item.data;
    return s.substr(0, s.find('.'));
}

// Writes everything out; the names in the order they went.
std::string drain(OutgoingQueue& q) {
    std::string out;
    while (const auto* item = q.start_write()) {
        if (!out.empty()) out += ' ';
        out += name_of(*item);
        q.written();
    }
    return out;
}

OutgoingLimits by_count(std::size_t n) {
    OutgoingLimits l;
    l.max_messages = n;
    return l;
}

}  // namespace

TEST_SUITE("outgoing_queue") {

TEST_CASE("under the caps nothing is dropped and the order is the send order") {
    OutgoingQueue q(by_count(8));
    for (const char* n : {"C1", "P1", "A1", "K1", "P2", "C2"}) CHECK(push(q, n) == Push::Queued);
    CHECK(q.messages() == 6);
    CHECK(q.bytes() == 12);
    CHECK(drain(q) == "C1 P1 A1 K1 P2 C2");
    CHECK(q.messages() == 0);
    CHECK(q.bytes() == 0);
    CHECK(q.dropped().total() == 0);
    CHECK_FALSE(q.congested());
}

TEST_CASE("pose gives way before audio, oldest first, and what remains keeps its order") {
    OutgoingQueue q(by_count(4));
    for (const char* n : {"A1", "P1", "A2", "P2"}) REQUIRE(push(q, n) == Push::Queued);
    CHECK(push(q, "A3") == Push::Queued);  // P1 goes
    CHECK(push(q, "A4") == Push::Queued);  // P2 goes
    CHECK(q.dropped().pose == 2);
    CHECK(q.dropped().audio == 0);
    // No pose left to drop: a new pose is the one that gives way, not the audio.
    CHECK(push(q, "P3") == Push::Dropped);
    CHECK(q.dropped().pose == 3);
    // New audio against audio only: the oldest audio goes.
    CHECK(push(q, "A5") == Push::Queued);
    CHECK(q.dropped().audio == 1);
    CHECK(drain(q) == "A2 A3 A4 A5");
}

TEST_CASE("pose acks give way with the poses, in age order, counted apart") {
    OutgoingQueue q(by_count(4));
    for (const char* n : {"K1", "A1", "P1", "K2"}) REQUIRE(push(q, n) == Push::Queued);
    CHECK(push(q, "A2") == Push::Queued);  // K1, the oldest of the pose class
    CHECK(push(q, "A3") == Push::Queued);  // P1
    CHECK(q.dropped().pose_ack == 1);
    CHECK(q.dropped().pose == 1);
    CHECK(drain(q) == "A1 K2 A2 A3");
}

TEST_CASE("control is never dropped: media makes room, and control alone past the cap overflows") {
    OutgoingQueue q(by_count(4));
    for (const char* n : {"P1", "A1", "C1", "P2"}) REQUIRE(push(q, n) == Push::Queued);
    CHECK(push(q, "C2") == Push::Queued);  // P1 goes
    CHECK(push(q, "C3") == Push::Queued);  // P2 goes
    CHECK(push(q, "C4") == Push::Queued);  // A1 goes
    CHECK(q.dropped().pose == 2);
    CHECK(q.dropped().audio == 1);
    // Only control queued: new media gives way, new control overflows (the session closes).
    CHECK(push(q, "A2") == Push::Dropped);
    CHECK(push(q, "P3") == Push::Dropped);
    CHECK(push(q, "C5") == Push::Overflow);
    CHECK(q.messages() == 4);
    CHECK(drain(q) == "C1 C2 C3 C4");
}

TEST_CASE("the message being written is never dropped and still counts") {
    OutgoingQueue q(by_count(3));
    for (const char* n : {"P1", "P2", "A1"}) REQUIRE(push(q, n) == Push::Queued);
    const auto* first = q.start_write();
    REQUIRE(first);
    CHECK(name_of(*first) == "P1");
    CHECK(q.start_write() == nullptr);  // one write at a time
    CHECK(q.writing());
    CHECK(push(q, "C1") == Push::Queued);  // P2 goes, not P1 in flight
    CHECK(q.messages() == 3);
    CHECK(push(q, "C2") == Push::Queued);  // A1
    CHECK(push(q, "C3") == Push::Overflow);
    q.written();
    CHECK(drain(q) == "C1 C2");
}

TEST_CASE("the byte cap counts like the message cap") {
    OutgoingLimits l;
    l.max_bytes = 1000;
    OutgoingQueue q(l);
    for (const char* n : {"A1", "P1", "A2"}) REQUIRE(push(q, n, 0, 300) == Push::Queued);
    CHECK(q.bytes() == 900);
    CHECK(push(q, "A3", 0, 300) == Push::Queued);  // P1 goes
    CHECK(q.bytes() == 900);
    CHECK(push(q, "C1", 0, 150) == Push::Queued);  // A1 goes
    CHECK(push(q, "C2", 0, 250) == Push::Queued);  // exactly 1000 fits
    CHECK(q.bytes() == 1000);
    // Control that would not fit even without any media: the media goes, and it still
    // overflows (the session then closes the connection, as it always did).
    CHECK(push(q, "C3", 0, 900) == Push::Overflow);
    CHECK(q.dropped().audio == 3);
    CHECK(drain(q) == "C1 C2");
    CHECK(q.dropped().pose == 1);
}

TEST_CASE("stale media goes first: stale audio before fresh pose") {
    OutgoingLimits l = by_count(3);
    l.stale_ms = 500;
    OutgoingQueue q(l);
    REQUIRE(push(q, "A1", 0) == Push::Queued);
    REQUIRE(push(q, "P1", 400) == Push::Queued);
    REQUIRE(push(q, "A2", 450) == Push::Queued);
    CHECK(q.oldest_age_ms(600) == 600);
    // At 600 ms A1 has waited 600 ms (stale), P1 only 200 ms: A1 goes.
    CHECK(push(q, "P2", 600) == Push::Queued);
    CHECK(q.dropped().audio == 1);
    CHECK(q.dropped().stale == 1);
    // At 700 ms nothing is stale: the oldest pose again.
    CHECK(push(q, "A3", 700) == Push::Queued);
    CHECK(q.dropped().pose == 1);
    CHECK(q.dropped().stale == 1);
    // At 1000 ms P2 has waited 400 ms (fresh), A2 550 ms (stale): A2 goes before P2.
    CHECK(push(q, "C1", 1000) == Push::Queued);
    CHECK(q.dropped().audio == 2);
    CHECK(q.dropped().stale == 2);
    CHECK(drain(q) == "P2 A3 C1");
}

TEST_CASE("clear forgets the queue but not the message being written") {
    OutgoingQueue q(by_count(4));
    for (const char* n : {"P1", "A1", "C1"}) REQUIRE(push(q, n, 0, 10) == Push::Queued);
    REQUIRE(q.start_write());
    q.clear();
    CHECK(q.messages() == 1);
    CHECK(q.bytes() == 10);
    q.written();
    CHECK(q.messages() == 0);
    CHECK(q.bytes() == 0);
    CHECK(q.start_write() == nullptr);
}

TEST_CASE("congestion notices: at once, at most once per interval while drops go on, once when cleared") {
    OutgoingLimits l = by_count(2);
    l.report_interval_ms = 1000;
    l.clear_after_ms = 2000;
    OutgoingQueue q(l);
    CHECK_FALSE(q.congestion_report(0));
    REQUIRE(push(q, "C1", 0) == Push::Queued);
    REQUIRE(push(q, "C2", 0) == Push::Queued);
    CHECK_FALSE(q.congestion_report(0));  // full, but nothing dropped yet

    CHECK(push(q, "P1", 100) == Push::Dropped);
    auto r = q.congestion_report(100);
    REQUIRE(r);
    CHECK(r->congested);
    CHECK(r->dropped.pose == 1);
    CHECK(r->duration_ms == 0);
    CHECK(r->queued_messages == 2);
    CHECK(r->queued_ms == 100);
    CHECK(q.congested());

    // More drops within the interval: nothing new to say yet.
    CHECK(push(q, "A1", 200) == Push::Dropped);
    CHECK(push(q, "P2", 900) == Push::Dropped);
    CHECK_FALSE(q.congestion_report(200));
    CHECK_FALSE(q.congestion_report(1099));
    r = q.congestion_report(1100);
    REQUIRE(r);
    CHECK(r->congested);
    CHECK(r->dropped.pose == 2);
    CHECK(r->dropped.audio == 1);
    CHECK(r->duration_ms == 1000);
    // No drop since the last notice: silent, however long it is.
    CHECK_FALSE(q.congestion_report(2500));
    // clear_after_ms after the last drop (900): the one "cleared" notice, then silence.
    CHECK_FALSE(q.congestion_report(2899));
    r = q.congestion_report(2900);
    REQUIRE(r);
    CHECK_FALSE(r->congested);
    CHECK(r->dropped.total() == 3);
    CHECK_FALSE(q.congested());
    CHECK_FALSE(q.congestion_report(5000));

    // A new episode counts from its own start (the totals keep growing).
    CHECK(push(q, "A2", 6000) == Push::Dropped);
    r = q.congestion_report(6000);
    REQUIRE(r);
    CHECK(r->congested);
    CHECK(r->dropped.audio == 1);
    CHECK(r->dropped.pose == 0);
    CHECK(q.dropped().audio == 2);
    CHECK(q.dropped().pose == 2);
}

TEST_CASE("the inform's data") {
    CongestionReport r;
    r.congested = true;
    r.duration_ms = 1500;
    r.dropped.pose = 7;
    r.dropped.pose_ack = 2;
    r.dropped.audio = 1;
    r.queued_messages = 1024;
    r.queued_bytes = 90000;
    r.queued_ms = 640;
    const auto j = to_json(r);
    CHECK(j["congested"] == true);
    CHECK(j["duration_ms"] == 1500);
    CHECK(j["dropped_pose"] == 7);
    CHECK(j["dropped_pose_ack"] == 2);
    CHECK(j["dropped_audio"] == 1);
    CHECK(j["queued_messages"] == 1024);
    CHECK(j["queued_bytes"] == 90000);
    CHECK(j["queued_ms"] == 640);
}

// Against a plain model that scans the whole queue for every victim: the same policy,
// written the slow and obvious way, must give the same writes and the same counts.
TEST_CASE("random traffic matches a scanning model of the policy") {
    struct ModelItem {
        std::string name;
        Kind kind;
        std::int64_t at;
        std::size_t size;
    };
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::mt19937 rng(seed);
        OutgoingLimits l;
        l.max_messages = 2 + rng() % 12;
        l.max_bytes = 200 + rng() % 800;
        l.stale_ms = 50 + rng() % 200;
        OutgoingQueue q(l);
        std::vector<ModelItem> model;  // model[0] is in flight when model_writing
        bool model_writing = false;
        DropCounts model_drops;
        std::string got, want;
        std::int64_t now = 0;
        auto model_bytes = [&] {
            std::size_t b = 0;
            for (const auto& m : model) b += m.size;
            return b;
        };
        auto is_pose = [](Kind k) { return k == Kind::Pose || k == Kind::PoseAck; };
        auto count = [&](Kind k, bool stale) {
            if (k == Kind::Pose) ++model_drops.pose;
            if (k == Kind::PoseAck) ++model_drops.pose_ack;
            if (k == Kind::Audio) ++model_drops.audio;
            if (stale) ++model_drops.stale;
        };
        for (int step = 0; step < 3000; ++step) {
            now += rng() % 7;
            const unsigned action = rng() % 10;
            if (action < 7) {
                static const char kinds[] = {'P', 'P', 'P', 'K', 'A', 'A', 'C'};
                const char c = kinds[rng() % 7];
                std::string name = std::to_string(step);
                name.insert(name.begin(), c);
                const std::size_t size = name.size() + rng() % 120;
                const Kind kind = kind_of(name);
                const Push result = q.push(msg(name, size), kind, now);
                // The model.
                Push expect = Push::Queued;
                for (;;) {
                    if (model.size() < l.max_messages && model_bytes() + size <= l.max_bytes) break;
                    const std::size_t first = model_writing ? 1 : 0;
                    auto oldest = [&](bool pose) -> std::ptrdiff_t {
                        for (std::size_t i = first; i < model.size(); ++i)
                            if (model[i].kind != Kind::Control && is_pose(model[i].kind) == pose)
                                return static_cast<std::ptrdiff_t>(i);
                        return -1;
                    };
                    const auto p = oldest(true), a = oldest(false);
                    auto stale = [&](std::ptrdiff_t i) { return i >= 0 && now - model[i].at >= l.stale_ms; };
                    std::ptrdiff_t victim = -1;
                    bool incoming = false;
                    if (stale(p)) victim = p;
                    else if (stale(a)) victim = a;
                    else if (p >= 0) victim = p;
                    else if (is_pose(kind)) incoming = true;
                    else if (a >= 0) victim = a;
                    else if (kind == Kind::Audio) incoming = true;
                    if (incoming) {
                        count(kind, false);
                        expect = Push::Dropped;
                        break;
                    }
                    if (victim < 0) {
                        expect = Push::Overflow;
                        break;
                    }
                    count(model[victim].kind, stale(victim));
                    model.erase(model.begin() + victim);
                }
                if (expect == Push::Queued) model.push_back({name, kind, now, size});
                REQUIRE(result == expect);
            } else if (action < 9) {
                if (const auto* item = q.start_write()) got += name_of(*item) + " ";
                if (!model_writing && !model.empty()) {
                    model_writing = true;
                    want += model[0].name + " ";
                }
            } else {
                q.written();
                if (model_writing) {
                    model.erase(model.begin());
                    model_writing = false;
                }
            }
            REQUIRE(q.messages() == model.size());
            REQUIRE(q.bytes() == model_bytes());
        }
        q.written();
        got += "| " + drain(q);
        if (model_writing) model.erase(model.begin());
        want += "| ";
        for (std::size_t i = 0; i < model.size(); ++i) {
            if (i) want += ' ';
            want += model[i].name;
        }
        CHECK(got == want);
        CHECK(q.dropped().pose == model_drops.pose);
        CHECK(q.dropped().pose_ack == model_drops.pose_ack);
        CHECK(q.dropped().audio == model_drops.audio);
        CHECK(q.dropped().stale == model_drops.stale);
        CHECK(model_drops.total() > 0);
    }
}

TEST_CASE("a batch writes a run of waiting messages at once, out of reach of the drop policy") {
    OutgoingQueue q(by_count(5));
    push(q, "C1", 0, 10);
    push(q, "P2", 0, 10);
    push(q, "A3", 0, 10);
    push(q, "P4", 0, 10);
    REQUIRE(q.start_batch(25) == 2);  // as many as fit in the bytes given...
    CHECK(q.writing());
    CHECK(q.start_batch(1000) == 0);  // one write at a time
    CHECK(q.start_write() == nullptr);
    std::string names;
    for (const auto& item : q.in_flight()) names += name_of(item) + " ";
    CHECK(names == "C1 P2 ");
    // Full: the pose being written stays; the waiting pose gives way to new audio.
    push(q, "A5", 0, 10);
    CHECK(q.messages() == 5);
    CHECK(push(q, "A6", 0, 10) == Push::Queued);
    CHECK(q.dropped().pose == 1);
    CHECK(q.bytes() == 50);
    q.clear();  // the batch in flight stays counted until written
    CHECK(q.messages() == 2);
    CHECK(q.bytes() == 20);
    q.written();
    CHECK(q.messages() == 0);
    CHECK(q.bytes() == 0);
    CHECK_FALSE(q.writing());
    push(q, "P7", 0, 100);
    CHECK(q.start_batch(1) == 1);  // ...but at least one
}

}  // TEST_SUITE
