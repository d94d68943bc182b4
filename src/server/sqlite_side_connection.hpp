// A second SQLite connection to the server's database file, for a piece that keeps its own
// tables there (the audit log, the webhook outbox) beside SqliteStore's. Opened as the store
// opens its own: WAL, so that readers never block the writes; synchronous=NORMAL, durable
// across a crash of the process (what a restart needs) without an fsync per commit, which
// cost every host action ~1 ms on the hub's thread; a busy timeout, as the connections
// write the same file. An empty path is an in-memory database.
#pragma once

#include <string>

struct sqlite3;

namespace posemeet::server {

// Opens `path` and creates `schema`; null (logged under `label`) when either fails.
sqlite3* open_sqlite_side_connection(const std::string& path, const char* schema, const char* label);

}  // namespace posemeet::server
