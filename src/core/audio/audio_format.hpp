// The one audio format PoseMeet uses end to end: 48 kHz mono in 20 ms frames. Opus runs
// natively at 48 kHz and 20 ms is its best trade-off between overhead and latency for
// speech, so capture, codec, jitter buffer and mixer all work in these units and nothing
// in between ever resamples or re-frames.
#pragma once

#include <array>
#include <cstddef>

namespace posemeet::audio {

constexpr int kSampleRate = 48000;
constexpr int kFrameMs = 20;
constexpr int kFrameSamples = 960;
static_assert(kFrameSamples == kSampleRate / 1000 * kFrameMs);

// Largest Opus packet we send or accept: a 20 ms voice frame at our bitrates is 40-100
// bytes; 1000 keeps a whole media packet (header + audio payload) under the 1200-byte MTU.
constexpr std::size_t kMaxOpusPacketBytes = 1000;

using AudioFrame = std::array<float, kFrameSamples>;  // mono, nominal range [-1, 1]

}  // namespace posemeet::audio
