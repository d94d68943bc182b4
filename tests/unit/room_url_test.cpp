// room_url: the room named in the WebSocket URL's query (the server's thread placement).
#include "client/room_url.hpp"

#include <doctest/doctest.h>

using posemeet::websocket_url_for_room;

TEST_SUITE_BEGIN("room_url");

TEST_CASE("the room is added to the query, percent-encoded") {
    CHECK(websocket_url_for_room("ws://h:8080/ws", "townhall") == "ws://h:8080/ws?room=townhall");
    CHECK(websocket_url_for_room("ws://h/ws?x=1", "a b") == "ws://h/ws?x=1&room=a%20b");
    // UTF-8 bytes and the query's own delimiters are encoded.
    CHECK(websocket_url_for_room("ws://h/ws", "Zoë&x=1") == "ws://h/ws?room=Zo%C3%AB%26x%3D1");
    CHECK(websocket_url_for_room("ws://h/ws", "a-b_c.d~e") == "ws://h/ws?room=a-b_c.d~e");
}

TEST_CASE("a fragment stays last, and no room adds nothing") {
    CHECK(websocket_url_for_room("ws://h/ws#f", "r") == "ws://h/ws?room=r#f");
    CHECK(websocket_url_for_room("ws://h/ws", "") == "ws://h/ws");
}

TEST_SUITE_END();
