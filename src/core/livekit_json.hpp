// LiveKit's RoomService (Twirp over JSON) in our terms, pure so it can be tested alone:
// Room, ParticipantInfo and TrackInfo in proto3 JSON (lowerCamelCase, int64 as strings,
// enums by name) from the service's state; request bodies read into ours; our error codes
// as Twirp's. The HTTP side is server/room_service_api.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/control_service.hpp"
#include "core/room.hpp"

namespace posemeet::livekit {

constexpr std::size_t kMaxMetadataBytes = 16 * 1024;  // a member's or a room's metadata
constexpr std::size_t kMaxAttributeBytes = 1024;      // an attribute's name or value

// A Twirp error: HTTP status and code ("not_found", ...), body {"code", "msg"}.
struct TwirpError {
    unsigned status = 500;
    const char* code = "internal";
};
TwirpError twirp_error_of(ErrorCode code);
Json twirp_error_body(const TwirpError& error, const std::string& message);

// Room: the meeting in progress (`live`, may be null) and the room's settings (may be null);
// `server_max` is the server's room size, reported when the settings name none.
Json room_json(const std::string& room_id, const RoomSettings* settings, const Room* live, int server_max);
// ParticipantInfo: state ACTIVE (DISCONNECTED while its connection is down), permission,
// one track per source it may publish or has open (TR_<user>_mic, TR_<user>_camera).
Json participant_json(const UserRecord& user);
Json track_json(const UserRecord& user, Device device);
std::string track_sid(const std::string& user_id, Device device);
// The device a track sid of this member names, or nullopt.
std::optional<Device> track_device(const std::string& user_id, const std::string& sid);

// [SECTION] request bodies. Each reader returns nullopt (and sets `error`) for a field of
// the wrong type or out of range.
// A string field; a missing one is "" (proto3 omits defaults).
std::optional<std::string> read_string(const Json& body, const char* key, std::size_t max_bytes, std::string& error);
// A uint32 field (a number, or a decimal string); missing = 0.
std::optional<int> read_uint32(const Json& body, const char* key, std::string& error);
// CreateRoom {name, emptyTimeout, departureTimeout, maxParticipants, metadata}.
std::optional<RoomSettings> read_room_settings(const Json& body, std::string& error);
// ParticipantPermission: present = the whole set, a missing field false; canPublishSources
// by enum name or number, empty = every source.
std::optional<MemberPermission> read_permission(const Json& permission, std::string& error);
// UpdateParticipant {name?, metadata?, attributes?, permission?}.
std::optional<MemberUpdate> read_member_update(const Json& body, std::string& error);
// A list of strings (destinationIdentities); missing = empty.
std::optional<std::vector<std::string>> read_string_list(const Json& body, const char* key, std::string& error);

}  // namespace posemeet::livekit
