// Which of the server's media threads a WebSocket goes to (issue 13): every connection of a
// room to the same thread, so that relaying a packet to the room touches only sockets of
// the thread that read it; new rooms to the thread carrying the fewest connections. The
// client names its room when it connects (/ws?room=ID), before it joins; a connection that
// names none goes to the least-loaded thread on its own. A room is forgotten when its last
// connection closes: if it fills again, it is placed afresh. Pure, no I/O, no locks.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace posemeet {

class RoomPlacement {
  public:
    explicit RoomPlacement(std::size_t threads);

    // A connection for `room_id` (empty: none named) opens: the thread it goes to.
    std::size_t place(const std::string& room_id);
    // A connection that place() put on `thread` for `room_id` closed.
    void release(const std::string& room_id, std::size_t thread);

    std::size_t threads() const { return load_.size(); }
    // Connections on `thread` now.
    std::size_t load(std::size_t thread) const { return thread < load_.size() ? load_[thread] : 0; }
    // The thread of a room with connections open, if any.
    std::optional<std::size_t> thread_of(const std::string& room_id) const;
    // Rooms placed on `thread` now.
    std::size_t rooms_on(std::size_t thread) const;

  private:
    std::size_t least_loaded() const;

    struct Placed {
        std::size_t thread = 0;
        std::size_t connections = 0;
    };
    std::vector<std::size_t> load_;  // connections per thread
    std::map<std::string, Placed> rooms_;
};

}  // namespace posemeet
