// Dispatches control requests to rooms: the single place where an event_name (looked up in
// protocol.hpp's event table) becomes a room operation, shared by both transports (WebSocket
// and the HTTP form). Member sessions (tokens, resume, HTTP members, polls, expiry) are in
// member_sessions.cpp. Pure: the caller supplies the clock and id generators and delivers
// the returned messages.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/access_token.hpp"
#include "core/event_inbox.hpp"
#include "core/forwarding_policy.hpp"
#include "core/invitation.hpp"
#include "core/media_packet.hpp"
#include "core/protocol.hpp"
#include "core/room.hpp"

namespace posemeet {

// What the service knows about one client connection.
struct ConnectionState {
    std::string room_id;  // empty until joined
    std::string user_id;
    std::uint64_t meeting_serial = 0;  // which meeting in that room (a room id can be reused)
    // Which attachment of the member this connection holds: a member that resumed on
    // another connection leaves this one holding nothing (reset on its next request).
    std::uint64_t attachment = 0;
    // The reader's wish (vcSetMediaReceive): relayed pose from each sender at most this
    // many times a second, 0 = every pose. A client the server says is congested asks for
    // less; it holds for this connection only.
    int max_pose_hz = 0;
    // The members it has on screen (vcSetMediaReceive `visible`): in a large room pose from
    // the others comes at a low rate (core/forwarding_policy.hpp). For this connection only.
    VisibleMembers visible_members;
    bool joined() const { return !user_id.empty(); }
};

// How a member reaches the server: a WebSocket connection (informs pushed on it), or the
// HTTP form (POST /api/v1/rts/message + long-poll of its queued informs).
enum class MemberTransport : int { WebSocket = 0, Http = 1 };

// A change of membership the transport keeps books on (audit rows, user -> connection).
struct MemberChange {
    enum class Kind {
        Joined,   // new member (a new user id)
        Resumed,  // an existing member attached to a new connection (or to HTTP); any
                  // other connection it had holds nothing now and should be closed
        Offline,  // its WebSocket dropped without a clean close; it stays for the grace period
        Left,     // left, expired or removed because the meeting ended
    };
    Kind kind = Kind::Joined;
    std::string room_id;
    std::string user_id;
    MemberTransport transport = MemberTransport::WebSocket;  // Joined/Resumed: how it is attached now
    bool meeting_ended = false;                  // Left: vcFinishRoom ended the meeting
    bool removed = false;  // Left: the operator removed it (its socket closes with kCloseRemoved)
};

struct Delivery {
    std::string user_id;  // recipient
    Json message;         // a complete inform envelope
};

struct ControlResult {
    Json reply;  // the "return" envelope for the requester
    // Informs for members attached to a WebSocket. Informs for members without one (HTTP
    // members, dropped members within grace) are queued in the service instead, and
    // `queued_for` names them (wake their long-polls).
    std::vector<Delivery> deliveries;
    // A member resumed on this connection: the informs queued while it was away, to send
    // right after the reply, in order.
    std::vector<Json> backlog;
    std::vector<MemberChange> changes;
    std::vector<std::string> queued_for;
    // Rooms whose settings (room service: CreateRoom, metadata) changed or were forgotten.
    std::vector<std::string> settings_changed;
    // Rooms whose stored state changed beyond `changes` (invitations), to write again.
    std::vector<std::string> rooms_changed;
};

// A room's settings from the room service (LiveKit's CreateRoom), kept before anyone joins
// and across meetings, until DeleteRoom or its empty timeout.
struct RoomSettings {
    std::int64_t creation_time_ms = 0;
    int empty_timeout_s = 0;      // forgotten this long after it is left empty (0 = never)
    int departure_timeout_s = 0;  // recorded and reported
    int max_participants = 0;     // 0 = the server's; never above the server's
    std::string metadata;
    // By CreateRoom; otherwise only metadata given to a running meeting (forgotten with it).
    bool created = false;
    std::int64_t empty_since_ms = 0;  // when it was last seen without members

