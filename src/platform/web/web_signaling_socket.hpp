// SignalingSocket over the browser's WebSocket, through Emscripten's built-in
// <emscripten/websocket.h> (a thin JS library shipped with Emscripten, no download).
#pragma once

#include <emscripten/websocket.h>

#include "client/platform_services.hpp"

namespace posemeet::web {

class WebSignalingSocket final : public SignalingSocket {
public:
    ~WebSignalingSocket() override;
    void connect(const std::string& url, Handlers handlers) override;
    void send_text(const std::string& text) override;
    void send_binary(const std::uint8_t* data, std::size_t size) override;
    void close() override;

private:
    static EM_BOOL on_open(int, const EmscriptenWebSocketOpenEvent*, void* self);
    static EM_BOOL on_message(int, const EmscriptenWebSocketMessageEvent*, void* self);
    static EM_BOOL on_error(int, const EmscriptenWebSocketErrorEvent*, void* self);
    static EM_BOOL on_closed(int, const EmscriptenWebSocketCloseEvent*, void* self);
    void release();

    EMSCRIPTEN_WEBSOCKET_T socket_ = 0;
    Handlers handlers_;
    bool open_ = false;
};

}  // namespace posemeet::web
