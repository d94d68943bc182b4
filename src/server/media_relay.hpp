// The server side of the media relay: checks a binary relay frame from a member
// ([1, N, N x u16 target media ids, packet]), works out who may get it (the room's rules,
// in the ControlService), stamps the authenticated sender into the packet and hands the
// same bytes to every recipient's socket. Counts what it forwarded and what it dropped.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/control_service.hpp"
#include "core/media_packet.hpp"

namespace posemeet::server {

class MediaRelay {
public:
    explicit MediaRelay(const ControlService& service) : service_(service) {}

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
                                 const std::uint8_t* data, std::size_t size, const SendFn& send);

    std::uint64_t relayed_packets() const { return relayed_; }
    std::uint64_t audio_dropped_muted() const { return audio_dropped_muted_; }
    // Packets and bytes forwarded (once per recipient) of one kind, since start.
    struct KindCounts {
        std::uint64_t packets = 0, bytes = 0;
    };
    KindCounts relayed(MediaKind kind) const {
        const auto i = static_cast<std::size_t>(kind);
        return i < by_kind_.size() ? by_kind_[i] : KindCounts{};
    }

private:
    const ControlService& service_;
    std::array<KindCounts, 4> by_kind_{};    // by MediaKind (1 pose, 2 audio, 3 pose ack)
    std::uint64_t relayed_ = 0;              // packets forwarded (once per recipient)
    std::uint64_t audio_dropped_muted_ = 0;  // audio packets from members the room has muted
};

}  // namespace posemeet::server
