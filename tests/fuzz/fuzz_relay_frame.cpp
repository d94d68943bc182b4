// Fuzz target: a relay frame as a client sends it to the server (parse_relay_frame), plus
// what the server does with an accepted frame (stamp the sender on the wrapped packet).
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/media_packet.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto parsed = parse_relay_frame(data, size);
    if (!parsed.frame) {
        FUZZ_CHECK(!parsed.error.empty());
        return 0;
    }
    const RelayFrameView& f = *parsed.frame;
    FUZZ_CHECK(parsed.error.empty());
    FUZZ_CHECK(size >= 2 && data[0] == 1);
    FUZZ_CHECK(f.targets.size() == data[1]);
    FUZZ_CHECK(f.targets.size() <= kMaxRelayTargets);
    const std::size_t header = 2 + 2 * f.targets.size();
    FUZZ_CHECK(f.packet == data + header);
    FUZZ_CHECK(f.packet_size == size - header);

    auto inner = parse_media_packet(f.packet, f.packet_size);
    FUZZ_CHECK(inner.packet.has_value());

    // Encoding the parsed targets and packet reproduces the frame.
    const std::vector<std::uint8_t> packet(f.packet, f.packet + f.packet_size);
    const auto again = encode_relay_frame(f.targets, packet);
    FUZZ_CHECK(again.size() == size && std::memcmp(again.data(), data, size) == 0);

    // The server forwards the bare packet with the authenticated sender stamped in.
    std::vector<std::uint8_t> forwarded = packet;
    set_media_sender(forwarded.data(), 0xBEEF);
    auto out = parse_media_packet(forwarded.data(), forwarded.size());
    FUZZ_CHECK(out.packet.has_value());
    FUZZ_CHECK(out.packet->header.sender == 0xBEEF);
    FUZZ_CHECK(out.packet->header.sequence == inner.packet->header.sequence);
    FUZZ_CHECK(out.packet->header.timestamp_ms == inner.packet->header.timestamp_ms);
    FUZZ_CHECK(out.packet->payload_size == inner.packet->payload_size);
    return 0;
}
