// Durable audit of rooms and participant sessions in SQLite (WAL, prepared statements).
// Every failure is logged and otherwise ignored: the meeting goes on without the record.
//
//   rooms(room_id PK, room_name, create_time, start_time, end_time, status)
//   participant_sessions(id PK, room_id, user_id, user_name, join_time, leave_time)
//   room_state(room_id PK, state, updated): each live or ended room's whole state as JSON
//     (ControlService::export_room), so that a restarted server brings its meetings back
//   room_settings(room_id PK, settings, updated): rooms the room service created (their
//     timeouts, size and metadata, RoomSettings::to_json), kept before and between meetings
//
// Times are Unix milliseconds. A room row is written when the room is created (its first
// join); if a room id is reused later the row is reopened (status 1, end_time 0) and keeps
// its first create/start time. When the last member leaves, status becomes 2 (ended).
// leave_time is NULL while the participant is in the room.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace posemeet {
struct RoomRecord;
}

namespace posemeet::server {

class SqliteStore {
public:
    SqliteStore() = default;
    ~SqliteStore();
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    // Opens (creating) the database and its tables. Rows left open by a previous process
    // that did not shut down cleanly are closed at `now_ms`. False (logged) on failure.
    bool open(const std::string& path, std::int64_t now_ms);
    bool is_open() const { return db_ != nullptr; }

    void room_started(const RoomRecord& room);
    void room_ended(const std::string& room_id, std::int64_t end_ms);
    // Returns the new participant_sessions row id (0 when not recorded).
    std::int64_t participant_joined(const std::string& room_id, const std::string& user_id,
                                    const std::string& user_name, std::int64_t join_ms);
    void participant_left(std::int64_t row_id, std::int64_t leave_ms);

    // The room states a previous process left (room id, JSON text), and their upkeep.
    std::vector<std::pair<std::string, std::string>> load_room_states();
    void save_room_state(const std::string& room_id, const std::string& state, std::int64_t now_ms);
    void forget_room_state(const std::string& room_id);
    // The room service's room settings (JSON text), likewise.
    std::vector<std::pair<std::string, std::string>> load_room_settings();
    void save_room_settings(const std::string& room_id, const std::string& settings, std::int64_t now_ms);
    void forget_room_settings(const std::string& room_id);

    // Checkpoints the WAL into the main file.
    void flush();
    void close();

private:
    bool exec(const char* sql);
    sqlite3_stmt* prepare(const char* sql);
    bool step_and_reset(sqlite3_stmt* stmt, const char* what);
    void log_failure(const char* what);
    // The (room id -> JSON text) tables.
    void save_keyed(sqlite3_stmt* upsert, const std::string& room_id, const std::string& json, std::int64_t now_ms,
                    const char* what);
    void forget_keyed(sqlite3_stmt* del, const std::string& room_id, const char* what);
    std::vector<std::pair<std::string, std::string>> load_keyed(const char* sql, const char* what);

    sqlite3* db_ = nullptr;
    sqlite3_stmt* room_upsert_ = nullptr;
    sqlite3_stmt* room_end_ = nullptr;
    sqlite3_stmt* join_insert_ = nullptr;
    sqlite3_stmt* leave_update_ = nullptr;
    sqlite3_stmt* state_upsert_ = nullptr;
    sqlite3_stmt* state_delete_ = nullptr;
    sqlite3_stmt* settings_upsert_ = nullptr;
    sqlite3_stmt* settings_delete_ = nullptr;
};

}  // namespace posemeet::server
