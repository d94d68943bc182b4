// One meeting room's state machine: members, roles and the notifications each operation
// produces. Pure (no I/O, no clock): the caller passes `now` and delivers the returned
// notifications. The server is the only writer; clients mirror it from notifications.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/lazy_fifo.hpp"
#include "core/protocol.hpp"

namespace posemeet {

using protocol::ErrorCode;
using protocol::Event;
using protocol::Json;

enum class UserRole : int { Visitor = 0, Host = 1 };
enum class RoomStatus : int { NotStarted = 0, InProgress = 1, Ended = 2 };
enum class Device : int { Camera = 0, Mic = 1 };

// What a member's access token allows (LiveKit's video grants, core/access_token.hpp). A
// member that joined without a token (development mode, the original design's front
// ends) has the defaults: it may publish every source and chat, and is no co-host.
struct MemberPermission {
    bool mic = true, camera = true, screen = true;  // the sources it may open
    bool data = true;                                // chat
    bool room_admin = false;  // a co-host: the host's operations, and the host's requests
    bool may_open(Device d) const { return d == Device::Mic ? mic : camera; }
    Json to_json() const;
    static MemberPermission from_json(const Json& j);  // lenient: missing = the default
    bool operator==(const MemberPermission&) const = default;
};

struct UserRecord {
    std::string room_id;
    std::string user_id;
    std::string user_name;
    UserRole user_role = UserRole::Visitor;
    int camera = 0;            // DeviceState: 0 closed, 1 open
    int mic = 0;
    std::int64_t join_time = 0;  // ms
    int share_permission = 0;
    int share_status = 0;
    int share_type = 0;
    int is_silence = 0;
    // PoseMeet additions: the id that tags this user's media packets, and whether the
    // user's media goes through the server relay (native clients have no WebRTC).
    std::uint16_t media_id = 0;
    int media_relay = 0;
    // 1 while the member has a live connection (or is an HTTP member); 0 while a dropped
    // WebSocket member is within its reconnect grace period (it keeps its place and state).
    int online = 1;
    // From the member's access token: what it may do, and the operator's data about it.
    MemberPermission permission;
    std::string metadata;
    Json attributes = Json::object();  // string -> string

    Json to_json() const;
    // Lenient reader for records received from a server: wrong or missing fields get defaults.
    static UserRecord from_json(const Json& j);
};

struct RoomRecord {
    std::string room_id;
    std::string room_name;
    std::int64_t create_time = 0, start_time = 0, end_time = 0;
    RoomStatus status = RoomStatus::NotStarted;

    Json to_json() const;
    static RoomRecord from_json(const Json& j);
};

struct RoomLimits {
    int max_participants = 16;
    // A peer-to-peer mesh holds kMaxPeerToPeerRoom. Off: a join beyond it is refused while
    // anyone is peer to peer. On (the server's --large-rooms): the room switches to server
    // relay for everyone instead (each member's media_relay becomes 1, vcOnUserUpdate
    // tells the room) and grows to max_participants.
    bool relay_beyond_mesh = false;
};

// A notification for some members of the room (recipients are user ids).
struct Notification {
    std::vector<std::string> recipients;
    Event event = Event::Unknown;
    Json data;
};

struct Outcome {
    ErrorCode code = ErrorCode::Ok;
    std::string message;  // empty = the code's default message
    Json response = Json::object();
    std::vector<Notification> notifications;

    static Outcome error(ErrorCode c, std::string m = {}) {
        Outcome o;
        o.code = c;
        o.message = std::move(m);
        return o;
    }
};

// The room service's operator (an API call with a roomAdmin grant, not a member): it may do
// whatever the host may. A member's user id is never empty, so the empty id names it.
inline const std::string kOperatorActor{};

// What the operator changes about a member (the room service's UpdateParticipant): each
// field given replaces the member's; an attribute whose value is "" is deleted. A
// permission replaces the member's sources and chat (room_admin stays as it was).
struct MemberUpdate {
    std::optional<std::string> user_name;
    std::optional<std::string> metadata;
    Json attributes = Json::object();  // string -> string
    std::optional<MemberPermission> permission;
};

// What a joining user asks for (validated content of vcJoinRoom).
struct JoinRequest {
    std::string user_name;
    int camera = 0, mic = 0, is_silence = 0, media_relay = 0;
    // Set by the service from the access token, never read from the request's content.
    MemberPermission permission;
    std::string metadata;
    Json attributes = Json::object();
};
constexpr std::size_t kMaxUserNameBytes = 128;
// Returns nullopt and sets `error` when the content is malformed.
std::optional<JoinRequest> parse_join_request(const Json& content, std::string& error);

// The one rule for opening your own mic, used by the room (which enforces it) and by the
// client's mirror (which labels the button): anyone may, except a visitor while the host has
// muted everyone without self-unmute, unless the host permitted it or asked them to unmute.
bool may_open_own_mic(bool is_host, int mic_all_status, int self_unmute_permission, bool mic_granted,
                      bool asked_mic_on);

// One chat message. Room messages (to_user_id empty) are kept for late joiners.
struct ChatMessage {
    std::uint64_t message_id = 0;
    std::string user_id, user_name, to_user_id, message;
    std::int64_t timestamp = 0;
    Json to_json() const;
    // Lenient reader (wrong or missing fields get defaults), for mirrors and stored state.
    static ChatMessage from_json(const Json& j);
};
constexpr std::size_t kChatHistory = 200;
constexpr std::size_t kMaxChatMessageBytes = 2000;

class Room {
public:
    Room(std::string room_id, std::string room_name, std::int64_t now_ms, RoomLimits limits);

