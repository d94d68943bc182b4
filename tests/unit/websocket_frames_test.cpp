// websocket_frames: the server's own WebSocket wire format - frame headers it writes, the
// reader of client frames (masking, fragmentation, control frames, limits, malformed input
// ending in a clean close code, never a crash) and the gather-write batches.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "server/websocket_frames.hpp"
#include "server/websocket_write_batch.hpp"

using namespace posemeet::server;
using Kind = WsReadEvent::Kind;

namespace {

using Bytes = std::vector<std::uint8_t>;

// A client frame: first byte as given (FIN, RSV, opcode), masked unless `masked` is false.
Bytes client_frame(std::uint8_t b0, const std::string& payload, bool masked = true,
                   std::uint64_t declared = UINT64_MAX) {
    const std::uint64_t n = declared == UINT64_MAX ? payload.size() : declared;
    Bytes f{b0};
    const std::uint8_t m = masked ? 0x80 : 0;
    if (n < 126) {
        f.push_back(static_cast<std::uint8_t>(m | n));
    } else if (n <= 0xFFFF) {
        f.push_back(m | 126);
        f.push_back(static_cast<std::uint8_t>(n >> 8));
        f.push_back(static_cast<std::uint8_t>(n));
    } else {
        f.push_back(m | 127);
        for (int i = 7; i >= 0; --i) f.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
    }
    const std::uint8_t mask[4] = {0x12, 0x34, 0x56, 0x78};
    if (masked) f.insert(f.end(), mask, mask + 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        f.push_back(static_cast<std::uint8_t>(payload[i]) ^ (masked ? mask[i & 3] : 0));
    return f;
}

Bytes operator+(Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

struct Seen {
    Kind kind;
    std::string payload;
    std::uint16_t code = 0;
    std::size_t message_size = 0;
};

// Feeds `bytes` in pieces of `chunk` bytes; every event, in order.
std::vector<Seen> read_all(Bytes bytes, std::size_t chunk = SIZE_MAX, std::size_t max_message = 1000,
                           std::size_t hard = 4000) {
    WsFrameReader reader(max_message, hard);
    std::vector<Seen> seen;
    for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t piece = std::min(chunk, bytes.size() - at);
        std::size_t used = 0;
        while (used < piece) {
            WsReadEvent e;
            used += reader.read(bytes.data() + at + used, piece - used, e);
            if (e.kind == Kind::None) break;
            seen.push_back(Seen{e.kind, std::string(e.text()), e.close_code, e.message_size});
        }
        at += piece;
    }
    return seen;
}

}  // namespace

TEST_SUITE("websocket_frames") {

TEST_CASE("server frame headers use the shortest length form, final and unmasked") {
    std::uint8_t h[kWsMaxServerHeaderBytes];
    CHECK(encode_ws_frame_header(h, WsOpcode::Binary, 125) == 2);
    CHECK(h[0] == 0x82);
    CHECK(h[1] == 125);
    CHECK(encode_ws_frame_header(h, WsOpcode::Text, 126) == 4);
    CHECK((h[0] == 0x81 && h[1] == 126 && h[2] == 0 && h[3] == 126));
    CHECK(encode_ws_frame_header(h, WsOpcode::Binary, 65535) == 4);
    CHECK(encode_ws_frame_header(h, WsOpcode::Binary, 65536) == 10);
    CHECK((h[1] == 127 && h[7] == 1 && h[8] == 0 && h[9] == 0));
}

TEST_CASE("messages in one piece, byte by byte, and fragmented with a ping between") {
    const Bytes two = client_frame(0x81, "hello") + client_frame(0x82, std::string(300, 'b'));
    for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, SIZE_MAX}) {
        const auto seen = read_all(two, chunk);
        REQUIRE(seen.size() == 2);
        CHECK((seen[0].kind == Kind::Text && seen[0].payload == "hello"));
        CHECK((seen[1].kind == Kind::Binary && seen[1].payload == std::string(300, 'b')));
    }
    const Bytes fragmented = client_frame(0x01, "hel") + client_frame(0x89, "p!") + client_frame(0x00, "l") +
                             client_frame(0x80, "o");
    for (std::size_t chunk : {std::size_t{1}, SIZE_MAX}) {
        const auto seen = read_all(fragmented, chunk);
        REQUIRE(seen.size() == 2);
        CHECK((seen[0].kind == Kind::Ping && seen[0].payload == "p!"));
        CHECK((seen[1].kind == Kind::Text && seen[1].payload == "hello"));
    }
}

