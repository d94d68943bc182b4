// A second SQLite connection to the server's database file, for a piece that keeps its own
// tables there (the audit log, the webhook outbox) beside SqliteStore's. Opened as the store
// opens its own (kSqliteConnectionPragmas: an fsync per commit had cost every host action
// ~1 ms on the hub's thread), with a busy timeout, as the connections write the same file.
// An empty path is an in-memory database.
#pragma once

#include <array>
#include <string>

struct sqlite3;

namespace posemeet::server {

// What every connection to the server's database sets, the store's (SqliteStore) and these:
// WAL, so that readers (an admin's sqlite3 shell, the other connections) never block the
// writes; synchronous=NORMAL, durable across a crash of the process without an fsync per
// commit; a 256 KB page cache, SQLite's own copy of pages the OS caches anyway, enough for
// the b-trees' inner pages (at the default 2 MB it grew with the rows of joined members:
// 0.5 KB of RSS per idle joined connection, bench_relay with 2000 connections).
inline constexpr std::array<const char*, 3> kSqliteConnectionPragmas = {
    "PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", "PRAGMA cache_size=-256;"};

// Opens `path` and creates `schema`; null (logged under `label`) when either fails.
sqlite3* open_sqlite_side_connection(const std::string& path, const char* schema, const char* label);

}  // namespace posemeet::server
