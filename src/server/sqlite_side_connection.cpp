// See sqlite_side_connection.hpp.
#include "server/sqlite_side_connection.hpp"

#include <sqlite3.h>

#include "server/log.hpp"

namespace posemeet::server {

sqlite3* open_sqlite_side_connection(const std::string& path, const char* schema, const char* label) {
    const std::string file = path.empty() ? ":memory:" : path;
    sqlite3* db = nullptr;
    if (sqlite3_open(file.c_str(), &db) != SQLITE_OK) {
        log_error(std::string(label) + ": cannot open " + file + ": " + sqlite3_errmsg(db));
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 2000);
    char* error = nullptr;
    bool ok = true;
    for (const char* pragma : kSqliteConnectionPragmas)
        ok = ok && sqlite3_exec(db, pragma, nullptr, nullptr, &error) == SQLITE_OK;
    if (!ok || sqlite3_exec(db, schema, nullptr, nullptr, &error) != SQLITE_OK) {
        log_error(std::string(label) + ": " + (error ? error : "schema"));
        sqlite3_free(error);
        sqlite3_close(db);
        return nullptr;
    }
    return db;
}

}  // namespace posemeet::server
