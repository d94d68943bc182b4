// See webhook_outbox.hpp.
#include "server/webhook_outbox.hpp"

#include <sqlite3.h>

#include <limits>

#include "server/log.hpp"
#include "server/sqlite_side_connection.hpp"

namespace posemeet::server {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  url TEXT NOT NULL,
  room_id TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS webhook_outbox_queue ON webhook_outbox (url, room_id, id);
)sql";

// Resets a statement however the step went.
struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

std::string text_at(sqlite3_stmt* s, int column) {
    const auto* t = sqlite3_column_text(s, column);
    return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace

WebhookOutbox::~WebhookOutbox() {
    for (auto* s : {insert_, heads_, next_due_, delete_, retry_, count_}) sqlite3_finalize(s);
    if (db_) sqlite3_close(db_);
}

sqlite3_stmt* WebhookOutbox::prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql, -1, &s, nullptr) != SQLITE_OK)
        log_error(std::string("webhook outbox: ") + sqlite3_errmsg(db_));
    return s;
}

bool WebhookOutbox::open(const std::string& path) {
    db_ = open_sqlite_side_connection(path, kSchema, "webhook outbox");
    if (!db_) return false;
    insert_ = prepare("INSERT INTO webhook_outbox (url, room_id, body, next_attempt_ms, created_ms) VALUES (?, ?, ?, ?, ?)");
    heads_ = prepare(
        "SELECT id, url, room_id, body, attempts FROM webhook_outbox o "
        "WHERE id = (SELECT MIN(id) FROM webhook_outbox WHERE url = o.url AND room_id = o.room_id) "
        "AND next_attempt_ms <= ? ORDER BY id");
    next_due_ = prepare(
        "SELECT MIN(next_attempt_ms) FROM webhook_outbox o "
        "WHERE id = (SELECT MIN(id) FROM webhook_outbox WHERE url = o.url AND room_id = o.room_id)");
    delete_ = prepare("DELETE FROM webhook_outbox WHERE id = ?");
    retry_ = prepare("UPDATE webhook_outbox SET attempts = ?, next_attempt_ms = ? WHERE id = ?");
    count_ = prepare("SELECT COUNT(*) FROM webhook_outbox");
    return insert_ && heads_ && next_due_ && delete_ && retry_ && count_;
}

void WebhookOutbox::add(const std::string& url, const std::string& room_id, const std::string& body,
                        std::int64_t now_ms) {
    if (!insert_) return;
    Reset r{insert_};
    sqlite3_bind_text(insert_, 1, url.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_, 2, room_id.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(insert_, 3, body.c_str(), static_cast<int>(body.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(insert_, 4, now_ms);
    sqlite3_bind_int64(insert_, 5, now_ms);
    if (sqlite3_step(insert_) != SQLITE_DONE) log_error(std::string("webhook outbox: ") + sqlite3_errmsg(db_));
}

std::vector<WebhookOutbox::Row> WebhookOutbox::due(std::int64_t now_ms, const std::set<std::int64_t>& in_flight,
                                                   std::size_t limit) {
    std::vector<Row> out;
    if (!heads_) return out;
    Reset r{heads_};
    sqlite3_bind_int64(heads_, 1, now_ms);
    while (out.size() < limit && sqlite3_step(heads_) == SQLITE_ROW) {
        Row row;
        row.id = sqlite3_column_int64(heads_, 0);
        if (in_flight.count(row.id)) continue;
        row.url = text_at(heads_, 1);
        row.room_id = text_at(heads_, 2);
        row.body = text_at(heads_, 3);
        row.attempts = sqlite3_column_int(heads_, 4);
        out.push_back(std::move(row));
    }
    return out;
}

std::int64_t WebhookOutbox::next_due_ms() {
    if (!next_due_) return std::numeric_limits<std::int64_t>::max();
    Reset r{next_due_};
    if (sqlite3_step(next_due_) != SQLITE_ROW || sqlite3_column_type(next_due_, 0) == SQLITE_NULL)
        return std::numeric_limits<std::int64_t>::max();
    return sqlite3_column_int64(next_due_, 0);
}

void WebhookOutbox::delivered(std::int64_t id) {
    if (!delete_) return;
    Reset r{delete_};
    sqlite3_bind_int64(delete_, 1, id);
    sqlite3_step(delete_);
}

void WebhookOutbox::retry_at(std::int64_t id, int attempts, std::int64_t when_ms) {
    if (!retry_) return;
    Reset r{retry_};
    sqlite3_bind_int(retry_, 1, attempts);
    sqlite3_bind_int64(retry_, 2, when_ms);
    sqlite3_bind_int64(retry_, 3, id);
    sqlite3_step(retry_);
}

std::size_t WebhookOutbox::depth() {
    if (!count_) return 0;
    Reset r{count_};
    return sqlite3_step(count_) == SQLITE_ROW ? static_cast<std::size_t>(sqlite3_column_int64(count_, 0)) : 0;
}

}  // namespace posemeet::server
