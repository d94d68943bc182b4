// See frame_assembler.hpp.
#include "core/audio/frame_assembler.hpp"

namespace posemeet::audio {

void FrameAssembler::push(const float* samples, std::size_t count) {
    if (!samples) return;
    // Only the newest kCapacity samples of this chunk can survive anyway.
    if (count > kCapacity) {
        dropped_ += count - kCapacity;
        samples += count - kCapacity;
        count = kCapacity;
    }
    const std::size_t overflow = size_ + count > kCapacity ? size_ + count - kCapacity : 0;
    if (overflow) {
        head_ = (head_ + overflow) % kCapacity;
        size_ -= overflow;
        dropped_ += overflow;
    }
    std::size_t tail = (head_ + size_) % kCapacity;
    for (std::size_t i = 0; i < count; ++i) {
        ring_[tail] = samples[i];
        tail = tail + 1 == kCapacity ? 0 : tail + 1;
    }
    size_ += count;
}

bool FrameAssembler::pop(AudioFrame& out) {
    if (size_ < kFrameSamples) return false;
    for (std::size_t i = 0; i < kFrameSamples; ++i) {
        out[i] = ring_[head_];
        head_ = head_ + 1 == kCapacity ? 0 : head_ + 1;
    }
    size_ -= kFrameSamples;
    return true;
}

}  // namespace posemeet::audio
