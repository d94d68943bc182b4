// See sqlite_store.hpp.
#include "server/sqlite_store.hpp"

#include <sqlite3.h>

#include "core/room.hpp"
#include "server/log.hpp"
#include "server/sqlite_side_connection.hpp"

namespace posemeet::server {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS rooms (
  room_id     TEXT PRIMARY KEY,
  room_name   TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  start_time  INTEGER NOT NULL DEFAULT 0,
  end_time    INTEGER NOT NULL DEFAULT 0,
  status      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS participant_sessions (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id    TEXT NOT NULL,
  user_id    TEXT NOT NULL,
  user_name  TEXT NOT NULL,
  join_time  INTEGER NOT NULL,
  leave_time INTEGER
);
CREATE INDEX IF NOT EXISTS participant_sessions_room ON participant_sessions(room_id, join_time);
CREATE TABLE IF NOT EXISTS room_state (
  room_id TEXT PRIMARY KEY,
  state   TEXT NOT NULL,
  updated INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS room_settings (
  room_id  TEXT PRIMARY KEY,
  settings TEXT NOT NULL,
  updated  INTEGER NOT NULL
);
)sql";

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

}  // namespace

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::log_failure(const char* what) {
    log_error(std::string("sqlite: ") + what + ": " + (db_ ? sqlite3_errmsg(db_) : "no database"));
}

bool SqliteStore::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        log_error(std::string("sqlite: ") + (err ? err : "exec failed"));
        sqlite3_free(err);
        return false;
    }
    return true;
}

sqlite3_stmt* SqliteStore::prepare(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) != SQLITE_OK) {
        log_failure("prepare");
        return nullptr;
    }
    return stmt;
}

bool SqliteStore::step_and_reset(sqlite3_stmt* stmt, const char* what) {
    const int rc = sqlite3_step(stmt);
    const bool ok = rc == SQLITE_DONE || rc == SQLITE_ROW;
    if (!ok) log_failure(what);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return ok;
}

bool SqliteStore::open(const std::string& path, std::int64_t now_ms) {
    close();
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        log_failure(("open " + path).c_str());
        close();
        return false;
    }
    sqlite3_busy_timeout(db_, 2000);
    // WAL, synchronous=NORMAL, a small page cache: kSqliteConnectionPragmas says why (an audit
    // of a live server needs durability across process crashes, not an fsync per commit).
    for (const char* pragma : kSqliteConnectionPragmas) exec(pragma);
    if (!exec(kSchema)) {
        close();
        return false;
    }
    room_upsert_ = prepare(
        "INSERT INTO rooms(room_id, room_name, create_time, start_time, end_time, status) "
        "VALUES(?1, ?2, ?3, ?4, 0, ?5) "
        "ON CONFLICT(room_id) DO UPDATE SET room_name = excluded.room_name, end_time = 0, "
        "status = excluded.status, "
        "start_time = CASE WHEN rooms.start_time = 0 THEN excluded.start_time ELSE rooms.start_time END");
    room_end_ = prepare("UPDATE rooms SET end_time = ?2, status = 2 WHERE room_id = ?1");
    join_insert_ = prepare(
        "INSERT INTO participant_sessions(room_id, user_id, user_name, join_time, leave_time) "
        "VALUES(?1, ?2, ?3, ?4, NULL)");
    leave_update_ = prepare(
        "UPDATE participant_sessions SET leave_time = ?2 WHERE id = ?1 AND leave_time IS NULL");
    state_upsert_ = prepare(
        "INSERT INTO room_state(room_id, state, updated) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(room_id) DO UPDATE SET state = excluded.state, updated = excluded.updated");
    state_delete_ = prepare("DELETE FROM room_state WHERE room_id = ?1");
    settings_upsert_ = prepare(
        "INSERT INTO room_settings(room_id, settings, updated) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(room_id) DO UPDATE SET settings = excluded.settings, updated = excluded.updated");
    settings_delete_ = prepare("DELETE FROM room_settings WHERE room_id = ?1");
    if (!room_upsert_ || !room_end_ || !join_insert_ || !leave_update_ || !state_upsert_ || !state_delete_ ||
        !settings_upsert_ || !settings_delete_) {
        close();
        return false;
    }
    // A previous process that crashed left rooms "in progress" and sessions open; nothing
    // of them is live now.
    const std::string now = std::to_string(now_ms);
    exec(("UPDATE participant_sessions SET leave_time = " + now + " WHERE leave_time IS NULL;").c_str());
    if (sqlite3_changes(db_) > 0)
        log_warn("sqlite: closed " + std::to_string(sqlite3_changes(db_)) +
                 " participant session(s) left open by a previous run");
    exec(("UPDATE rooms SET end_time = " + now + ", status = 2 WHERE status = 1;").c_str());
    return true;
}