    Json to_json() const;
    static RoomSettings from_json(const Json& j);  // lenient: missing = the default
};

struct ServiceConfig {
    RoomLimits room_limits;
    std::size_t max_signal_bytes = 16 * 1024;
    // A member whose WebSocket drops without a clean close stays (offline) this long and
    // may resume with its token; an HTTP member that sends and polls nothing for this long
    // expires. 0 = a drop is a leave (HTTP members then use kMinHttpIdleMs).
    std::int64_t reconnect_grace_ms = 30000;
    std::size_t event_queue_max = kDefaultInboxCapacity;  // queued informs per member
    // An ended meeting keeps its room id closed (joins get 422) this long after its end;
    // then the id is forgotten and the next join opens a new meeting there. Bounds the
    // memory held by ended rooms on a long-running server.
    std::int64_t ended_room_retention_ms = 24LL * 3600 * 1000;
    // Access tokens (join_admission.cpp): with a verifier, a vcJoinRoom's `token` (a JWT) is
    // checked, and its identity, name and grants become the member's. `tokenless_joins`: a
    // join without a token is accepted (development mode, and unit tests); otherwise 451.
    std::shared_ptr<const AccessTokenVerifier> access_tokens;
    bool tokenless_joins = true;
};
constexpr std::int64_t kMinHttpIdleMs = 1000;
constexpr std::size_t kMaxTokenBytes = 128;
constexpr std::size_t kMaxPollEvents = 100;  // events in one long-poll answer

// A long-poll of a member's queued informs (GET /api/v1/rts/events).
struct PollRequest {
    std::string room_id;  // optional: checked when given
    std::string user_id;
    std::string token;
    std::uint64_t after = 0;  // the caller has every event up to this seq
    std::size_t max_events = kMaxPollEvents;
};
struct PollResult {
    ErrorCode code = ErrorCode::Ok;
    std::string message;  // empty = the code's default message
    // {events: [{seq, event, data, timestamp}], next: seq to pass as `after` next time,
    //  dropped: events lost to the queue bound so far}
    Json data = Json::object();
    bool has_events() const;
};

constexpr std::size_t kMaxRoomIdBytes = 64;
constexpr std::size_t kMaxIdentityBytes = 64;  // a token's identity becomes the user id

// What a join's access token grants (join_admission.cpp); the defaults are a join without one.
struct JoinAdmission {
    std::string user_id;    // the token's identity; empty = the service makes an id
    std::string user_name;  // the token's name; empty = the request's (else the identity)
    bool hidden = false;    // is_silence 1
    bool may_open_meeting = true;  // may open a new meeting where one ended (roomCreate)
    MemberPermission permission;
    std::string metadata;
    Json attributes = Json::object();
};

class ControlService {
public:
    using IdGenerator = std::function<std::string()>;
    // `new_token` makes the per-member secrets (32 hex digits); without it a deterministic
    // sequence is used, which is fine for tests and nothing else (the server injects a
    // random generator).
    ControlService(ServiceConfig config, IdGenerator new_user_id, IdGenerator new_token = {});

    // One request from a WebSocket connection. On a connection that holds no member,
    // vcResync {room_id?, user_id, token} (or vcJoinRoom {user_id, token, ...}) resumes
    // that member here.
    ControlResult handle(ConnectionState& conn, const protocol::Request& request, std::int64_t now_ms);
    // The connection closed: the same as vcLeaveRoom, without a reply.
    std::vector<Delivery> disconnect(ConnectionState& conn, std::int64_t now_ms);
    // The connection closed; `clean` = a close frame came (tab closed, client left): the
    // member leaves at once. Otherwise (reset, timeout) it stays offline for the grace period.
    ControlResult close_connection(ConnectionState& conn, bool clean, std::int64_t now_ms);

    // One request of the HTTP form: vcJoinRoom without credentials joins a new HTTP member;
    // every other request carries {room_id?, user_id, token} in its content and runs as
    // that member (451 empty token, 404 unknown/expired member, 452 wrong token).
    ControlResult handle_http(const protocol::Request& request, std::int64_t now_ms);
    // The member's queued informs after `after` (acknowledging those up to it).
    PollResult poll(const PollRequest& request, std::int64_t now_ms);
    // Checks a member's credentials; Ok, or the error (message set) the request gets.
    ErrorCode authenticate(const std::string& room_id, const std::string& user_id, const std::string& token,
                           std::string& message) const;
    // The member is alive (a long-poll is waiting for it): postpones its HTTP expiry.
    void touch(const std::string& user_id, std::int64_t now_ms);
    // Removes members offline (or HTTP-idle) longer than the grace period, as leaves, and
    // forgets ended rooms past ended_room_retention_ms.
    ControlResult expire(std::int64_t now_ms);
    // The member's transport and whether it has a connection (for tests and statistics).
    struct MemberInfo {
        MemberTransport transport = MemberTransport::WebSocket;
        bool attached = false;      // a WebSocket holds it now
        std::size_t queued = 0;     // informs waiting in its queue
        std::uint64_t dropped = 0;  // informs lost to the queue bound
        bool meeting_ended = false; // kept only to answer its polls after vcFinishRoom
    };
    std::optional<MemberInfo> member_info(const std::string& user_id) const;

