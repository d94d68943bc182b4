// ControlService, part 5: invitations (POST /api/v1/rooms/{room}/invitations). The operator
// invites identities to the meeting running in a room; each becomes `joined` when a token
// with that identity joins, `declined` through its link's page, or `missed` when it times
// out. Every change is told to the room's members (vcOnInvitation) the way the room's own
// informs are routed; the list also rides in join and resync responses.
#include <algorithm>
#include <set>

#include "core/control_service.hpp"

namespace posemeet {

using protocol::field_or;

namespace {

constexpr const char* kStatusNames[] = {"invited", "joined", "declined", "missed"};

}  // namespace

const char* invitation_status_name(InvitationStatus status) {
    return kStatusNames[static_cast<int>(status)];
}

Json Invitation::to_json() const {
    return Json{{"identity", identity},          {"name", name},
                {"status", invitation_status_name(status)}, {"invited_at", invited_at_ms},
                {"expires_at", expires_at_ms},   {"changed_at", changed_at_ms}};
}

std::optional<Invitation> Invitation::from_json(const Json& j) {
    Invitation inv;
    inv.identity = field_or(j, "identity", "");
    inv.name = field_or(j, "name", "");
    const std::string status = field_or(j, "status", "");
    const auto* found = std::find(std::begin(kStatusNames), std::end(kStatusNames), status);
    if (inv.identity.empty() || found == std::end(kStatusNames)) return std::nullopt;
    inv.status = static_cast<InvitationStatus>(found - std::begin(kStatusNames));
    inv.invited_at_ms = field_or(j, "invited_at", std::int64_t{0});
    inv.expires_at_ms = field_or(j, "expires_at", inv.invited_at_ms);
    inv.changed_at_ms = field_or(j, "changed_at", inv.invited_at_ms);
    return inv;
}

ControlService::MeetingInvitations* ControlService::meeting_invitations(const std::string& room_id) {
    auto it = invitations_.find(room_id);
    if (it == invitations_.end() || !running_room(room_id)) return nullptr;
    auto serial = meeting_serials_.find(room_id);
    if (serial == meeting_serials_.end() || serial->second != it->second.meeting_serial) return nullptr;
    return &it->second;
}

std::vector<Invitation> ControlService::invitations(const std::string& room_id) const {
    // const_cast-free lookup: the same checks as meeting_invitations().
    auto it = invitations_.find(room_id);
    auto serial = meeting_serials_.find(room_id);
    if (it == invitations_.end() || !live_room(room_id) || serial == meeting_serials_.end() ||
        serial->second != it->second.meeting_serial)
        return {};
    return it->second.list;
}

Json ControlService::invitations_json(const std::string& room_id) const {
    Json list = Json::array();
    for (const Invitation& inv : invitations(room_id)) list.push_back(inv.to_json());
    return list;
}

Notification ControlService::invitation_notice(const Room& room, const Invitation& invitation) const {
    return {room.member_ids(), Event::OnInvitation,
            Json{{"room_id", room.record().room_id}, {"invitation", invitation.to_json()}}};
}

ControlResult ControlService::invite(const std::string& room_id, const std::vector<Invitee>& invitees,
                                     std::int64_t timeout_ms, std::int64_t now_ms) {
    const Room* room = live_room(room_id);
    if (!room) return operator_reply(Outcome::error(ErrorCode::NotFound, "no meeting is running in this room"), now_ms);
    if (invitees.empty() || invitees.size() > kMaxInviteesPerCall)
        return operator_reply(Outcome::error(ErrorCode::BadInput, "invitees must list 1-" +
                                                                      std::to_string(kMaxInviteesPerCall) + " identities"),
                              now_ms);
    if (timeout_ms <= 0 || timeout_ms > kMaxInvitationTimeoutMs)
        return operator_reply(Outcome::error(ErrorCode::BadInput, "timeout must be from 1 s to 24 h"), now_ms);
    std::set<std::string> seen;
    for (const Invitee& i : invitees) {
        if (i.identity.empty() || i.identity.size() > kMaxIdentityBytes || !protocol::is_valid_utf8(i.identity) ||
            i.name.size() > kMaxUserNameBytes || !protocol::is_valid_utf8(i.name))
            return operator_reply(Outcome::error(ErrorCode::BadInput,
                                                 "each invitee needs an identity of 1-64 bytes and a name of at most "
                                                 "128 bytes (UTF-8)"),
                                  now_ms);
        if (!seen.insert(i.identity).second)
            return operator_reply(Outcome::error(ErrorCode::BadInput, "identity " + i.identity + " is listed twice"),
                                  now_ms);
    }
    MeetingInvitations* meeting = meeting_invitations(room_id);
    if (!meeting) {
        meeting = &(invitations_[room_id] = MeetingInvitations{meeting_serials_[room_id], {}});
    }
    std::size_t added = 0;
    for (const Invitee& i : invitees)
        if (std::none_of(meeting->list.begin(), meeting->list.end(),
                         [&](const Invitation& inv) { return inv.identity == i.identity; }))
            ++added;
    if (meeting->list.size() + added > kMaxInvitationsPerMeeting)
        return operator_reply(Outcome::error(ErrorCode::BadInput, "a meeting keeps at most " +
                                                                      std::to_string(kMaxInvitationsPerMeeting) +
                                                                      " invitations"),
                              now_ms);

    Outcome o;
    Json made = Json::array();
    for (const Invitee& i : invitees) {
        auto it = std::find_if(meeting->list.begin(), meeting->list.end(),
                               [&](const Invitation& inv) { return inv.identity == i.identity; });
        if (it == meeting->list.end()) it = meeting->list.insert(meeting->list.end(), Invitation{});
        *it = Invitation{i.identity, i.name, InvitationStatus::Invited, now_ms, now_ms + timeout_ms, now_ms};
        if (room->find(i.identity)) it->status = InvitationStatus::Joined;  // here already
        made.push_back(it->to_json());
        o.notifications.push_back(invitation_notice(*room, *it));
    }
    o.response = Json{{"invitations", std::move(made)}};
    ControlResult result = operator_reply(std::move(o), now_ms);
    result.rooms_changed.push_back(room_id);
    return result;
}

ControlResult ControlService::decline_invitation(const std::string& room_id, const std::string& identity,
                                                 std::int64_t now_ms) {
    MeetingInvitations* meeting = meeting_invitations(room_id);
    auto it = meeting ? std::find_if(meeting->list.begin(), meeting->list.end(),
                                     [&](const Invitation& inv) { return inv.identity == identity; })
                      : std::vector<Invitation>::iterator{};
    if (!meeting || it == meeting->list.end())
        return operator_reply(Outcome::error(ErrorCode::NotFound, "no such invitation"), now_ms);
    Outcome o;
    if (it->status == InvitationStatus::Invited) {
        it->status = InvitationStatus::Declined;
        it->changed_at_ms = now_ms;
        o.notifications.push_back(invitation_notice(*live_room(room_id), *it));
    } else if (it->status != InvitationStatus::Declined) {  // declining twice is no error
        // 410 in the room's vocabulary; the HTTP API answers it as 409 Conflict.
        o = Outcome::error(ErrorCode::NotPermitted, std::string("the invitation is ") + invitation_status_name(it->status) +
                                                    " already");
    }
    o.response = Json{{"invitation", it->to_json()}};
    ControlResult result = operator_reply(std::move(o), now_ms);
    result.rooms_changed.push_back(room_id);
    return result;
}

void ControlService::invitee_joined(const std::string& room_id, const std::string& identity, std::int64_t now_ms,
                                    std::vector<Notification>& out) {
    MeetingInvitations* meeting = meeting_invitations(room_id);
    if (!meeting) return;
    for (Invitation& inv : meeting->list) {
        if (inv.identity != identity || inv.status != InvitationStatus::Invited) continue;
        inv.status = InvitationStatus::Joined;
        inv.changed_at_ms = now_ms;
        out.push_back(invitation_notice(*live_room(room_id), inv));
    }
}

void ControlService::expire_invitations(std::int64_t now_ms, ControlResult& result) {
    for (auto it = invitations_.begin(); it != invitations_.end();) {
        const std::string room_id = it->first;
        if (!meeting_invitations(room_id)) {  // the meeting is over (or a new one opened)
            it = invitations_.erase(it);
            continue;
        }
        std::vector<Notification> notices;
        for (Invitation& inv : it->second.list) {
            if (inv.status != InvitationStatus::Invited || now_ms < inv.expires_at_ms) continue;
            inv.status = InvitationStatus::Missed;
            inv.changed_at_ms = now_ms;
            notices.push_back(invitation_notice(*live_room(room_id), inv));
        }
        if (!notices.empty()) {
            route(notices, now_ms, result);
            result.rooms_changed.push_back(room_id);
        }
        ++it;
    }
}

}  // namespace posemeet
