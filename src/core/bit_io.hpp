// Little bit-packing helpers for the pose stream payloads (LSB-first within bytes): fixed-width
// fields, and order-k Exp-Golomb codes for the small residuals of delta frames.
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
    // Order-k Exp-Golomb: w = value + 2^k has n+1 significant bits; written as (n-k) zero
    // bits, a one, then the low n bits of w. Small values cost k+1 bits, and the length
    // grows with the logarithm of the value, so one k fits a whole group of residuals.
    void write_exp_golomb(std::uint32_t value, int k) {
        const std::uint64_t w = std::uint64_t{value} + (std::uint64_t{1} << k);
        const int n = exp_golomb_top_bit(w);
        write(0, n - k);
        write(1, 1);
        write(static_cast<std::uint32_t>(w - (std::uint64_t{1} << n)), n);
    }
    // Bits write_exp_golomb(value, k) takes, so an encoder can pick k before writing.
    static int exp_golomb_bits(std::uint32_t value, int k) {
        const int n = exp_golomb_top_bit(std::uint64_t{value} + (std::uint64_t{1} << k));
        return 2 * (n - k) + 1 + k;
    }

private:
    static int exp_golomb_top_bit(std::uint64_t w) {
        int n = 0;
        while (w >> (n + 1)) ++n;
        return n;
    }

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
    // Reads what write_exp_golomb wrote. False when the input runs out or the zero prefix is
    // longer than `max_prefix` (no legitimate value needs it: garbage, not a huge number).
    bool read_exp_golomb(std::uint32_t& value, int k, int max_prefix) {
        int zeros = 0;
        for (;;) {
            std::uint32_t bit = 0;
            if (!read(bit, 1)) return false;
            if (bit) break;
            if (++zeros > max_prefix) return false;
        }
        const int n = zeros + k;
        if (n > 31) return false;
        std::uint32_t low = 0;
        if (!read(low, n)) return false;
        value = static_cast<std::uint32_t>((std::uint64_t{1} << n) + low - (std::uint64_t{1} << k));
        return true;
    }
    // Bits consumed so far; a decoder compares it with the payload size to refuse trailing bytes.
    std::size_t bits_read() const { return pos_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

}  // namespace posemeet
