// See media_relay.hpp.
#include "server/media_relay.hpp"

#include "core/media_packet.hpp"

namespace posemeet::server {

std::optional<MediaRelay::Refusal> MediaRelay::relay(const ConnectionState& sender,
                                                     bool holds_member, const std::uint8_t* data,
                                                     std::size_t size, const SendFn& send) {
    auto parsed = parse_relay_frame(data, size);
    if (!parsed.frame) return Refusal{protocol::ErrorCode::BadInput, parsed.error};
    if (!sender.joined())
        return Refusal{protocol::ErrorCode::NotInRoom, "join a room before sending media"};
    if (!holds_member) return std::nullopt;
    auto media = parse_media_packet(parsed.frame->packet, parsed.frame->packet_size);
    if (!media.packet) return Refusal{protocol::ErrorCode::BadInput, media.error};
    std::uint16_t sender_media_id = 0;
    const MediaKind kind = media.packet->header.kind;
    const auto recipients =
        service_.relay_recipients(sender, parsed.frame->targets, kind, sender_media_id);
    if (recipients.empty()) {
        if (kind == MediaKind::Audio) ++audio_dropped_muted_;
        return std::nullopt;
    }
    // The server stamps the authenticated sender: a client cannot speak as someone else.
    auto packet = std::make_shared<std::string>(reinterpret_cast<const char*>(parsed.frame->packet),
                                                parsed.frame->packet_size);
    set_media_sender(reinterpret_cast<std::uint8_t*>(packet->data()), sender_media_id);
    const std::shared_ptr<const std::string> shared = std::move(packet);
    auto& counts = by_kind_[static_cast<std::size_t>(kind) < by_kind_.size() ? static_cast<std::size_t>(kind) : 0];
    for (const auto& user : recipients) {
        if (!send(user, shared, kind)) continue;
        ++relayed_;
        ++counts.packets;
        counts.bytes += shared->size();
    }
    return std::nullopt;
}

}  // namespace posemeet::server