TEST_CASE("a frame split across reads is kept: the caller may reuse its buffer after each read") {
    // The server reads every connection into one shared buffer, overwritten by the next read.
    const Bytes bytes = client_frame(0x81, "hello") + client_frame(0x02, std::string(200, 'x')) +
                        client_frame(0x89, "ping me") + client_frame(0x80, std::string(100, 'y')) +
                        client_frame(0x88, std::string("\x03\xe8" "bye", 5));
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{150}}) {
        WsFrameReader reader(1000, 4000);
        std::vector<Seen> seen;
        Bytes shared(chunk);
        for (std::size_t at = 0; at < bytes.size(); at += chunk) {
            const std::size_t piece = std::min(chunk, bytes.size() - at);
            std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                      bytes.begin() + static_cast<std::ptrdiff_t>(at + piece), shared.begin());
            for (std::size_t used = 0; used < piece;) {
                WsReadEvent e;
                used += reader.read(shared.data() + used, piece - used, e);
                if (e.kind == Kind::None) break;
                seen.push_back(Seen{e.kind, std::string(e.text()), e.close_code, e.message_size});
            }
            std::fill(shared.begin(), shared.end(), std::uint8_t{0xA5});  // another session's read
        }
        REQUIRE(seen.size() == 4);
        CHECK((seen[0].kind == Kind::Text && seen[0].payload == "hello"));
        CHECK((seen[1].kind == Kind::Ping && seen[1].payload == "ping me"));
        CHECK((seen[2].kind == Kind::Binary &&
               seen[2].payload == std::string(200, 'x') + std::string(100, 'y')));
        CHECK((seen[3].kind == Kind::Close && seen[3].code == 1000 && seen[3].payload == "bye"));
    }
}

TEST_CASE("between messages the reader holds no heap memory") {
    WsFrameReader reader(100000, 200000);
    Bytes split = client_frame(0x82, std::string(5000, 'z'));
    WsReadEvent e;
    CHECK(reader.read(split.data(), 3000, e) == 3000);  // a message in progress is kept
    CHECK(e.kind == Kind::None);
    CHECK(reader.holds_memory());
    reader.read(split.data() + 3000, split.size() - 3000, e);
    REQUIRE(e.kind == Kind::Binary);
    CHECK(e.size == 5000);
    Bytes ping = client_frame(0x89, std::string(100, 'p'));
    reader.read(ping.data(), ping.size(), e);  // the next read lets the message go
    CHECK(e.kind == Kind::Ping);
    Bytes small = client_frame(0x81, "hi");
    reader.read(small.data(), small.size(), e);  // ... and this one the ping's payload
    CHECK(e.kind == Kind::Text);
    CHECK(!reader.holds_memory());
}

TEST_CASE("close frames: the code, none, and malformed ones") {
    auto seen = read_all(client_frame(0x88, std::string("\x03\xe9" "bye", 5)) + client_frame(0x81, "ignored"));
    REQUIRE(seen.size() == 1);  // nothing is read after a close
    CHECK((seen[0].kind == Kind::Close && seen[0].code == 1001 && seen[0].payload == "bye"));
    seen = read_all(client_frame(0x88, ""));
    CHECK((seen.size() == 1 && seen[0].kind == Kind::Close && seen[0].code == ws_close::kNoStatus));
    seen = read_all(client_frame(0x88, "x"));
    CHECK((seen.size() == 1 && seen[0].kind == Kind::Error && seen[0].code == ws_close::kProtocolError));
    seen = read_all(client_frame(0x88, std::string("\x03\xed", 2)));  // 1005 may not be sent
    CHECK((seen.size() == 1 && seen[0].kind == Kind::Error && seen[0].code == ws_close::kProtocolError));
    seen = read_all(client_frame(0x88, std::string("\x03\xe8\xff", 3)));
    CHECK((seen.size() == 1 && seen[0].kind == Kind::Error && seen[0].code == ws_close::kInvalidPayload));
}

TEST_CASE("protocol violations end in one Error with the close code, and nothing after") {
    struct Case {
        const char* what;
        Bytes bytes;
        std::uint16_t code;
    };
    const std::vector<Case> cases = {
        {"unmasked", client_frame(0x82, "x", false), ws_close::kProtocolError},
        {"reserved bit", client_frame(0xC2, "x"), ws_close::kProtocolError},
        {"unknown opcode", client_frame(0x83, "x"), ws_close::kProtocolError},
        {"fragmented ping", client_frame(0x09, "x"), ws_close::kProtocolError},
        {"ping over 125", client_frame(0x89, std::string(126, 'p')), ws_close::kProtocolError},
        {"continuation first", client_frame(0x80, "x"), ws_close::kProtocolError},
        {"new message inside one", client_frame(0x01, "a") + client_frame(0x81, "b"), ws_close::kProtocolError},
        {"16-bit length under 126", Bytes{0x82, 0x80 | 126, 0, 5, 1, 2, 3, 4}, ws_close::kProtocolError},
        {"64-bit length with the top bit", Bytes{0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4},
         ws_close::kProtocolError},
        {"text not UTF-8", client_frame(0x81, "\xc0\xaf"), ws_close::kInvalidPayload},
        {"surrogate", client_frame(0x81, "\xed\xa0\x80"), ws_close::kInvalidPayload},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        for (std::size_t chunk : {std::size_t{1}, SIZE_MAX}) {
            const auto seen = read_all(c.bytes + client_frame(0x81, "after"), chunk);
            REQUIRE(seen.size() == 1);
            CHECK(seen[0].kind == Kind::Error);
            CHECK(seen[0].code == c.code);
        }
    }
}

