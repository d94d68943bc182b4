// An invitation to a running meeting (POST /api/v1/rooms/{room}/invitations): an identity
// the operator asked in, and where it stands. The ControlService keeps them per meeting
// (core/invitations.cpp); members see each change as vcOnInvitation and the whole list in
// their join and resync responses (`invitations`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/protocol.hpp"

namespace posemeet {

// invited -> joined (its identity joined the meeting), declined (through its link's page)
// or missed (not joined before expires_at). Only `invited` changes.
enum class InvitationStatus : int { Invited = 0, Joined = 1, Declined = 2, Missed = 3 };
const char* invitation_status_name(InvitationStatus status);  // "invited", "joined", ...

struct Invitation {
    std::string identity;  // the invitee's user id once it joins (its token's `sub`)
    std::string name;
    InvitationStatus status = InvitationStatus::Invited;
    std::int64_t invited_at_ms = 0;
    std::int64_t expires_at_ms = 0;  // when `invited` becomes `missed`
    std::int64_t changed_at_ms = 0;  // the last status change

    // {identity, name, status, invited_at, expires_at, changed_at} (times in ms)
    protocol::Json to_json() const;
    // Lenient about times; nullopt without an identity or with an unknown status.
    static std::optional<Invitation> from_json(const protocol::Json& j);
};

constexpr std::size_t kMaxInviteesPerCall = 100;
constexpr std::size_t kMaxInvitationsPerMeeting = 1000;  // bounds what one meeting keeps
constexpr std::int64_t kDefaultInvitationTimeoutMs = 60'000;
constexpr std::int64_t kMaxInvitationTimeoutMs = 24LL * 3600 * 1000;

// Who to invite: an identity (1-64 bytes) and the name it shows (may be empty).
struct Invitee {
    std::string identity;
    std::string name;
};

}  // namespace posemeet
