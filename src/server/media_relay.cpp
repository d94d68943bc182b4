// See media_relay.hpp.
#include "server/media_relay.hpp"

#include "core/audio/audio_payload.hpp"
#include "core/forwarding_policy.hpp"
#include "core/media_packet.hpp"

namespace posemeet::server {

std::optional<MediaRelay::Refusal> MediaRelay::relay(const ConnectionState& sender,
                                                     bool holds_member, const std::uint8_t* data,
                                                     std::size_t size, std::int64_t mono_ms,
                                                     const SendFn& send) {
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
    if (kind == MediaKind::Audio && !audio_selected(sender.room_id, sender_media_id, *media.packet, mono_ms)) {
        ++audio_not_selected_;
        return std::nullopt;
    }
    // The server stamps the authenticated sender: a client cannot speak as someone else.
    auto packet = std::make_shared<std::string>(reinterpret_cast<const char*>(parsed.frame->packet),
                                                parsed.frame->packet_size);
    set_media_sender(reinterpret_cast<std::uint8_t*>(packet->data()), sender_media_id);
    const std::shared_ptr<const std::string> shared = std::move(packet);
    auto& counts = by_kind_[static_cast<std::size_t>(kind) < by_kind_.size() ? static_cast<std::size_t>(kind) : 0];
    for (const UserRecord* user : recipients) {
        if (!send(user->user_id, shared, kind)) continue;
        ++relayed_;
        ++counts.packets;
        counts.bytes += shared->size();
    }
    return std::nullopt;
}

bool MediaRelay::audio_selected(const std::string& room_id, std::uint16_t sender, const MediaPacketView& packet,
                                std::int64_t mono_ms) {
    const Room* room = selective_ ? service_.find_room(room_id) : nullptr;
    if (!room || !is_selective_room(room->members().size())) return true;
    const auto audio = audio::parse_audio_payload(packet.payload, packet.payload_size);
    if (!audio.payload) return false;  // no level to rank it by
    return speakers_[room_id].hear(sender, audio.payload->level_dbov, audio.payload->voice_active, mono_ms);
}

void MediaRelay::tick(std::int64_t mono_ms) {
    for (auto it = speakers_.begin(); it != speakers_.end();) {
        const Room* room = service_.live_room(it->first);
        const bool large = room && is_selective_room(room->members().size());
        if (large) it->second.prune(mono_ms);
        // A room back within the mesh forwards everything; if it grows again it starts afresh.
        if (large && !it->second.empty()) ++it;
        else it = speakers_.erase(it);
    }
}

std::vector<std::uint16_t> MediaRelay::selected_speakers(const std::string& room_id) const {
    auto it = speakers_.find(room_id);
    return it == speakers_.end() ? std::vector<std::uint16_t>{} : it->second.selected();
}

}  // namespace posemeet::server