    // Recipients of a relayed media packet of this kind from this connection (the room's
    // member records, valid until the room changes: Room::relay_recipients); empty if it may
    // not relay: not joined, or audio from a member whose mic the room has off (muted, or
    // silenced by a mute-all). `sender_media_id` receives the id to stamp.
    std::vector<const UserRecord*> relay_recipients(const ConnectionState& conn,
                                                    const std::vector<std::uint16_t>& targets, MediaKind kind,
                                                    std::uint16_t& sender_media_id) const;

    // [SECTION] persistence across a server restart (room_persistence.cpp)
    // The room's whole state and the digests of its members' tokens (never the tokens), for
    // the server's store; nullopt when the room is gone. Queued informs are not kept (a
    // resumed member gets a full snapshot).
    std::optional<Json> export_room(const std::string& room_id) const;
    // Brings back a room a previous process exported. Its WebSocket members are offline as
    // of now_ms: each resumes with its token (vcResync) within the grace period or expires
    // as a leave. `changes` gets a Joined per member for the transport's books. False (and
    // `error`) for a state that is malformed, breaks the room's rules or clashes with a room
    // or member that exists; nothing is changed then.
    bool import_room(const Json& state, std::int64_t now_ms, std::vector<MemberChange>& changes, std::string& error);

    // [SECTION] the room service's operator (room_service_ops.cpp): LiveKit's RoomService
    // calls, after the server checked the caller's grants. The operator is no member; its
    // changes notify members as the host's would. Each result's reply carries the code
    // (404 unknown room or member) and, for the member calls, the member's user record.
    ControlResult create_room(const std::string& room_id, RoomSettings settings, std::int64_t now_ms);
    ControlResult delete_room(const std::string& room_id, std::int64_t now_ms);
    ControlResult update_room_metadata(const std::string& room_id, const std::string& metadata, std::int64_t now_ms);
    ControlResult remove_participant(const std::string& room_id, const std::string& user_id, std::int64_t now_ms);
    // muted: the device closes at once; otherwise the member is asked to open it.
    ControlResult mute_device(const std::string& room_id, const std::string& user_id, Device device, bool muted,
                              std::int64_t now_ms);
    ControlResult update_participant(const std::string& room_id, const std::string& user_id,
                                     const MemberUpdate& update, std::int64_t now_ms);
    // vcOnData {room_id, data, topic, from: "server"} to `to` (empty: every member).
    ControlResult send_data(const std::string& room_id, const std::string& data, const std::string& topic,
                            const std::vector<std::string>& to, std::int64_t now_ms);
    // A meeting in progress in the room (not ended), or nullptr.
    const Room* live_room(const std::string& room_id) const;
    const RoomSettings* room_settings(const std::string& room_id) const;
    // Rooms the service lists: meetings in progress and rooms with settings, by id.
    std::vector<std::string> listed_rooms() const;
    // Settings a previous process stored.
    void import_room_settings(const std::string& room_id, const Json& settings);

    // [SECTION] invitations (invitations.cpp): identities the operator invited to the meeting
    // running in a room; each change of one reaches the room's members as vcOnInvitation.
    // invite: 404 no meeting running, 400 invitees malformed, repeated or too many; the
    // reply's response is {invitations: [...]} for this call's invitees. Inviting an
    // identity again renews its invitation; one that is a member already is `joined` at once.
    ControlResult invite(const std::string& room_id, const std::vector<Invitee>& invitees, std::int64_t timeout_ms,
                         std::int64_t now_ms);
    // Through its link's page: 404 no such invitation, 410 joined or missed already (the
    // HTTP API says 409); declining again is no error. The response is {invitation}.
    ControlResult decline_invitation(const std::string& room_id, const std::string& identity, std::int64_t now_ms);
    // The running meeting's invitations, in the order they were made (empty without one).
    std::vector<Invitation> invitations(const std::string& room_id) const;

    const Room* find_room(const std::string& room_id) const;
    // Rooms by id: those with members, and ended meetings (status 2) that keep their id
    // closed until someone opens a new meeting there.
    const std::map<std::string, std::unique_ptr<Room>>& rooms() const { return rooms_; }
    std::size_t room_count() const { return rooms_.size(); }
    std::size_t participant_count() const;

private:
    Outcome join(ConnectionState& conn, const Json& content, const JoinAdmission& admission, std::int64_t now_ms);

