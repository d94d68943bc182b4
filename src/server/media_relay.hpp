// The server side of the media relay: checks a binary relay frame from a member
// ([1, N, N x u16 target media ids, packet]), works out who may get it (the room's rules,
// in the ControlService), stamps the authenticated sender into the packet and hands the
// same bytes to every recipient's socket. In a room beyond the mesh size (with `selective`)
// audio passes only from the loudest few speakers (core/loudest_speakers.hpp); the pose
// rate per receiver is the hub's (core/forwarding_policy.hpp). Counts what it forwarded and
// what it dropped. No Boost: unit-tested with a ControlService.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/control_service.hpp"
#include "core/loudest_speakers.hpp"
#include "core/media_packet.hpp"

namespace posemeet::server {

class MediaRelay {
public:
    // `selective`: forward rooms beyond the mesh size selectively (the server's --large-rooms).
    explicit MediaRelay(const ControlService& service, bool selective = false)
        : service_(service), selective_(selective) {}

    // Hands the packet (of `kind`) to `user`'s socket; false when it has none (offline,
    // HTTP member).
    using SendFn = std::function<bool(const std::string& user,
                                      const std::shared_ptr<const std::string>& packet,
                                      MediaKind kind)>;
    // Why a frame was refused: the error the sender gets.
    struct Refusal {
        protocol::ErrorCode code;
        std::string message;
    };
    // One frame from connection state `sender`. `holds_member` = that connection still holds
    // its member (false for one superseded by a resume elsewhere: its frames are dropped
    // without a word).
    std::optional<Refusal> relay(const ConnectionState& sender, bool holds_member,
                                 const std::uint8_t* data, std::size_t size, std::int64_t mono_ms,
                                 const SendFn& send);
    // Now and then: forgets the speakers of rooms that are gone and of long-silent senders.
    void tick(std::int64_t mono_ms);
    // The speakers heard in a large room now (media ids), for tests and statistics.
    std::vector<std::uint16_t> selected_speakers(const std::string& room_id) const;

    std::uint64_t relayed_packets() const { return relayed_; }
    std::uint64_t audio_dropped_muted() const { return audio_dropped_muted_; }
    // Audio packets of large rooms not forwarded: the sender is not among the loudest
    // (or its payload had no readable level).
    std::uint64_t audio_not_selected() const { return audio_not_selected_; }
    // Packets and bytes forwarded (once per recipient) of one kind, since start.
    struct KindCounts {
        std::uint64_t packets = 0, bytes = 0;
    };
    KindCounts relayed(MediaKind kind) const {
        const auto i = static_cast<std::size_t>(kind);
        return i < by_kind_.size() ? by_kind_[i] : KindCounts{};
    }

private:
    // False: an audio packet of a large room that is not forwarded.
    bool audio_selected(const std::string& room_id, std::uint16_t sender, const MediaPacketView& packet,
                        std::int64_t mono_ms);

    const ControlService& service_;
    bool selective_ = false;
    std::map<std::string, LoudestSpeakers> speakers_;  // by room id, large rooms only
    std::uint64_t audio_not_selected_ = 0;
    std::array<KindCounts, 4> by_kind_{};    // by MediaKind (1 pose, 2 audio, 3 pose ack)
    std::uint64_t relayed_ = 0;              // packets forwarded (once per recipient)
    std::uint64_t audio_dropped_muted_ = 0;  // audio packets from members the room has muted
};

}  // namespace posemeet::server
