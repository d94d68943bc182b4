// See audit_log.hpp.
#include "server/audit_log.hpp"

#include <sqlite3.h>

#include "server/log.hpp"
#include "server/sqlite_side_connection.hpp"

namespace posemeet::server {
namespace {

using protocol::Json;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  time_ms    INTEGER NOT NULL,
  room_id    TEXT NOT NULL,
  actor      TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT NOT NULL,
  api        TEXT NOT NULL,
  detail     TEXT NOT NULL,
  code       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_room ON audit_log (room_id, id);
)sql";

constexpr const char* kColumns =
    "id, time_ms, room_id, actor, actor_kind, action, target, api, detail, code";

// Resets a statement however the step went.
struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string text_at(sqlite3_stmt* s, int column) {
    const auto* t = sqlite3_column_text(s, column);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<std::size_t>(sqlite3_column_bytes(s, column)))
             : std::string();
}

AuditApi api_of(const std::string& name) {
    if (name == audit_api_name(AuditApi::Http)) return AuditApi::Http;
    if (name == audit_api_name(AuditApi::RoomService)) return AuditApi::RoomService;
    if (name == audit_api_name(AuditApi::Invitations)) return AuditApi::Invitations;
    return AuditApi::WebSocket;
}

}  // namespace

AuditLog::~AuditLog() {
    for (auto* s : {insert_, read_room_, read_all_, trim_}) sqlite3_finalize(s);
    if (db_) sqlite3_close(db_);
}

sqlite3_stmt* AuditLog::prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK)
        log_error(std::string("audit log: ") + sqlite3_errmsg(db_));
    return s;
}

bool AuditLog::open(const std::string& path) {
    db_ = open_sqlite_side_connection(path, kSchema, "audit log");
    if (!db_) return false;
    const std::string select = std::string("SELECT ") + kColumns + " FROM audit_log WHERE ";
    insert_ = prepare(
        "INSERT INTO audit_log (time_ms, room_id, actor, actor_kind, action, target, api, detail, "
        "code) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    read_room_ = prepare((select + "room_id = ? AND id > ? ORDER BY id LIMIT ?").c_str());
    read_all_ = prepare((select + "id > ? ORDER BY id LIMIT ?").c_str());
    trim_ = prepare("DELETE FROM audit_log WHERE id <= (SELECT MAX(id) FROM audit_log) - ?");
    return insert_ && read_room_ && read_all_ && trim_;
}

std::int64_t AuditLog::record(const AuditEntry& e) {
    if (!insert_) return 0;
    Reset r{insert_};
    sqlite3_bind_int64(insert_, 1, e.time_ms);
    bind_text(insert_, 2, e.room_id);
    bind_text(insert_, 3, e.actor);
    bind_text(insert_, 4, e.by_operator ? "operator" : "member");
    bind_text(insert_, 5, e.action);
    bind_text(insert_, 6, e.target);
    bind_text(insert_, 7, audit_api_name(e.api));
    bind_text(insert_, 8, e.detail.dump(-1, ' ', false, Json::error_handler_t::replace));
    sqlite3_bind_int(insert_, 9, e.code);
    if (sqlite3_step(insert_) != SQLITE_DONE) {
        log_error(std::string("audit log: ") + sqlite3_errmsg(db_));
        return 0;
    }
    return sqlite3_last_insert_rowid(db_);
}

std::vector<AuditEntry> AuditLog::read(const std::string& room, std::int64_t after, int limit) {
    std::vector<AuditEntry> out;
    sqlite3_stmt* s = room.empty() ? read_all_ : read_room_;
    if (!s) return out;
    Reset r{s};
    int i = 1;
    if (!room.empty()) bind_text(s, i++, room);
    sqlite3_bind_int64(s, i++, after);
    sqlite3_bind_int(s, i, limit);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        AuditEntry e;
        e.id = sqlite3_column_int64(s, 0);
        e.time_ms = sqlite3_column_int64(s, 1);
        e.room_id = text_at(s, 2);
        e.actor = text_at(s, 3);
        e.by_operator = text_at(s, 4) == "operator";
        e.action = text_at(s, 5);
        e.target = text_at(s, 6);
        e.api = api_of(text_at(s, 7));
        e.detail = Json::parse(text_at(s, 8), nullptr, /*allow_exceptions=*/false);
        if (e.detail.is_discarded()) e.detail = Json::object();
        e.code = sqlite3_column_int(s, 9);
        out.push_back(std::move(e));
    }
    if (rc != SQLITE_DONE) log_error(std::string("audit log: ") + sqlite3_errmsg(db_));
    return out;
}

void AuditLog::trim(std::int64_t keep) {
    if (!trim_) return;
    Reset r{trim_};
    sqlite3_bind_int64(trim_, 1, keep);
    if (sqlite3_step(trim_) != SQLITE_DONE)
        log_error(std::string("audit log: ") + sqlite3_errmsg(db_));
}

void AuditLog::tick(std::int64_t mono_ms) {
    if (mono_ms - last_trim_ms_ < 10000) return;
    last_trim_ms_ = mono_ms;
    trim();
}

}  // namespace posemeet::server
