// The notifications waiting for a member that has no live connection: an HTTP member
// (fetched by long-poll) or a WebSocket member that dropped and may resume. Each event gets
// a sequence number (1, 2, ...; per member, never reused). A reader acknowledges what it
// has by asking for the events after some sequence number; unacknowledged events are kept
// so a poll whose answer was lost can be repeated. Bounded: past `capacity` the oldest
// event is dropped and counted. Pure (no I/O, no clock). Every member has one, and a
// member on a WebSocket never uses it unless its connection drops: the events are kept in
// a LazyFifo, which allocates nothing until the first one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/lazy_fifo.hpp"
#include "core/protocol.hpp"

namespace posemeet {

struct InboxEvent {
    std::uint64_t seq = 0;
    protocol::Json message;  // the complete inform envelope {message_type, event, timestamp, data}

    // The long-poll form: {seq, event, data, timestamp}.
    protocol::Json to_poll_json() const {
        return protocol::Json{{"seq", seq},
                              {"event", protocol::field_or<std::string>(message, "event", "")},
                              {"data", message.contains("data") ? message["data"] : protocol::Json::object()},
                              {"timestamp", protocol::field_or<std::int64_t>(message, "timestamp", 0)}};
    }
};

constexpr std::size_t kDefaultInboxCapacity = 500;

class EventInbox {
public:
    explicit EventInbox(std::size_t capacity = kDefaultInboxCapacity) : capacity_(capacity ? capacity : 1) {}

    // Queues an inform envelope; returns its sequence number.
    std::uint64_t push(protocol::Json message) {
        events_.push_back({++last_seq_, std::move(message)});
        while (events_.size() > capacity_) {
            events_.pop_front();
            ++dropped_;
        }
        return last_seq_;
    }

    // Forgets every event with seq <= `seq` (the reader has them).
    void acknowledge(std::uint64_t seq) {
        while (!events_.empty() && events_.front().seq <= seq) events_.pop_front();
    }

    // Up to `max` events with seq > `after`, oldest first.
    std::vector<InboxEvent> after(std::uint64_t after_seq, std::size_t max = static_cast<std::size_t>(-1)) const {
        std::vector<InboxEvent> out;
        for (const auto& e : events_) {
            if (out.size() >= max) break;
            if (e.seq > after_seq) out.push_back(e);
        }
        return out;
    }
    bool has_after(std::uint64_t after_seq) const { return !events_.empty() && events_.back().seq > after_seq; }

    // Everything queued, oldest first, and empties the queue (a resumed WebSocket gets it all).
    std::vector<InboxEvent> drain() { return events_.take_all(); }

    std::uint64_t last_seq() const { return last_seq_; }    // 0 = nothing was ever queued
    std::uint64_t dropped() const { return dropped_; }      // events lost to the bound, ever
    std::size_t size() const { return events_.size(); }
    bool empty() const { return events_.empty(); }
    std::size_t capacity() const { return capacity_; }

private:
    std::size_t capacity_;
    LazyFifo<InboxEvent> events_;
    std::uint64_t last_seq_ = 0;
    std::uint64_t dropped_ = 0;
};

}  // namespace posemeet
