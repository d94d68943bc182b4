// See room_state_sync.hpp.
#include "server/room_state_sync.hpp"

#include "core/protocol.hpp"
#include "server/log.hpp"
#include "server/sqlite_store.hpp"

namespace posemeet::server {

bool changes_room_state(std::string_view event_name) {
    // The event table says which requests may change a room: reads and WebRTC signaling
    // leave it as it was (a resume is a change: marked as an arrival). A name the table
    // does not know changed nothing either, but marking it costs one idle write.
    const protocol::EventInfo* e = protocol::find_event(event_name);
    return !e || e->effect == protocol::Effect::Changes;
}

RoomStateSync::RoomStateSync(ControlService& service, SqliteStore& store)
    : service_(service), store_(store) {}

void RoomStateSync::restore(std::int64_t now_ms, std::int64_t grace_ms,
                            std::vector<MemberChange>& arrivals) {
    for (const auto& [room_id, text] : store_.load_room_settings())
        service_.import_room_settings(room_id, protocol::Json::parse(text, nullptr, /*allow_exceptions=*/false));
    std::size_t rooms = 0, members = 0;
    for (const auto& [room_id, text] : store_.load_room_states()) {
        std::vector<MemberChange> changes;
        std::string error;
        const protocol::Json state =
            protocol::Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!service_.import_room(state, now_ms, changes, error)) {
            log_warn("stored room '" + room_id + "' not restored: " + error);
            store_.forget_room_state(room_id);
            continue;
        }
        persisted_rooms_.insert(room_id);
        if (const Room* room = service_.find_room(room_id); room && !room->ended())
            store_.room_started(room->record());
        ++rooms;
        members += changes.size();
        arrivals.insert(arrivals.end(), changes.begin(), changes.end());
    }
    if (rooms > 0)
        log_info("restored " + std::to_string(rooms) + " room(s) with " + std::to_string(members) +
                 " member(s) from the store; they have " + std::to_string(grace_ms / 1000) +
                 " s to reconnect");
}

void RoomStateSync::mark_dirty(const std::string& room_id) {
    if (!room_id.empty() && !stopped_ && store_.is_open()) dirty_rooms_.insert(room_id);
}

void RoomStateSync::mark_dirty(const ControlResult& result) {
    for (const auto& ch : result.changes) mark_dirty(ch.room_id);
    for (const auto& room_id : result.rooms_changed) mark_dirty(room_id);
    if (!stopped_ && store_.is_open())
        dirty_settings_.insert(result.settings_changed.begin(), result.settings_changed.end());
}

void RoomStateSync::persist(std::int64_t now_ms) {
    for (const auto& room_id : take_marked_rooms()) persist_room(room_id, now_ms);
    persist_settings(now_ms);
}

std::vector<std::string> RoomStateSync::take_marked_rooms() {
    // Ended rooms past their retention go without a change to mark: catch them here.
    for (const auto& room_id : persisted_rooms_)
        if (!service_.find_room(room_id)) mark_dirty(room_id);
    std::vector<std::string> rooms(dirty_rooms_.begin(), dirty_rooms_.end());
    dirty_rooms_.clear();
    return rooms;
}

void RoomStateSync::persist_room(const std::string& room_id, std::int64_t now_ms) {
    if (auto state = service_.export_room(room_id)) {
        store_.save_room_state(room_id, state->dump(), now_ms);
        persisted_rooms_.insert(room_id);
    } else if (persisted_rooms_.erase(room_id)) {
        store_.forget_room_state(room_id);
    }
}

void RoomStateSync::persist_settings(std::int64_t now_ms) {
    for (const auto& room_id : dirty_settings_) {
        if (const RoomSettings* settings = service_.room_settings(room_id); settings && settings->created)
            store_.save_room_settings(room_id, settings->to_json().dump(), now_ms);
        else
            store_.forget_room_settings(room_id);
    }
    dirty_settings_.clear();
}

void RoomStateSync::stop(std::int64_t now_ms) {
    persist(now_ms);
    stopped_ = true;
}

}  // namespace posemeet::server
