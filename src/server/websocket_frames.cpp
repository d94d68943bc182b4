// See websocket_frames.hpp.
#include "server/websocket_frames.hpp"

#include <algorithm>

namespace posemeet::server {
namespace {

bool is_control(WsOpcode op) { return (static_cast<std::uint8_t>(op) & 8) != 0; }

bool known_opcode(std::uint8_t op) {
    return op <= 2 || (op >= 8 && op <= 10);
}

// Bytes of the header of the frame whose first two bytes are b0, b1.
std::size_t header_size(std::uint8_t b1) {
    const std::uint8_t len7 = b1 & 0x7f;
    return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b1 & 0x80) ? 4 : 0);
}

// Frees a string's heap storage (kept otherwise, at the size of the largest it held).
void release(std::string& s) {
    if (s.capacity() > std::string().capacity()) std::string().swap(s);
}

void unmask(std::uint8_t* p, std::size_t n, const std::uint8_t mask[4], std::uint64_t offset) {
    for (std::size_t i = 0; i < n; ++i) p[i] ^= mask[(offset + i) & 3];
}

}  // namespace

std::size_t encode_ws_frame_header(std::uint8_t* out, WsOpcode opcode, std::uint64_t n) {
    out[0] = static_cast<std::uint8_t>(0x80 | static_cast<std::uint8_t>(opcode));
    if (n < 126) {
        out[1] = static_cast<std::uint8_t>(n);
        return 2;
    }
    if (n <= 0xFFFF) {
        out[1] = 126;
        out[2] = static_cast<std::uint8_t>(n >> 8);
        out[3] = static_cast<std::uint8_t>(n);
        return 4;
    }
    out[1] = 127;
    for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(n >> (8 * (7 - i)));
    return 10;
}

std::string encode_ws_frame(WsOpcode opcode, std::string_view payload) {
    std::uint8_t header[kWsMaxServerHeaderBytes];
    const std::size_t h = encode_ws_frame_header(header, opcode, payload.size());
    std::string frame(reinterpret_cast<const char*>(header), h);
    frame.append(payload);
    return frame;
}

std::string ws_close_payload(std::uint16_t code, std::string_view reason) {
    std::size_t keep = std::min<std::size_t>(reason.size(), kWsMaxControlPayload - 2);
    // Never cut a character in two: back off over continuation bytes (10xxxxxx).
    if (keep < reason.size())
        while (keep > 0 && (static_cast<std::uint8_t>(reason[keep]) & 0xC0) == 0x80) --keep;
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xff));
    payload.append(reason.substr(0, keep));
    return payload;
}

bool ws_close_code_valid(std::uint16_t code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

bool valid_utf8(const std::uint8_t* s, std::size_t n) {
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        std::uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) len = 2, cp = c & 0x1F, min = 0x80;
        else if ((c & 0xF0) == 0xE0) len = 3, cp = c & 0x0F, min = 0x800;
        else if ((c & 0xF8) == 0xF0) len = 4, cp = c & 0x07, min = 0x10000;
        else return false;
        if (n - i < len) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}

void WsFrameReader::fail(WsReadEvent& event, std::uint16_t code, const char* why) {
    event.kind = WsReadEvent::Kind::Error;
    event.close_code = code;
    event.error = why;
    state_ = State::Finished;
    message_ = std::string();
    control_ = std::string();
}

std::size_t WsFrameReader::read(std::uint8_t* data, std::size_t size, WsReadEvent& event) {
    event = WsReadEvent{};
    // What the previous event pointed at may go now: an idle connection keeps no message
    // or control payload it was handed out of.
    if (state_ == State::Header) {
        if (!in_message_) release(message_);
        release(control_);
    }
    std::size_t pos = 0;
    while (pos < size) {
        if (state_ == State::Finished) return size;
        if (state_ == State::Header) {
            const std::size_t need = header_have_ < 2 ? 2 : header_size(header_[1]);
            const std::size_t take = std::min(need - header_have_, size - pos);
            std::copy(data + pos, data + pos + take, header_ + header_have_);
            header_have_ += take;
            pos += take;
            if (header_have_ < need) continue;
            if (need == 2 && header_size(header_[1]) > 2) continue;  // the rest of the header
            if (!start_frame(event)) return pos;
            continue;
        }
        // Payload: unmasked where it lies; kept only when it cannot be handed out in place.
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(frame_left_, size - pos));
        std::uint8_t* p = data + pos;
        unmask(p, n, mask_, frame_size_ - frame_left_);
        const bool control = is_control(opcode_);
        const bool in_place = !control && !discarding_ && fin_ && message_.empty() &&
                              frame_left_ == frame_size_ && n == frame_size_;
        frame_left_ -= n;
        pos += n;
        if (control) control_.append(reinterpret_cast<const char*>(p), n);
        else if (!discarding_ && !in_place) message_.append(reinterpret_cast<const char*>(p), n);
        if (frame_left_ == 0 && end_frame(in_place ? p : nullptr, event)) return pos;
    }
    return pos;
}

