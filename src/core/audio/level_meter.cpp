// See level_meter.hpp.
#include "core/audio/level_meter.hpp"

#include <algorithm>
#include <cmath>

namespace posemeet::audio {

float rms_dbfs(const AudioFrame& frame) {
    double sum = 0;
    for (float s : frame) {
        if (std::isfinite(s)) sum += static_cast<double>(s) * s;
    }
    const double mean = sum / static_cast<double>(frame.size());
    // 10*log10 of the mean square == 20*log10 of the RMS; -127 dB is far below any
    // real microphone's noise floor, so it doubles as "silence".
    if (!(mean > 0)) return kSilenceDbfs;
    const double db = 10.0 * std::log10(mean);
    return static_cast<float>(std::max(db, static_cast<double>(kSilenceDbfs)));
}

std::uint8_t level_to_dbov(float dbfs) {
    if (!(dbfs == dbfs)) return 127;  // NaN
    const float v = std::clamp(-dbfs, 0.0f, 127.0f);
    return static_cast<std::uint8_t>(std::lround(v));
}

VoiceActivity::VoiceActivity(float threshold_dbfs, int hangover_frames)
    : threshold_dbfs_(threshold_dbfs), hangover_frames_(std::max(0, hangover_frames)) {}

bool VoiceActivity::update(float frame_dbfs) {
    if (frame_dbfs >= threshold_dbfs_) {
        remaining_ = hangover_frames_ + 1;  // this frame plus the hangover
    } else if (remaining_ > 0) {
        --remaining_;
    }
    return active();
}

}  // namespace posemeet::audio
