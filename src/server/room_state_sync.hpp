// Keeps the rooms' state in the store in step with the ControlService, so that a restarted
// server brings its meetings back: rooms touched by requests are marked and written once per
// tick however many requests came, rooms that are gone are deleted, and at start the rooms a
// previous process left are imported again. (The audit rows of joins and leaves are the
// hub's member books, not this.)
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/control_service.hpp"

namespace posemeet::server {

class SqliteStore;

// Whether a request of this kind may change a room's state (and so needs writing).
bool changes_room_state(std::string_view event_name);

class RoomStateSync {
public:
    RoomStateSync(ControlService& service, SqliteStore& store);
    RoomStateSync(const RoomStateSync&) = delete;
    RoomStateSync& operator=(const RoomStateSync&) = delete;

    // Imports the stored room settings, then the stored rooms (members offline, each resuming with its token within the
    // grace period); a state that does not import is logged and forgotten. `arrivals` gets
    // a Joined change per member, for the hub's books. Call once, before listening.
    void restore(std::int64_t now_ms, std::int64_t grace_ms, std::vector<MemberChange>& arrivals);

    // The room is to be written at the next persist().
    void mark_dirty(const std::string& room_id);
    void mark_dirty(const ControlResult& result);
    // Every tick: writes the marked rooms (and deletes those that are gone, including ended
    // rooms forgotten after their retention, which no change marks) and room settings.
    void persist(std::int64_t now_ms);
    // persist() in steps, for a caller that lets others in between (the hub takes its lock
    // per step, so that a tick with many rooms to write never stalls the media threads for
    // all of them at once): the rooms to write, unmarked (a change after this marks a room
    // again, for the next tick); then each room's write; then the settings'.
    std::vector<std::string> take_marked_rooms();
    void persist_room(const std::string& room_id, std::int64_t now_ms);
    void persist_settings(std::int64_t now_ms);
    // Server shutdown: writes what is marked; from now on nothing is marked, so the leaves
    // that closing every connection causes are not written.
    void stop(std::int64_t now_ms);

private:
    ControlService& service_;
    SqliteStore& store_;
    std::set<std::string> dirty_rooms_;      // to write at the next persist
    std::set<std::string> persisted_rooms_;  // rooms with a row in the store
    std::set<std::string> dirty_settings_;   // room service settings to write or delete
    bool stopped_ = false;
};

}  // namespace posemeet::server