    Outcome join(const std::string& user_id, const JoinRequest& request, std::int64_t now_ms);
    Outcome leave(const std::string& user_id, std::int64_t now_ms);
    // The member's connection dropped (online false) or came back (true): it stays a member
    // either way, with its role and state; the others get vcOnUserConnection on a change.
    Outcome set_online(const std::string& user_id, bool online);

    const RoomRecord& record() const { return record_; }
    const UserRecord* find(const std::string& user_id) const;
    const UserRecord* find_by_media_id(std::uint16_t media_id) const;
    // Members in join order (join_time, then arrival) - the order every user list uses.
    const std::vector<UserRecord>& members() const { return members_; }
    Json user_list_json() const;
    std::vector<std::string> member_ids(const std::string& except = {}) const;
    bool empty() const { return members_.empty(); }

    // [SECTION] meeting controls (room_controls.cpp). `actor` is the requesting member;
    // every rule (who may do what, and when) is checked here, nowhere else.
    Outcome operate_self_device(const std::string& actor, Device device, int operate);
    Outcome apply_self_mic(const std::string& actor, int operate);
    Outcome permit_self_mic(const std::string& actor, const std::string& applicant, int permit);
    Outcome operate_other_device(const std::string& actor, const std::string& target, Device device, int operate);
    Outcome reply_operate_request(const std::string& actor, Device device, int accept);
    Outcome operate_all_mic(const std::string& actor, int operate, int self_unmute_permission);
    Outcome start_share(const std::string& actor, int share_type);
    Outcome finish_share(const std::string& actor);
    Outcome apply_share_permission(const std::string& actor);
    Outcome permit_share(const std::string& actor, const std::string& applicant, int permit);
    Outcome operate_other_share_permission(const std::string& actor, const std::string& target, int operate);
    Outcome transfer_host(const std::string& actor, const std::string& target);
    Outcome finish(const std::string& actor, std::int64_t now_ms);
    Outcome send_message(const std::string& actor, const std::string& text, const std::string& to_user_id,
                         std::int64_t now_ms);
    // [SECTION] the operator's changes to a member (room_operator.cpp): applied at once; a
    // source it may no longer open closes, and every member gets vcOnUserUpdate.
    Outcome update_member(const std::string& target, const MemberUpdate& update);
    // The room's control state as `user` may see it (pending requests only for the host
    // and for the user concerned), plus recent chat: part of join and resync responses.
    Json controls_json(const std::string& user) const;
    Json chat_history_json() const;
    const std::string& host_id() const;
    bool ended() const { return record_.status == RoomStatus::Ended; }

    // [SECTION] persistence (room_persistence.cpp): the whole state, members' private flags
    // and chat history included, so that a server restart loses nothing. from_state_json
    // refuses (nullptr, `error` set) a state that breaks the room's rules.
    Json to_state_json() const;
    static std::unique_ptr<Room> from_state_json(const Json& j, RoomLimits limits, std::string& error);

    // Who receives a media packet that `sender` hands to the relay. With explicit targets,
    // those members; otherwise every member the sender cannot reach peer to peer (either
    // side uses the relay). Pointers into the room's member list, valid until it changes: a
    // delivery costs no copy of the member's id (it was a third of the relay's allocations).
    std::vector<const UserRecord*> relay_recipients(const std::string& sender,
                                                    const std::vector<std::uint16_t>& targets) const;

private:
    // What the room remembers about a member beyond the public user record.
    struct MemberState {
        bool mic_granted = false;       // host permitted unmuting while self-unmute is off
        bool mic_applying = false;      // vcOperateSelfMicApply pending with the host
        bool share_applying = false;    // vcSharePermissionApply pending with the host
        bool asked_mic_on = false;      // the host asked this member to open the mic
        bool asked_camera_on = false;   // ... or the camera
    };
    UserRecord* find_mutable(const std::string& user_id);
    // The host, a co-host (room_admin) or the operator (kOperatorActor): may run the meeting.
    bool is_host(const std::string& user_id) const;
    // Who answers members' requests (to speak, to share): the host and the co-hosts.
    std::vector<std::string> moderators(const std::string& except) const;
    void stop_share(std::vector<Notification>& out);
    Outcome set_device(UserRecord& user, Device device, int operate, bool self);
    // A join beyond the mesh size with relay_beyond_mesh: every member goes through the relay.
    void relay_everyone(std::vector<Notification>& out);

    RoomRecord record_;
    RoomLimits limits_;
    std::vector<UserRecord> members_;
    std::map<std::string, MemberState> member_state_;
    std::uint16_t next_media_id_ = 1;
    int mic_all_status_ = 1;               // 0 all muted, 1 mic allowed
    int self_unmute_permission_ = 1;       // while all muted: may visitors unmute themselves
    std::string sharer_;                   // user sharing now, empty for none
    LazyFifo<ChatMessage> history_;        // room messages, newest last (none: no allocation)
    std::uint64_t next_message_id_ = 1;
};

}  // namespace posemeet
