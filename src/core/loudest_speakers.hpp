// Who is heard in a large room: the relay forwards audio from the few loudest current
// speakers only (issue 13), chosen from each audio packet's level byte and voice flag
// (core/audio/audio_payload.hpp), with hysteresis so that speakers do not flap. Pure and
// deterministic: the caller passes the time.
//
// The rules, per room:
//   - a speaker (voice flag set) takes a free slot at once;
//   - with every slot taken, a speaker outside replaces the quietest member only while its
//     smoothed level is `margin_db` above that member's for `takeover_ms` without a break;
//   - a member stays `linger_ms` after its last voiced packet (pauses between sentences),
//     unless a clearly louder speaker takes its slot meanwhile.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace posemeet {

struct LoudestSpeakersConfig {
    int slots = 3;  // speakers heard at once: a lively discussion, not a crowd
    // 6 dB = twice the amplitude: two people talking at about the same loudness (levels
    // wander by a few dB) never displace each other; someone clearly louder does.
    double margin_db = 6;
    // ~15 packets of 20 ms: a cough or a single loud word does not take a slot, a new
    // speaker loses only the start of the first word.
    std::int64_t takeover_ms = 300;
    // Pauses between sentences are shorter than this.
    std::int64_t linger_ms = 2000;
};

class LoudestSpeakers {
  public:
    explicit LoudestSpeakers(LoudestSpeakersConfig config = {}) : config_(config) {}

    // One audio packet from `sender` (a media id) at `now_ms`: its level in -dBov (0 =
    // full scale, 127 = silence) and its voice flag. True = forward it (the sender holds
    // a slot after this packet).
    bool hear(std::uint16_t sender, std::uint8_t level_dbov, bool voice_active,
              std::int64_t now_ms);

    bool is_selected(std::uint16_t sender) const;
    // The members of the set, by media id.
    std::vector<std::uint16_t> selected() const;
    // The sender left the room.
    void forget(std::uint16_t sender);
    // Forgets senders not heard for a long time (call now and then; bounds the memory).
    void prune(std::int64_t now_ms);
    bool empty() const { return speakers_.empty(); }

  private:
    struct Speaker {
        double level = 127;  // smoothed -dBov; non-voice packets count as silence
        std::int64_t last_packet_ms = 0;
        std::int64_t last_voice_ms = 0;
        std::int64_t louder_since_ms = -1;  // outside: clearly louder than the quietest since
        bool selected = false;
    };
    // The level it has now: silence once its packets stopped (mic closed, gone).
    double level_now(const Speaker& s, std::int64_t now_ms) const;
    void release_quiet_members(std::int64_t now_ms);
    Speaker* quietest_member(std::int64_t now_ms);

    LoudestSpeakersConfig config_;
    std::map<std::uint16_t, Speaker> speakers_;  // by media id (ordered: deterministic ties)
};

}  // namespace posemeet