    // [SECTION] who may join (join_admission.cpp)
    // Checks the join's access token (if any): Ok with `admission` filled, or the refusal.
    Outcome admit(const Json& content, std::int64_t now_ms, JoinAdmission& admission) const;
    // Where a token's identity stands: new here, already a member of this meeting (the join
    // takes its place over), or connected in another meeting (refused). A member of another
    // meeting whose connection dropped leaves it (into `result`).
    enum class IdentityPlace { New, Replace, Refused };
    IdentityPlace place_identity(const JoinAdmission& admission, const std::string& room_id, std::int64_t now_ms,
                                 ControlResult& result, Outcome& refusal);
    // A join by a member's identity: like a resume onto `conn`, with a new member token;
    // any other connection holding the member is closed by the transport (Resumed).
    void replace_member(ConnectionState& conn, const protocol::Request& req, const JoinAdmission& admission,
                        MemberTransport transport, std::int64_t now_ms, ControlResult& result);
    Outcome leave(ConnectionState& conn, std::int64_t now_ms);
    // Every room operation after joining: validates content, then asks the room.
    Outcome operate(Room& room, const ConnectionState& conn, const protocol::Request& req, std::int64_t now_ms);
    Outcome signal(const ConnectionState& conn, const Json& content, std::vector<Delivery>& extra,
                   std::int64_t now_ms);
    Room* room_of(const ConnectionState& conn);

    // [SECTION] member sessions (member_sessions.cpp): token, transport, queued informs
    struct MemberSession {
        std::string room_id;
        std::uint64_t meeting_serial = 0;
        std::string token_digest;  // sha256_hex of the member's token (the token is not kept)
        MemberTransport transport = MemberTransport::WebSocket;
        std::uint64_t attachment = 0;  // WebSocket attached now (0 = none)
        std::int64_t last_seen_ms = 0; // dropped at (WebSocket) / last request or poll (HTTP)
        bool meeting_ended = false;    // tombstone after vcFinishRoom, until it expires
        EventInbox inbox;
    };
    // A member that just joined on `conn`: its session (token digest, transport, queue).
    // Returns the token, handed out once in the join response.
    std::string open_session(ConnectionState& conn, MemberTransport transport, std::int64_t now_ms,
                             ControlResult& result);
    // vcFinishRoom ended the meeting: its members' sessions become tombstones.
    void end_sessions(const std::vector<std::string>& meeting_members, std::int64_t now_ms,
                      ControlResult& result);
    // The body of handle() shared by both transports: `conn` is the requester's.
    void dispatch(ConnectionState& conn, const protocol::Request& req, MemberTransport transport,
                  std::int64_t now_ms, ControlResult& result);
    void resume(ConnectionState* conn, const protocol::Request& req, MemberTransport transport,
                std::int64_t now_ms, ControlResult& result);
    static bool is_resume(const protocol::Request& req);
    ConnectionState conn_of(const std::string& user_id, const MemberSession& s) const;
    Json snapshot(const Room& room, const std::string& user_id) const;
    // Removes the member from its room as a leave (notifications routed into `result`).
    void remove_member(const std::string& user_id, std::int64_t now_ms, ControlResult& result);
    // Sends each notification to sockets or queues, see ControlResult::deliveries.
    void route(std::vector<Notification>& notifications, std::int64_t now_ms, ControlResult& result);
    void route(Delivery delivery, ControlResult& result);
    std::int64_t http_idle_ms() const;
    std::string make_token();

    ServiceConfig config_;
    IdGenerator new_user_id_;
    std::map<std::string, std::unique_ptr<Room>> rooms_;
    IdGenerator new_token_;
    std::map<std::string, MemberSession> sessions_;  // user id -> session
    std::uint64_t next_attachment_ = 1;
    std::uint64_t token_counter_ = 0;
    std::map<std::string, std::uint64_t> meeting_serials_;  // room id -> its current meeting
    std::uint64_t next_meeting_serial_ = 1;
    std::map<std::string, RoomSettings> settings_;  // room id -> the room service's settings
    // Forgets settings past their empty timeout (and metadata of meetings that are over).
    void expire_settings(std::int64_t now_ms, ControlResult& result);
    // The room's limits for a new meeting: the server's, lowered by its settings.
    RoomLimits limits_for(const std::string& room_id) const;
    ControlResult operator_reply(Outcome o, std::int64_t now_ms);

    // Invitations of the meeting `meeting_serial` (a later meeting in the room starts none).
    struct MeetingInvitations {
        std::uint64_t meeting_serial = 0;
        std::vector<Invitation> list;
    };
    std::map<std::string, MeetingInvitations> invitations_;  // room id -> its meeting's
    MeetingInvitations* meeting_invitations(const std::string& room_id);  // nullptr: none or stale
    Json invitations_json(const std::string& room_id) const;
    // A join by a token's identity: its invitation, if `invited`, becomes `joined`.
    void invitee_joined(const std::string& room_id, const std::string& identity, std::int64_t now_ms,
                        std::vector<Notification>& out);
    // `invited` past expires_at becomes `missed`; invitations of meetings that are over go.
    void expire_invitations(std::int64_t now_ms, ControlResult& result);
    Notification invitation_notice(const Room& room, const Invitation& invitation) const;
    Room* running_room(const std::string& room_id);  // live_room(), to change
};

}  // namespace posemeet