TEST_CASE("size limits: over max_message_bytes skipped and reported, over the hard limit TooBig") {
    // max 1000, hard 4000 (read_all's defaults)
    auto seen = read_all(client_frame(0x82, std::string(1500, 'x')) + client_frame(0x81, "next"), 7);
    REQUIRE(seen.size() == 2);
    CHECK((seen[0].kind == Kind::Oversized && seen[0].message_size == 1500));
    CHECK((seen[1].kind == Kind::Text && seen[1].payload == "next"));
    // Over the limit only by its fragments together.
    seen = read_all(client_frame(0x02, std::string(600, 'x')) + client_frame(0x80, std::string(600, 'y')));
    CHECK((seen.size() == 1 && seen[0].kind == Kind::Oversized && seen[0].message_size == 1200));
    // Known too big from its header: reported at once, its payload skipped, the peer's close read.
    seen = read_all(client_frame(0x82, std::string(5000, 'x')) + client_frame(0x81, "x") +
                    client_frame(0x88, std::string("\x03\xe8", 2)), 100);
    REQUIRE(seen.size() == 3);
    CHECK((seen[0].kind == Kind::TooBig && seen[0].message_size == 5000));
    CHECK(seen[1].kind == Kind::Text);  // the session ignores messages while it closes
    CHECK((seen[2].kind == Kind::Close && seen[2].code == 1000));
    // A header declaring 2^62 bytes is not believed enough to allocate anything.
    seen = read_all(client_frame(0x82, "", true, std::uint64_t{1} << 62));
    CHECK((seen.size() == 1 && seen[0].kind == Kind::TooBig));
}

TEST_CASE("UTF-8 and close payloads") {
    const std::string ok = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
    CHECK(valid_utf8(reinterpret_cast<const std::uint8_t*>(ok.data()), ok.size()));
    const std::string cut = ok.substr(0, ok.size() - 1);
    CHECK_FALSE(valid_utf8(reinterpret_cast<const std::uint8_t*>(cut.data()), cut.size()));
    // A long reason is cut to fit a control frame, never inside a character.
    std::string reason;
    for (int i = 0; i < 100; ++i) reason += "\xc3\xa9";
    const std::string p = ws_close_payload(1013, reason);
    CHECK(p.size() <= kWsMaxControlPayload);
    CHECK(valid_utf8(reinterpret_cast<const std::uint8_t*>(p.data()) + 2, p.size() - 2));
    CHECK((static_cast<std::uint8_t>(p[0]) == 0x03 && static_cast<std::uint8_t>(p[1]) == 0xf5));
}

TEST_CASE("a write batch holds the frames in order; large payloads are referenced, not copied") {
    WsWriteBatch batch;
    const std::string small = "pose", large(WsWriteBatch::kCopyBelow + 10, 'L');
    batch.add_frame(encode_ws_frame(WsOpcode::Pong, "p"));
    batch.add_message(WsOpcode::Binary, small);
    batch.add_message(WsOpcode::Text, large);
    batch.add_message(WsOpcode::Binary, small);
    const auto& spans = batch.spans();
    REQUIRE(spans.size() == 3);  // [pong, small, large's header] [large] [small]
    CHECK(spans[1].data == large.data());
    std::string wire;
    for (const auto& s : spans) wire.append(s.data, s.size);
    CHECK(wire.size() == batch.bytes());
    CHECK(batch.frames() == 4);
    const std::string expected = encode_ws_frame(WsOpcode::Pong, "p") + encode_ws_frame(WsOpcode::Binary, small) +
                                 encode_ws_frame(WsOpcode::Text, large) + encode_ws_frame(WsOpcode::Binary, small);
    CHECK(wire == expected);
    batch.clear();
    CHECK(batch.empty());
    CHECK(batch.spans().empty());
}

}  // TEST_SUITE
