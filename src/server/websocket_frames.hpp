// The WebSocket wire format (RFC 6455) on the server's side, with no I/O: the frame headers
// the server writes (always final and unmasked, so one framed packet serves every
// recipient) and WsFrameReader, which turns a client's untrusted bytes into messages and
// control frames. Beast does the HTTP handshake only; everything after it is ours.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace posemeet::server {

enum class WsOpcode : std::uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };

// Close codes the server sends (RFC 6455 section 7.4.1).
namespace ws_close {
constexpr std::uint16_t kNormal = 1000, kGoingAway = 1001, kProtocolError = 1002,
                        kNoStatus = 1005, kInvalidPayload = 1007, kTooBig = 1009,
                        kTryAgainLater = 1013;
}

constexpr std::size_t kWsMaxHeaderBytes = 14;         // client frames: 2 + 8 length + 4 mask
constexpr std::size_t kWsMaxServerHeaderBytes = 10;   // ours are never masked
constexpr std::size_t kWsMaxControlPayload = 125;

// Writes the header of a final, unmasked frame carrying `payload_size` bytes into `out`
// (kWsMaxServerHeaderBytes of room); returns its length: 2, 4 or 10.
std::size_t encode_ws_frame_header(std::uint8_t* out, WsOpcode opcode, std::uint64_t payload_size);
// A whole server frame (header + payload): control frames and tests.
std::string encode_ws_frame(WsOpcode opcode, std::string_view payload);
// A close frame's payload: the code, then the reason cut to fit in a control frame
// (at a character boundary, so that it stays valid UTF-8).
std::string ws_close_payload(std::uint16_t code, std::string_view reason);
// Whether a code may appear in a close frame on the wire.
bool ws_close_code_valid(std::uint16_t code);
bool valid_utf8(const std::uint8_t* data, std::size_t size);

// What WsFrameReader found. Pointers stay valid until the next read().
struct WsReadEvent {
    enum class Kind {
        None,       // everything given was consumed; more bytes are needed
        Text,       // a whole message (UTF-8 checked)
        Binary,     // a whole message
        Oversized,  // a message over max_message_bytes, read and dropped: `message_size`
        TooBig,     // a message over the hard limit: close with 1009 (it is skipped)
        Ping,
        Pong,
        Close,      // the peer's close frame: `close_code` (kNoStatus when it gave none)
        Error,      // a protocol violation: close with `close_code`; nothing more is read
    };
    Kind kind = Kind::None;
    const std::uint8_t* data = nullptr;  // payload: a message, a ping's or the close reason
    std::size_t size = 0;
    bool binary = false;                 // Oversized: which kind of message it was
    std::size_t message_size = 0;        // Oversized: its whole size
    std::uint16_t close_code = 0;
    const char* error = nullptr;         // Error: what was wrong, for the log
    std::string_view text() const { return {reinterpret_cast<const char*>(data), size}; }
};

// Client frames in, one event at a time. Checks everything RFC 6455 asks of a client's
// frames (masking, reserved bits and opcodes, minimal lengths, fragmentation, control frame
// rules, close codes, UTF-8) and enforces the size limits while reading, so a message over
// a limit is never buffered. After Close or Error it consumes and ignores everything.
class WsFrameReader {
public:
    WsFrameReader(std::size_t max_message_bytes, std::size_t hard_limit)
        : max_message_bytes_(max_message_bytes), hard_limit_(hard_limit) {}

    // Reads from `data` (unmasked in place) up to and including the next event; returns the
    // bytes consumed. With Kind::None everything was consumed. A one-frame message read in
    // one piece is handed out where it lies (no copy); what is kept of a frame split across
    // reads is copied, so `data` may be reused once the event is handled. Between messages the
    // reader holds no heap memory.
    std::size_t read(std::uint8_t* data, std::size_t size, WsReadEvent& event);
    bool finished() const { return state_ == State::Finished; }
    // Whether it holds heap memory (a message or control payload in progress, or the last
    // one handed out until the next read()).
    bool holds_memory() const {
        const std::size_t small = std::string().capacity();  // kept inside the string
        return message_.capacity() > small || control_.capacity() > small;
    }

private:
    enum class State { Header, Payload, Finished };
    bool start_frame(WsReadEvent& event);  // a whole header is in header_: false on an event
    bool end_frame(const std::uint8_t* whole, WsReadEvent& event);
    void fail(WsReadEvent& event, std::uint16_t code, const char* why);

    std::size_t max_message_bytes_, hard_limit_;
    State state_ = State::Header;
    std::uint8_t header_[kWsMaxHeaderBytes] = {};
    std::size_t header_have_ = 0;
    // The frame being read.
    WsOpcode opcode_ = WsOpcode::Continuation;
    bool fin_ = false;
    std::uint8_t mask_[4] = {};
    std::uint64_t frame_size_ = 0, frame_left_ = 0;
    // The message being read (data frames).
    bool in_message_ = false, message_binary_ = false;
    bool discarding_ = false, too_big_ = false;
    std::uint64_t message_size_ = 0;
    std::string message_;  // fragments so far (a message not handed out in place)
    std::string control_;  // the control frame's payload so far
};

}  // namespace posemeet::server
