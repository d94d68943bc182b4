// One gather write of many WebSocket frames: what a session sends with a single syscall.
// Small messages are copied behind their headers into one contiguous buffer (a few hundred
// bytes copied is cheaper than an iovec each); large ones are referenced where they lie,
// the one payload shared by every recipient. The referenced payloads must outlive the write.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "server/websocket_frames.hpp"

namespace posemeet::server {

class WsWriteBatch {
public:
    struct Span {
        const char* data;
        std::size_t size;
    };
    // Payloads up to this size are copied into the batch's own buffer.
    static constexpr std::size_t kCopyBelow = 2048;

    void clear();
    bool empty() const { return pieces_.empty(); }
    std::size_t bytes() const { return bytes_; }
    std::size_t frames() const { return frames_; }
    // A message as one final frame.
    void add_message(WsOpcode opcode, const std::string& payload);
    // A frame already framed (pings, pongs, the close frame): copied.
    void add_frame(std::string_view frame);
    // The buffers to write, in order; valid until the next change.
    const std::vector<Span>& spans();

private:
    void append_own(const char* data, std::size_t size);

    // A piece is either a range of own_ (data == nullptr) or bytes elsewhere.
    struct Piece {
        const char* data;
        std::size_t offset, size;
    };
    std::string own_;
    std::vector<Piece> pieces_;
    std::vector<Span> spans_;
    std::size_t bytes_ = 0, frames_ = 0;
};

}  // namespace posemeet::server
