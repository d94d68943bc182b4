// See web_signaling_socket.hpp. The browser reports a failed connect as error + close;
// we turn both into one on_close so the session sees exactly one "it's gone".
#include "platform/web/web_signaling_socket.hpp"

#include "platform/web/socket_close_reason.hpp"

namespace posemeet::web {

WebSignalingSocket::~WebSignalingSocket() { release(); }

void WebSignalingSocket::connect(const std::string& url, Handlers handlers) {
    release();
    handlers_ = std::move(handlers);
    EmscriptenWebSocketCreateAttributes attrs;
    emscripten_websocket_init_create_attributes(&attrs);
    attrs.url = url.c_str();
    attrs.createOnMainThread = EM_TRUE;
    socket_ = emscripten_websocket_new(&attrs);
    if (socket_ <= 0) {
        socket_ = 0;
        if (handlers_.on_close) handlers_.on_close(0, "invalid server address " + url);
        return;
    }
    emscripten_websocket_set_onopen_callback(socket_, this, &WebSignalingSocket::on_open);
    emscripten_websocket_set_onmessage_callback(socket_, this, &WebSignalingSocket::on_message);
    emscripten_websocket_set_onerror_callback(socket_, this, &WebSignalingSocket::on_error);
    emscripten_websocket_set_onclose_callback(socket_, this, &WebSignalingSocket::on_closed);
}

void WebSignalingSocket::send_text(const std::string& text) {
    if (socket_ && open_) emscripten_websocket_send_utf8_text(socket_, text.c_str());
}

void WebSignalingSocket::send_binary(const std::uint8_t* data, std::size_t size) {
    if (socket_ && open_)
        emscripten_websocket_send_binary(socket_, const_cast<std::uint8_t*>(data), static_cast<uint32_t>(size));
}

void WebSignalingSocket::close() { release(); }

void WebSignalingSocket::release() {
    if (!socket_) return;
    // Detach callbacks first: an explicit close reports nothing back.
    emscripten_websocket_set_onopen_callback(socket_, nullptr, nullptr);
    emscripten_websocket_set_onmessage_callback(socket_, nullptr, nullptr);
    emscripten_websocket_set_onerror_callback(socket_, nullptr, nullptr);
    emscripten_websocket_set_onclose_callback(socket_, nullptr, nullptr);
    emscripten_websocket_close(socket_, 1000, "bye");
    emscripten_websocket_delete(socket_);
    socket_ = 0;
    open_ = false;
}

EM_BOOL WebSignalingSocket::on_open(int, const EmscriptenWebSocketOpenEvent*, void* p) {
    auto* self = static_cast<WebSignalingSocket*>(p);
    self->open_ = true;
    if (self->handlers_.on_open) self->handlers_.on_open();
    return EM_TRUE;
}

EM_BOOL WebSignalingSocket::on_message(int, const EmscriptenWebSocketMessageEvent* e, void* p) {
    auto* self = static_cast<WebSignalingSocket*>(p);
    if (e->isText) {
        // numBytes includes the terminating NUL Emscripten appends.
        const std::size_t n = e->numBytes > 0 ? e->numBytes - 1 : 0;
        if (self->handlers_.on_text) self->handlers_.on_text(std::string_view(reinterpret_cast<const char*>(e->data), n));
    } else if (self->handlers_.on_binary) {
        self->handlers_.on_binary(e->data, e->numBytes);
    }
    return EM_TRUE;
}

EM_BOOL WebSignalingSocket::on_error(int, const EmscriptenWebSocketErrorEvent*, void*) {
    return EM_TRUE;  // always followed by a close event, which reports it
}

EM_BOOL WebSignalingSocket::on_closed(int, const EmscriptenWebSocketCloseEvent* e, void* p) {
    auto* self = static_cast<WebSignalingSocket*>(p);
    const bool was_open = self->open_;
    auto on_close = self->handlers_.on_close;
    self->release();
    const std::string reason =
        socket_close_reason(was_open, e->code, std::string_view(e->reason, strnlen(e->reason, sizeof e->reason)));
    const int close_code = was_open ? e->code : 0;
    if (on_close) on_close(close_code, reason);  // may reconnect, which reuses this object
    return EM_TRUE;
}

}  // namespace posemeet::web
