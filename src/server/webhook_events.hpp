// Which webhook events a change of a room makes, in LiveKit's shape (room_started,
// participant_joined, track_published / track_unpublished for mic and camera,
// participant_left, room_finished), found by comparing the room with what was last seen
// of it. Whatever operation changed the room (a request, an expiry, a restart), the events
// come out in the order things happened to that room. Pure: the hub hands it rooms after
// every call and puts the events in the outbox (webhook_outbox.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/room.hpp"

namespace posemeet::server {

// LiveKit's JSON for a room, a participant and a track (proto3 JSON: camelCase, int64 as
// strings): the parts of the server API's replies and webhooks a PoseMeet room has.
protocol::Json livekit_room_json(const RoomRecord& room, std::size_t participants);
protocol::Json livekit_participant_json(const UserRecord& user, bool connected);
protocol::Json livekit_track_json(const UserRecord& user, Device device);

class WebhookEventSource {
public:
    // Learns a room as it is, without events (the rooms a restarted server brings back:
    // their events went out before the restart).
    void seed(const Room& room);
    // The events that bring what was last seen of `room_id` up to `room` (nullptr: the room
    // is gone), oldest first, each a complete webhook body with its own id.
    std::vector<protocol::Json> observe(const std::string& room_id, const Room* room, std::int64_t now_ms);

private:
    struct Seen {
        RoomRecord record;
        std::vector<UserRecord> members;  // in join order
    };
    protocol::Json event(const char* name, const Seen& room, std::int64_t now_ms);
    std::map<std::string, Seen> rooms_;
    std::uint64_t next_event_ = 0;
};

}  // namespace posemeet::server
