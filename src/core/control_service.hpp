// Dispatches control requests to rooms: the single place where an event_name becomes a
// room operation, shared by every transport (WebSocket now, HTTP later). Pure: the caller
// supplies the clock and id generator and delivers the returned messages.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/protocol.hpp"
#include "core/room.hpp"

namespace posemeet {

// What the service knows about one client connection.
struct ConnectionState {
    std::string room_id;  // empty until joined
    std::string user_id;
    bool joined() const { return !user_id.empty(); }
};

struct Delivery {
    std::string user_id;  // recipient
    Json message;         // a complete inform envelope
};

struct ControlResult {
    Json reply;  // the "return" envelope for the requester
    std::vector<Delivery> deliveries;
};

struct ServiceConfig {
    RoomLimits room_limits;
    std::size_t max_signal_bytes = 16 * 1024;
};

constexpr std::size_t kMaxRoomIdBytes = 64;

class ControlService {
public:
    using IdGenerator = std::function<std::string()>;
    ControlService(ServiceConfig config, IdGenerator new_user_id);

    ControlResult handle(ConnectionState& conn, const protocol::Request& request, std::int64_t now_ms);
    // The connection closed: the same as vcLeaveRoom, without a reply.
    std::vector<Delivery> disconnect(ConnectionState& conn, std::int64_t now_ms);

    // Recipients (user ids) of a relayed media packet from this connection; empty if it
    // may not relay (not joined). `sender_media_id` receives the id to stamp on the packet.
    std::vector<std::string> relay_recipients(const ConnectionState& conn,
                                              const std::vector<std::uint16_t>& targets,
                                              std::uint16_t& sender_media_id) const;

    const Room* find_room(const std::string& room_id) const;
    // Live rooms by id (a room exists while it has members).
    const std::map<std::string, std::unique_ptr<Room>>& rooms() const { return rooms_; }
    std::size_t room_count() const { return rooms_.size(); }
    std::size_t participant_count() const;

private:
    Outcome join(ConnectionState& conn, const Json& content, std::int64_t now_ms);
    Outcome leave(ConnectionState& conn, std::int64_t now_ms);
    // Every room operation after joining: validates content, then asks the room.
    Outcome operate(Room& room, const ConnectionState& conn, const protocol::Request& req, std::int64_t now_ms);
    Outcome signal(const ConnectionState& conn, const Json& content, std::vector<Delivery>& extra,
                   std::int64_t now_ms);
    Room* room_of(const ConnectionState& conn);
    static void expand(std::vector<Notification>& notifications, std::int64_t now_ms,
                       std::vector<Delivery>& out);

    ServiceConfig config_;
    IdGenerator new_user_id_;
    std::map<std::string, std::unique_ptr<Room>> rooms_;
};

}  // namespace posemeet