void SqliteStore::room_started(const RoomRecord& room) {
    if (!db_) return;
    bind_text(room_upsert_, 1, room.room_id);
    bind_text(room_upsert_, 2, room.room_name);
    sqlite3_bind_int64(room_upsert_, 3, room.create_time);
    sqlite3_bind_int64(room_upsert_, 4, room.start_time);
    sqlite3_bind_int(room_upsert_, 5, static_cast<int>(room.status));
    step_and_reset(room_upsert_, "record room start");
}

void SqliteStore::room_ended(const std::string& room_id, std::int64_t end_ms) {
    if (!db_) return;
    bind_text(room_end_, 1, room_id);
    sqlite3_bind_int64(room_end_, 2, end_ms);
    step_and_reset(room_end_, "record room end");
}

std::int64_t SqliteStore::participant_joined(const std::string& room_id, const std::string& user_id,
                                             const std::string& user_name, std::int64_t join_ms) {
    if (!db_) return 0;
    bind_text(join_insert_, 1, room_id);
    bind_text(join_insert_, 2, user_id);
    bind_text(join_insert_, 3, user_name);
    sqlite3_bind_int64(join_insert_, 4, join_ms);
    if (!step_and_reset(join_insert_, "record join")) return 0;
    return sqlite3_last_insert_rowid(db_);
}

void SqliteStore::participant_left(std::int64_t row_id, std::int64_t leave_ms) {
    if (!db_ || row_id <= 0) return;
    sqlite3_bind_int64(leave_update_, 1, row_id);
    sqlite3_bind_int64(leave_update_, 2, leave_ms);
    step_and_reset(leave_update_, "record leave");
}

void SqliteStore::save_keyed(sqlite3_stmt* upsert, const std::string& room_id, const std::string& json,
                             std::int64_t now_ms, const char* what) {
    if (!db_) return;
    bind_text(upsert, 1, room_id);
    bind_text(upsert, 2, json);
    sqlite3_bind_int64(upsert, 3, now_ms);
    step_and_reset(upsert, what);
}

void SqliteStore::forget_keyed(sqlite3_stmt* del, const std::string& room_id, const char* what) {
    if (!db_) return;
    bind_text(del, 1, room_id);
    step_and_reset(del, what);
}

std::vector<std::pair<std::string, std::string>> SqliteStore::load_keyed(const char* sql, const char* what) {
    std::vector<std::pair<std::string, std::string>> out;
    if (!db_) return out;
    sqlite3_stmt* stmt = prepare(sql);
    if (!stmt) return out;
    auto text = [&](int col) {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, col))) : std::string();
    };
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) out.emplace_back(text(0), text(1));
    if (rc != SQLITE_DONE) log_failure(what);
    sqlite3_finalize(stmt);
    return out;
}

void SqliteStore::save_room_state(const std::string& room_id, const std::string& state, std::int64_t now_ms) {
    save_keyed(state_upsert_, room_id, state, now_ms, "save room state");
}

void SqliteStore::forget_room_state(const std::string& room_id) {
    forget_keyed(state_delete_, room_id, "forget room state");
}

std::vector<std::pair<std::string, std::string>> SqliteStore::load_room_states() {
    return load_keyed("SELECT room_id, state FROM room_state ORDER BY room_id", "load room states");
}

void SqliteStore::save_room_settings(const std::string& room_id, const std::string& settings, std::int64_t now_ms) {
    save_keyed(settings_upsert_, room_id, settings, now_ms, "save room settings");
}

void SqliteStore::forget_room_settings(const std::string& room_id) {
    forget_keyed(settings_delete_, room_id, "forget room settings");
}

std::vector<std::pair<std::string, std::string>> SqliteStore::load_room_settings() {
    return load_keyed("SELECT room_id, settings FROM room_settings ORDER BY room_id", "load room settings");
}

void SqliteStore::flush() {
    if (!db_) return;
    // Fails harmlessly (SQLITE_BUSY) if a reader holds the WAL; and is a no-op in memory.
    sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
}

void SqliteStore::close() {
    for (sqlite3_stmt** s : {&room_upsert_, &room_end_, &join_insert_, &leave_update_, &state_upsert_, &state_delete_,
                             &settings_upsert_, &settings_delete_}) {
        sqlite3_finalize(*s);
        *s = nullptr;
    }
    if (db_) {
        sqlite3_close(db_);
        db_ = nullptr;
    }
}

}  // namespace posemeet::server