bool WsFrameReader::start_frame(WsReadEvent& event) {
    const std::uint8_t b0 = header_[0], b1 = header_[1];
    header_have_ = 0;
    if (b0 & 0x70) return fail(event, ws_close::kProtocolError, "reserved bits set"), false;
    if (!known_opcode(b0 & 0x0f)) return fail(event, ws_close::kProtocolError, "unknown opcode"), false;
    if (!(b1 & 0x80)) return fail(event, ws_close::kProtocolError, "unmasked client frame"), false;
    fin_ = (b0 & 0x80) != 0;
    opcode_ = static_cast<WsOpcode>(b0 & 0x0f);
    std::uint64_t len = b1 & 0x7f;
    std::size_t at = 2;
    if (len == 126) {
        len = (std::uint64_t{header_[2]} << 8) | header_[3];
        at = 4;
        if (len < 126) return fail(event, ws_close::kProtocolError, "length not minimally encoded"), false;
    } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; ++i) len = (len << 8) | header_[2 + i];
        at = 10;
        if (len >> 63) return fail(event, ws_close::kProtocolError, "length over 2^63"), false;
        if (len <= 0xFFFF) return fail(event, ws_close::kProtocolError, "length not minimally encoded"), false;
    }
    std::copy(header_ + at, header_ + at + 4, mask_);
    frame_size_ = frame_left_ = len;
    state_ = State::Payload;

    if (is_control(opcode_)) {
        if (!fin_) return fail(event, ws_close::kProtocolError, "fragmented control frame"), false;
        if (len > kWsMaxControlPayload)
            return fail(event, ws_close::kProtocolError, "control frame over 125 bytes"), false;
        control_.clear();
    } else if (opcode_ == WsOpcode::Continuation) {
        if (!in_message_) return fail(event, ws_close::kProtocolError, "continuation without a message"), false;
    } else {
        if (in_message_) return fail(event, ws_close::kProtocolError, "new message inside a fragmented one"), false;
        in_message_ = true;
        message_binary_ = opcode_ == WsOpcode::Binary;
        message_size_ = 0;
        discarding_ = too_big_ = false;
        if (message_.capacity() > 16 * 1024) message_ = std::string();  // after a large message
        message_.clear();
    }
    if (!is_control(opcode_) && !too_big_) {
        message_size_ += len;  // both below 2^63: no overflow
        if (message_size_ > hard_limit_) {
            too_big_ = discarding_ = true;
            message_ = std::string();
            event.kind = WsReadEvent::Kind::TooBig;
            event.binary = message_binary_;
            event.message_size = static_cast<std::size_t>(std::min<std::uint64_t>(message_size_, SIZE_MAX));
            return false;  // the payload is skipped as it comes
        }
        if (message_size_ > max_message_bytes_ && !discarding_) {
            discarding_ = true;
            message_ = std::string();
        }
    }
    if (len == 0) return !end_frame(nullptr, event);
    return true;
}

bool WsFrameReader::end_frame(const std::uint8_t* whole, WsReadEvent& event) {
    state_ = State::Header;
    const auto* control = reinterpret_cast<const std::uint8_t*>(control_.data());
    switch (opcode_) {
        case WsOpcode::Ping:
        case WsOpcode::Pong:
            event.kind = opcode_ == WsOpcode::Ping ? WsReadEvent::Kind::Ping : WsReadEvent::Kind::Pong;
            event.data = control;
            event.size = control_.size();
            return true;
        case WsOpcode::Close: {
            if (control_.size() == 1) return fail(event, ws_close::kProtocolError, "close frame of 1 byte"), true;
            std::uint16_t code = ws_close::kNoStatus;
            if (control_.size() >= 2) {
                code = static_cast<std::uint16_t>((control[0] << 8) | control[1]);
                if (!ws_close_code_valid(code)) return fail(event, ws_close::kProtocolError, "invalid close code"), true;
                if (!valid_utf8(control + 2, control_.size() - 2))
                    return fail(event, ws_close::kInvalidPayload, "close reason is not UTF-8"), true;
            }
            event.kind = WsReadEvent::Kind::Close;
            event.close_code = code;
            event.data = control_.size() >= 2 ? control + 2 : control;
            event.size = control_.size() >= 2 ? control_.size() - 2 : 0;
            state_ = State::Finished;
            return true;
        }
        default: break;
    }
    if (!fin_) return false;
    in_message_ = false;
    if (too_big_) return false;  // reported at its header
    if (discarding_) {
        event.kind = WsReadEvent::Kind::Oversized;
        event.binary = message_binary_;
        event.message_size = static_cast<std::size_t>(message_size_);
        return true;
    }
    event.data = whole ? whole : reinterpret_cast<const std::uint8_t*>(message_.data());
    event.size = whole ? static_cast<std::size_t>(frame_size_) : message_.size();
    if (!message_binary_ && !valid_utf8(event.data, event.size)) {
        event.data = nullptr;
        event.size = 0;
        return fail(event, ws_close::kInvalidPayload, "text message is not UTF-8"), true;
    }
    event.kind = message_binary_ ? WsReadEvent::Kind::Binary : WsReadEvent::Kind::Text;
    return true;
}

}  // namespace posemeet::server
