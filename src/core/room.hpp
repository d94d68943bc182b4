// One meeting room's state machine: members, roles and the notifications each operation
// produces. Pure (no I/O, no clock): the caller passes `now` and delivers the returned
// notifications. The server is the only writer; clients mirror it from notifications.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/protocol.hpp"

namespace posemeet {

using protocol::ErrorCode;
using protocol::Json;

enum class UserRole : int { Visitor = 0, Host = 1 };
enum class RoomStatus : int { NotStarted = 0, InProgress = 1, Ended = 2 };

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
};

// A notification for some members of the room (recipients are user ids).
struct Notification {
    std::vector<std::string> recipients;
    std::string event;
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

// What a joining user asks for (validated content of vcJoinRoom).
struct JoinRequest {
    std::string user_name;
    int camera = 0, mic = 0, is_silence = 0, media_relay = 0;
};
constexpr std::size_t kMaxUserNameBytes = 128;
// Returns nullopt and sets `error` when the content is malformed.
std::optional<JoinRequest> parse_join_request(const Json& content, std::string& error);

class Room {
public:
    Room(std::string room_id, std::string room_name, std::int64_t now_ms, RoomLimits limits);

    Outcome join(const std::string& user_id, const JoinRequest& request, std::int64_t now_ms);
    Outcome leave(const std::string& user_id, std::int64_t now_ms);

    const RoomRecord& record() const { return record_; }
    const UserRecord* find(const std::string& user_id) const;
    const UserRecord* find_by_media_id(std::uint16_t media_id) const;
    // Members in join order (join_time, then arrival) - the order every user list uses.
    const std::vector<UserRecord>& members() const { return members_; }
    Json user_list_json() const;
    std::vector<std::string> member_ids(const std::string& except = {}) const;
    bool empty() const { return members_.empty(); }

    // Who receives a media packet that `sender` hands to the relay. With explicit targets,
    // those members; otherwise every member the sender cannot reach peer to peer (either
    // side uses the relay).
    std::vector<std::string> relay_recipients(const std::string& sender,
                                              const std::vector<std::uint16_t>& targets) const;

private:
    RoomRecord record_;
    RoomLimits limits_;
    std::vector<UserRecord> members_;
    std::uint16_t next_media_id_ = 1;
};

}  // namespace posemeet
