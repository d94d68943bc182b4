// Which webhook events a change of a room makes, in LiveKit's shape (room_started,
// participant_joined, track_published / track_unpublished for mic and camera,
// participant_left, room_finished; and invitation_updated, ours, for each invitation made
// or changed), found by comparing the room with what was last seen of it. Whatever operation changed the room (a request, an expiry, a restart), the events
// come out in the order things happened to that room. Pure: the hub hands it rooms after
// every call and puts the events in the outbox (webhook_outbox.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/invitation.hpp"
#include "core/room.hpp"

namespace posemeet::server {

class WebhookEventSource {
public:
    // The room service's Room JSON for a room id and its meeting (null: none now), as the
    // hub has it (settings included): the `room` of every event (core/livekit_json.hpp).
    using RoomJson = std::function<protocol::Json(const std::string& room_id, const Room* live)>;
    explicit WebhookEventSource(RoomJson room_json) : room_json_(std::move(room_json)) {}

    // Learns a room as it is, without events (the rooms a restarted server brings back:
    // their events went out before the restart).
    void seed(const Room& room, const std::vector<Invitation>& invitations);
    // The events that bring what was last seen of `room_id` up to `room` (nullptr: the room
    // is gone) and its meeting's `invitations`, oldest first, each a complete webhook body
    // with its own id.
    std::vector<protocol::Json> observe(const std::string& room_id, const Room* room,
                                        const std::vector<Invitation>& invitations, std::int64_t now_ms);

private:
    struct Seen {
        std::vector<UserRecord> members;  // in join order
        std::map<std::string, InvitationStatus> invitations;  // by identity
    };
    protocol::Json event(const char* name, const std::string& room_id, const Room* live, std::int64_t now_ms);
    RoomJson room_json_;
    std::map<std::string, Seen> rooms_;
    std::uint64_t next_event_ = 0;
};

}  // namespace posemeet::server
