// Little bit-packing helpers for the fixed-layout pose payload (LSB-first within bytes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace posemeet {

class BitWriter {
public:
    explicit BitWriter(std::vector<std::uint8_t>& out) : out_(out) {}
    void write(std::uint32_t value, int bits) {
        for (int i = 0; i < bits; ++i) {
            if (bit_ == 0) out_.push_back(0);
            if ((value >> i) & 1u) out_.back() |= static_cast<std::uint8_t>(1u << bit_);
            bit_ = (bit_ + 1) & 7;
        }
    }

private:
    std::vector<std::uint8_t>& out_;
    int bit_ = 0;
};

class BitReader {
public:
    BitReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    // Returns false (and leaves value unspecified) when the input runs out.
    bool read(std::uint32_t& value, int bits) {
        value = 0;
        for (int i = 0; i < bits; ++i) {
            const std::size_t byte = pos_ >> 3;
            if (byte >= size_) return false;
            value |= static_cast<std::uint32_t>((data_[byte] >> (pos_ & 7)) & 1u) << i;
            ++pos_;
        }
        return true;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace posemeet
