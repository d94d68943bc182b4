// See heard_timeline.hpp.
#include "core/audio/heard_timeline.hpp"

#include <algorithm>

#include "core/audio/audio_format.hpp"

namespace posemeet::audio {

void HeardTimeline::add(double heard_at_ms, bool audible, std::uint32_t sender_ms) {
    // A frame is never heard before the one queued ahead of it; a latency reading that
    // dipped would say so, and is not believed.
    if (!frames_.empty()) heard_at_ms = std::max(heard_at_ms, frames_.back().heard_at);
    frames_.push_back(Frame{heard_at_ms, audible, sender_ms});
    while (frames_.size() > kMaxFrames) frames_.pop_front();
}

std::optional<MediaTimeAnchor> HeardTimeline::at(double local_ms) const {
    // The last frame that has started by `local_ms` is the one being heard.
    auto after = std::upper_bound(frames_.begin(), frames_.end(), local_ms,
                                  [](double t, const Frame& f) { return t < f.heard_at; });
    if (after == frames_.begin()) return std::nullopt;  // nothing handed out is heard yet
    const Frame& f = *(after - 1);
    if (!f.audible) return std::nullopt;
    if (after == frames_.end() && local_ms - f.heard_at > kFrameMs + kStaleMs) return std::nullopt;
    return MediaTimeAnchor{f.heard_at, f.sender_ms};
}

}  // namespace posemeet::audio
