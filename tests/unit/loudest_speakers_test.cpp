// loudest_speakers: who is heard in a large room: the loudest few, with hysteresis (a
// margin and a hold to get in, a linger after going quiet), deterministic in time.
#include "core/loudest_speakers.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <optional>
#include <vector>

using posemeet::LoudestSpeakers;
using posemeet::LoudestSpeakersConfig;

namespace {

// What a speaker sends in one 20-ms packet: its level in -dBov, or nothing (muted, silent).
using Voice = std::function<std::optional<int>(std::uint16_t speaker, std::int64_t at_ms)>;

struct Run {
    int set_changes = 0;  // times the set changed after it first formed (replaced, released)
    std::map<std::uint16_t, int> forwarded;  // packets forwarded per speaker
};

// Every speaker's packets from `from` to `to` (ms), 20 ms apart, in media id order.
Run speak(LoudestSpeakers& ls, const std::vector<std::uint16_t>& speakers, std::int64_t from,
          std::int64_t to, const Voice& voice) {
    Run run;
    auto before = ls.selected();
    for (std::int64_t t = from; t < to; t += 20) {
        for (auto id : speakers) {
            const auto level = voice(id, t);
            if (!level) continue;
            if (ls.hear(id, static_cast<std::uint8_t>(*level), *level < 127, t))
                ++run.forwarded[id];
            const auto now = ls.selected();
            if (!before.empty() && now != before) ++run.set_changes;
            before = now;
        }
    }
    return run;
}

using Ids = std::vector<std::uint16_t>;

}  // namespace

TEST_SUITE_BEGIN("loudest_speakers");

TEST_CASE("the first speakers take the free slots at once; silence takes none") {
    LoudestSpeakers ls;
    CHECK_FALSE(ls.hear(9, 127, false, 0));  // a silent packet
    CHECK(ls.hear(1, 30, true, 0));
    CHECK(ls.hear(2, 40, true, 0));
    CHECK(ls.hear(3, 50, true, 0));
    CHECK_FALSE(ls.hear(4, 45, true, 0));  // every slot taken, not clearly louder
    CHECK(ls.selected() == Ids{1, 2, 3});
    CHECK(ls.is_selected(2));
    CHECK_FALSE(ls.is_selected(9));
}

TEST_CASE("loudest N: of five speakers the three loudest are heard") {
    LoudestSpeakers ls;
    // Levels in -dBov (lower = louder): 3 and 5 clearly louder than the first three.
    const std::map<std::uint16_t, int> level{{1, 50}, {2, 40}, {3, 20}, {4, 45}, {5, 25}};
    const Ids all{1, 2, 3, 4, 5};
    speak(ls, all, 0, 5000, [&](std::uint16_t id, std::int64_t) { return level.at(id); });
    // 1, 2, 3 took the free slots; 5 displaced the quietest (1), and 4 is not 6 dB louder
    // than 2, the quietest left.
    CHECK(ls.selected() == Ids{2, 3, 5});
    LoudestSpeakers one({.slots = 1});
    speak(one, all, 0, 5000, [&](std::uint16_t id, std::int64_t) { return level.at(id); });
    CHECK(one.selected() == Ids{3});
}

TEST_CASE("no flapping: two speakers alternating within the margin keep the set as it is") {
    LoudestSpeakers ls({.slots = 1});
    // Both talk at once; their levels swap every 100 ms, 4 dB apart (under the 6 dB margin).
    const auto r = speak(ls, {1, 2}, 0, 10000, [](std::uint16_t id, std::int64_t t) {
        const bool one_louder = (t / 100) % 2 == 0;
        return (id == 1) == one_louder ? 30 : 34;
    });
    CHECK(ls.selected() == Ids{1});
    CHECK(r.set_changes == 0);
    CHECK(r.forwarded.count(2) == 0);
}

