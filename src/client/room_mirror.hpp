// The client's copy of a room: the room record, every member's record (ourselves included),
// the meeting controls and the chat, kept true by applying the server's notifications (the
// server decides; the client only mirrors). The one owner of member records on the client.
// Also turns the events that concern *you* into short notices for the UI ("The host muted you"),
// and keeps the meeting's invitations (who the operator asked in, and where each stands).
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/invitation.hpp"
#include "core/protocol.hpp"
#include "core/room.hpp"

namespace posemeet {

struct RoomControls {
    int mic_all_status = 1;               // 0 all muted, 1 mic allowed
    int operate_self_mic_permission = 1;  // may visitors unmute while all muted
    std::string share_user_id;            // who shares now
    int share_type = 0;
    std::vector<std::string> mic_applications;    // host only: who asked to speak
    std::vector<std::string> share_applications;  // host only: who asked to share
    bool mic_granted = false, mic_applying = false, share_applying = false;
    bool asked_mic_on = false, asked_camera_on = false;  // the host asks me to turn it on
};

struct Notice {
    std::string text;
    double at_ms = 0;
};

// What a notification did to the member list (the session opens or closes media for it).
struct MembershipChange {
    enum class Kind { None, Joined, Left };
    Kind kind = Kind::None;
    UserRecord user;  // the member who joined or left
};

class RoomMirror {
public:
    // From a join or resync response: {room, user, user_list, room_state, messages}.
    void reset(const protocol::Json& response);
    // The connection dropped: we and the others are out until a resume brings a new
    // snapshot; the room record, chat and controls stay on show meanwhile.
    void forget_members();
    // We left: forget_members() and the room record too (chat and controls stay on show).
    void forget_room();
    // A new join: forget everything, chat and controls included.
    void clear();
    // Applies one notification.
    MembershipChange apply(protocol::Event event, const protocol::Json& data, double now_ms);
    void add_notice(std::string text, double now_ms);
    // Local bookkeeping when our own request succeeded (e.g. we applied to speak).
    void on_request_ok(protocol::Event event, const protocol::Json& content);

    // [SECTION] members
    const std::optional<UserRecord>& self() const { return self_; }
    const std::optional<RoomRecord>& room() const { return room_; }
    const UserRecord* find(const std::string& user_id) const;
    // Everyone else in the room, by user id.
    const std::map<std::string, UserRecord>& others() const { return others_; }
    // Participants in join order (self included), as every user list is ordered.
    std::vector<const UserRecord*> participants_in_order() const;
    // We may run the meeting: the host, or a co-host (our access token's roomAdmin).
    bool i_am_host() const { return self_ && (self_->user_role == UserRole::Host || self_->permission.room_admin); }
    // The room would refuse to open our mic now (all muted without self-unmute, and the host
    // has neither permitted nor asked us): the UI offers "Ask to speak" instead of Unmute.
    bool mic_blocked() const;

    // [SECTION] controls, chat and notices
    const RoomControls& controls() const { return controls_; }
    const std::deque<ChatMessage>& chat() const { return chat_; }
    const std::deque<Notice>& notices() const { return notices_; }
    // The meeting's invitations, in the order they were made (vcOnInvitation keeps them true).
    const std::vector<Invitation>& invitations() const { return invitations_; }
    bool ended() const { return ended_; }
    protocol::Json to_json() const;  // controls + chat + invitations
    protocol::Json recent_events_json() const;

private:
    UserRecord* find_mutable(const std::string& user_id);
    static void set_member(std::vector<std::string>& list, const std::string& id, bool present);
    std::string name_of(const std::string& user_id) const;
    // The parts of apply() that change member records and the member list.
    MembershipChange apply_to_members(protocol::Event event, const protocol::Json& data);
    void apply_invitation(const protocol::Json& data);  // vcOnInvitation: a new one or a new status

    std::optional<UserRecord> self_;
    std::optional<RoomRecord> room_;
    std::map<std::string, UserRecord> others_;  // by user id
    RoomControls controls_;
    std::deque<ChatMessage> chat_;
    std::deque<Notice> notices_;
    std::vector<Invitation> invitations_;
    std::deque<protocol::Json> recent_events_;  // last notifications, for the JS API and tests
    bool ended_ = false;
};

}  // namespace posemeet
