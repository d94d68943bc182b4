// The webhook outbox: every event for every receiver URL is a row in SQLite until the
// receiver answered 2xx, so nothing is lost while a receiver is down or the server
// restarts. Rows of one (receiver, room) go out one at a time, oldest first, so a room's
// events keep their order; different rooms and receivers go in parallel. Its own
// connection to the server's database file (WAL), so it stands apart from the audit store.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace posemeet::server {

class WebhookOutbox {
public:
    WebhookOutbox() = default;
    ~WebhookOutbox();
    WebhookOutbox(const WebhookOutbox&) = delete;
    WebhookOutbox& operator=(const WebhookOutbox&) = delete;

    // `path` as --db: a file, or ":memory:" / "" for an outbox that does not outlive the
    // process. False (logged) on failure.
    bool open(const std::string& path);

    void add(const std::string& url, const std::string& room_id, const std::string& body, std::int64_t now_ms);

    struct Row {
        std::int64_t id = 0;
        std::string url, room_id, body;
        int attempts = 0;
    };
    // The oldest row of each (url, room) queue, if it is due and not `in_flight`; at most
    // `limit`, oldest first.
    std::vector<Row> due(std::int64_t now_ms, const std::set<std::int64_t>& in_flight, std::size_t limit);
    // The earliest time a row becomes due (INT64_MAX when the outbox is empty).
    std::int64_t next_due_ms();
    void delivered(std::int64_t id);
    void retry_at(std::int64_t id, int attempts, std::int64_t when_ms);
    std::size_t depth();

private:
    sqlite3_stmt* prepare(const char* sql);
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    sqlite3_stmt* heads_ = nullptr;
    sqlite3_stmt* next_due_ = nullptr;
    sqlite3_stmt* delete_ = nullptr;
    sqlite3_stmt* retry_ = nullptr;
    sqlite3_stmt* count_ = nullptr;
};

}  // namespace posemeet::server
