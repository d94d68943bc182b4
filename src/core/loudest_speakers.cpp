// See loudest_speakers.hpp.
#include "core/loudest_speakers.hpp"

#include <algorithm>

namespace posemeet {

namespace {
constexpr double kSilence = 127;
// Per 20-ms packet: a time constant of ~100 ms, so one loud or quiet frame moves little.
constexpr double kSmoothing = 0.2;
// A sender whose packets stopped this long ago is silent (clients send nothing while muted).
constexpr std::int64_t kStaleMs = 200;
// A sender not heard for this long is forgotten (it may have left without a word).
constexpr std::int64_t kForgetMs = 60000;
}  // namespace

double LoudestSpeakers::level_now(const Speaker& s, std::int64_t now_ms) const {
    return now_ms - s.last_packet_ms > kStaleMs ? kSilence : s.level;
}

bool LoudestSpeakers::hear(std::uint16_t sender, std::uint8_t level_dbov, bool voice_active,
                           std::int64_t now_ms) {
    const double level = voice_active ? std::min<double>(level_dbov, kSilence) : kSilence;
    auto [it, first] = speakers_.try_emplace(sender);
    Speaker& s = it->second;
    if (first || now_ms - s.last_packet_ms > kStaleMs) {
        s.level = level;  // a new stream: nothing to smooth against
        s.louder_since_ms = -1;
    } else {
        s.level += kSmoothing * (level - s.level);
    }
    s.last_packet_ms = now_ms;
    if (voice_active) s.last_voice_ms = now_ms;

    release_quiet_members(now_ms);
    if (s.selected) return true;
    if (!voice_active) {
        s.louder_since_ms = -1;
        return false;
    }
    const auto members = static_cast<int>(std::count_if(
        speakers_.begin(), speakers_.end(), [](const auto& e) { return e.second.selected; }));
    if (members < config_.slots) {
        s.selected = true;
        s.louder_since_ms = -1;
        return true;
    }
    Speaker* quietest = quietest_member(now_ms);
    if (!quietest || s.level + config_.margin_db > level_now(*quietest, now_ms)) {
        s.louder_since_ms = -1;  // not clearly louder: the hold starts again
        return false;
    }
    if (s.louder_since_ms < 0) s.louder_since_ms = now_ms;
    if (now_ms - s.louder_since_ms < config_.takeover_ms) return false;
    quietest->selected = false;
    s.selected = true;
    s.louder_since_ms = -1;
    return true;
}

void LoudestSpeakers::release_quiet_members(std::int64_t now_ms) {
    for (auto& [id, s] : speakers_)
        if (s.selected && now_ms - s.last_voice_ms > config_.linger_ms) s.selected = false;
}

LoudestSpeakers::Speaker* LoudestSpeakers::quietest_member(std::int64_t now_ms) {
    Speaker* quietest = nullptr;
    // Ties go to the lowest media id (map order): the same input always gives the same set.
    for (auto& [id, s] : speakers_)
        if (s.selected && (!quietest || level_now(s, now_ms) > level_now(*quietest, now_ms)))
            quietest = &s;
    return quietest;
}

bool LoudestSpeakers::is_selected(std::uint16_t sender) const {
    auto it = speakers_.find(sender);
    return it != speakers_.end() && it->second.selected;
}

std::vector<std::uint16_t> LoudestSpeakers::selected() const {
    std::vector<std::uint16_t> ids;
    for (const auto& [id, s] : speakers_)
        if (s.selected) ids.push_back(id);
    return ids;
}

void LoudestSpeakers::forget(std::uint16_t sender) { speakers_.erase(sender); }

void LoudestSpeakers::prune(std::int64_t now_ms) {
    std::erase_if(speakers_,
                  [&](const auto& e) { return now_ms - e.second.last_packet_ms > kForgetMs; });
}

}  // namespace posemeet
