// The server's WebSocket URL for joining one room: the room goes in the query (/ws?room=ID)
// so that the server can put the connection on the thread that carries the room's other
// members before it has read the join (core/room_placement.hpp). Only a hint: the join
// request names the room either way. Pure.
#pragma once

#include <string>
#include <string_view>

namespace posemeet {

// `server_url` with `room=<room_id, percent-encoded>` added to its query.
std::string websocket_url_for_room(std::string_view server_url, std::string_view room_id);

}  // namespace posemeet
