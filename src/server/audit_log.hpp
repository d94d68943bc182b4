// The audit log in SQLite: one row per host or operator action (core/audit_entry.hpp),
// read back by GET /api/v1/audit. Prepared statements only. Bounded: trim() keeps the
// newest rows. Its own connection to the server's database file (WAL), like the webhook
// outbox, so it stands apart from the rooms' store. Failures are logged; the meeting goes on.
//
//   audit_log(id PK, time_ms, room_id, actor, actor_kind, action, target, api, detail, code)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/audit_entry.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace posemeet::server {

class AuditLog {
  public:
    // Rows kept by trim().
    static constexpr std::int64_t kDefaultMaxRows = 100000;

    AuditLog() = default;
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    // `path` as --db: a file, or ":memory:" / "" for a log that does not outlive the
    // process. False (logged) on failure; then record() and read() do nothing.
    bool open(const std::string& path);

    // Returns the new row's id (0 when not recorded).
    std::int64_t record(const AuditEntry& entry);
    // Up to `limit` entries with id > `after`, oldest first; of `room` only, unless empty.
    std::vector<AuditEntry> read(const std::string& room, std::int64_t after, int limit);
    // Deletes all but the newest `keep` rows.
    void trim(std::int64_t keep = kDefaultMaxRows);
    // Every tick: trim() every 10 s (`mono_ms`: monotonic), so the table stays bounded.
    void tick(std::int64_t mono_ms);

  private:
    sqlite3_stmt* prepare(const char* sql);
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* read_room_ = nullptr;
    sqlite3_stmt* read_all_ = nullptr;
    sqlite3_stmt* trim_ = nullptr;
    std::int64_t last_trim_ms_ = 0;
};

}  // namespace posemeet::server
