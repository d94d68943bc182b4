// Fuzz target: a client's bytes after the WebSocket upgrade, as the server reads them
// (WsFrameReader), cut into reads at places the input's first byte picks. Checks that every
// event is well formed, the limits hold, nothing follows a close or an error, and that the
// same bytes read in one piece give the same events.
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz_check.hpp"
#include "server/websocket_frames.hpp"

using namespace posemeet::server;

namespace {
constexpr std::size_t kMax = 300, kHard = 1200;

struct Seen {
    WsReadEvent::Kind kind;
    std::string payload;
    std::uint16_t code;
    std::size_t message_size;
    bool operator==(const Seen& o) const {
        return kind == o.kind && payload == o.payload && code == o.code && message_size == o.message_size;
    }
};

std::vector<Seen> read_in_pieces(std::vector<std::uint8_t> bytes, std::size_t piece) {
    using Kind = WsReadEvent::Kind;
    WsFrameReader reader(kMax, kHard);
    std::vector<Seen> seen;
    bool ended = false;
    for (std::size_t at = 0; at < bytes.size();) {
        const std::size_t n = std::min(piece, bytes.size() - at);
        std::size_t used = 0;
        while (used < n) {
            WsReadEvent e;
            const std::size_t took = reader.read(bytes.data() + at + used, n - used, e);
            FUZZ_CHECK(took <= n - used);
            used += took;
            if (e.kind == Kind::None) {
                FUZZ_CHECK(used == n);
                break;
            }
            FUZZ_CHECK(took > 0);
            FUZZ_CHECK(!ended);  // nothing after a close or an error
            switch (e.kind) {
                case Kind::Text:
                    FUZZ_CHECK(valid_utf8(e.data, e.size));
                    [[fallthrough]];
                case Kind::Binary: FUZZ_CHECK(e.size <= kMax); break;
                case Kind::Oversized: FUZZ_CHECK(e.message_size > kMax && e.message_size <= kHard); break;
                case Kind::TooBig: FUZZ_CHECK(e.message_size > kHard); break;
                case Kind::Ping:
                case Kind::Pong: FUZZ_CHECK(e.size <= kWsMaxControlPayload); break;
                case Kind::Close:
                    FUZZ_CHECK(e.close_code == ws_close::kNoStatus || ws_close_code_valid(e.close_code));
                    ended = true;
                    break;
                case Kind::Error:
                    FUZZ_CHECK(e.error && (e.close_code == ws_close::kProtocolError ||
                                           e.close_code == ws_close::kInvalidPayload));
                    ended = true;
                    break;
                case Kind::None: break;
            }
            FUZZ_CHECK(ended == reader.finished());
            seen.push_back(Seen{e.kind, e.data ? std::string(reinterpret_cast<const char*>(e.data), e.size) : "",
                                e.close_code, e.message_size});
        }
        at += n;
    }
    return seen;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 32;
    const std::vector<std::uint8_t> bytes(data + 1, data + size);
    const auto pieces = read_in_pieces(bytes, piece);
    const auto whole = read_in_pieces(bytes, bytes.size() + 1);
    FUZZ_CHECK(pieces == whole);

    // What the server writes reads back the same (after masking it as a client would).
    if (!whole.empty() && whole.back().kind == WsReadEvent::Kind::Binary) {
        std::string frame = encode_ws_frame(WsOpcode::Binary, whole.back().payload);
        std::vector<std::uint8_t> masked(frame.begin(), frame.end());
        const std::size_t header = masked.size() - whole.back().payload.size();
        masked[1] |= 0x80;
        const std::uint8_t mask[4] = {1, 2, 3, 4};
        masked.insert(masked.begin() + static_cast<long>(header), mask, mask + 4);
        for (std::size_t i = header + 4; i < masked.size(); ++i) masked[i] ^= mask[(i - header - 4) & 3];
        const auto again = read_in_pieces(masked, masked.size());
        FUZZ_CHECK(again.size() == 1 && again[0] == whole.back());
    }
    return 0;
}