TEST_CASE("no flapping: bursts clearly louder but shorter than the hold do not take the slot") {
    LoudestSpeakers ls({.slots = 1});
    // Speaker 2 is 15 dB louder for 200 ms out of every 400 (the hold is 300 ms).
    const auto r =
        speak(ls, {1, 2}, 0, 10000, [](std::uint16_t id, std::int64_t t) -> std::optional<int> {
            if (id == 1) return 35;
            return (t % 400) < 200 ? 20 : 40;
        });
    CHECK(r.set_changes == 0);
    CHECK(ls.selected() == Ids{1});
}

TEST_CASE("a clearly louder newcomer gets in after the hold, not before") {
    LoudestSpeakersConfig config;
    config.slots = 2;
    LoudestSpeakers ls(config);
    speak(ls, {1, 2}, 0, 1000, [](std::uint16_t id, std::int64_t) { return id == 1 ? 30 : 40; });
    REQUIRE(ls.selected() == Ids{1, 2});
    // From t = 1000 speaker 3 talks 20 dB louder than 2 (the quietest member).
    std::int64_t got_in = -1;
    for (std::int64_t t = 1000; t < 3000 && got_in < 0; t += 20) {
        ls.hear(1, 30, true, t);
        ls.hear(2, 40, true, t);
        if (ls.hear(3, 20, true, t)) got_in = t;
    }
    // Clearly louder from its first packet: it gets in when the hold has run.
    CHECK(got_in >= 1000 + config.takeover_ms);
    CHECK(got_in <= 1000 + config.takeover_ms + 100);
    CHECK(ls.selected() == Ids{1, 3});
}

TEST_CASE(
    "a member gone quiet: a speaker takes its slot after the hold; with a slot free it lingers") {
    LoudestSpeakersConfig config;
    config.slots = 1;
    LoudestSpeakers ls(config);
    speak(ls, {1}, 0, 1000, [](std::uint16_t, std::int64_t) { return 30; });
    REQUIRE(ls.selected() == Ids{1});
    // 1 stops; 2 talks softly (within the margin of 1's level while 1 talked, but 1 is
    // silent now, so 2 is clearly louder: it takes the slot after the hold).
    speak(ls, {1, 2}, 1000, 1200, [](std::uint16_t id, std::int64_t) -> std::optional<int> {
        return id == 2 ? std::optional<int>(33) : std::nullopt;
    });
    CHECK(ls.selected() == Ids{1});  // within the hold
    speak(ls, {2}, 1200, 1600, [](std::uint16_t, std::int64_t) { return 33; });
    CHECK(ls.selected() == Ids{2});

    // With a free slot nobody is displaced: a quiet member lingers, then leaves.
    LoudestSpeakers two({.slots = 2});
    speak(two, {1}, 0, 1000, [](std::uint16_t, std::int64_t) { return 30; });
    // Its packets go on without voice (background noise): it stays the linger time.
    speak(two, {1}, 1000, 1000 + 1900, [](std::uint16_t, std::int64_t) { return 127; });
    CHECK(two.selected() == Ids{1});
    speak(two, {1}, 2900, 3200, [](std::uint16_t, std::int64_t) { return 127; });
    CHECK(two.selected().empty());
}

TEST_CASE("deterministic: the same packets give the same choices; forget and prune drop a sender") {
    auto voice = [](std::uint16_t id, std::int64_t t) -> std::optional<int> {
        return static_cast<int>((id * 7 + t / 20 * 13) % 60) + 10;
    };
    LoudestSpeakers a, b;
    const Ids all{1, 2, 3, 4, 5, 6};
    const auto ra = speak(a, all, 0, 8000, voice);
    const auto rb = speak(b, all, 0, 8000, voice);
    CHECK(a.selected() == b.selected());
    CHECK(ra.forwarded == rb.forwarded);
    CHECK(ra.set_changes == rb.set_changes);

    const auto first = a.selected().front();
    a.forget(first);
    CHECK_FALSE(a.is_selected(first));
    a.prune(8000 + 60001);
    CHECK(a.empty());
}

TEST_SUITE_END();
