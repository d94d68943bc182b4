// See websocket_write_batch.hpp.
#include "server/websocket_write_batch.hpp"

namespace posemeet::server {

void WsWriteBatch::clear() {
    // A burst of large batches must not pin its memory to an idle connection.
    if (own_.capacity() > 64 * 1024) own_ = std::string();
    own_.clear();
    pieces_.clear();
    spans_.clear();
    bytes_ = frames_ = 0;
}

void WsWriteBatch::append_own(const char* data, std::size_t size) {
    if (!pieces_.empty() && !pieces_.back().data && pieces_.back().offset + pieces_.back().size == own_.size())
        pieces_.back().size += size;
    else
        pieces_.push_back(Piece{nullptr, own_.size(), size});
    own_.append(data, size);
    bytes_ += size;
}

void WsWriteBatch::add_message(WsOpcode opcode, const std::string& payload) {
    std::uint8_t header[kWsMaxServerHeaderBytes];
    const std::size_t h = encode_ws_frame_header(header, opcode, payload.size());
    append_own(reinterpret_cast<const char*>(header), h);
    if (payload.size() < kCopyBelow) {
        append_own(payload.data(), payload.size());
    } else {
        pieces_.push_back(Piece{payload.data(), 0, payload.size()});
        bytes_ += payload.size();
    }
    ++frames_;
}

void WsWriteBatch::add_frame(std::string_view frame) {
    append_own(frame.data(), frame.size());
    ++frames_;
}

const std::vector<WsWriteBatch::Span>& WsWriteBatch::spans() {
    // Pointers into own_ are taken only now: appending may have moved it.
    spans_.clear();
    for (const Piece& p : pieces_) spans_.push_back(Span{p.data ? p.data : own_.data() + p.offset, p.size});
    return spans_;
}

}  // namespace posemeet::server
