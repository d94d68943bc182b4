// The one place a room action the UI asked for becomes a control-protocol request: the
// event and the content the server expects. Platform-free (the app sends the result).
#pragma once

#include "core/protocol.hpp"
#include "ui/meeting_view.hpp"

namespace posemeet::ui {

struct RoomRequest {
    protocol::Event event = protocol::Event::Unknown;
    protocol::Json content;
};

RoomRequest room_request(const RoomAction& action);

}  // namespace posemeet::ui
