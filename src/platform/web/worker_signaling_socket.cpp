// See worker_signaling_socket.hpp. The JS half is in library_audio.js (pm_voice_ws_*).
#include "platform/web/worker_signaling_socket.hpp"

#include "platform/web/socket_close_reason.hpp"

#include <cstring>
#include <string>

extern "C" {
void pm_voice_ws_connect(void* ud, const char* url, void (*on_open)(void*), void (*on_text)(void*, const char*),
                         void (*on_binary)(void*, const std::uint8_t*, int),
                         void (*on_close)(void*, int, const char*, int));
void pm_voice_ws_send_text(const char* text);
void pm_voice_ws_send_binary(const std::uint8_t* data, int size);
void pm_voice_ws_close();
}

namespace posemeet::web {

namespace {
constexpr int kWasOpen = 1, kInvalidUrl = 2;  // flags of the close event (library_audio.js)
}

WorkerSignalingSocket::~WorkerSignalingSocket() { close(); }

void WorkerSignalingSocket::connect(const std::string& url, Handlers handlers) {
    close();
    handlers_ = std::move(handlers);
    url_ = url;
    connected_ = true;
    pm_voice_ws_connect(this, url.c_str(), &WorkerSignalingSocket::on_open, &WorkerSignalingSocket::on_text,
                        &WorkerSignalingSocket::on_binary, &WorkerSignalingSocket::on_closed);
}

void WorkerSignalingSocket::send_text(const std::string& text) {
    if (open_) pm_voice_ws_send_text(text.c_str());
}

void WorkerSignalingSocket::send_binary(const std::uint8_t* data, std::size_t size) {
    if (open_) pm_voice_ws_send_binary(data, static_cast<int>(size));
}

void WorkerSignalingSocket::close() {
    if (!connected_) return;
    pm_voice_ws_close();
    connected_ = open_ = false;
}

void WorkerSignalingSocket::on_open(void* p) {
    auto* self = static_cast<WorkerSignalingSocket*>(p);
    self->open_ = true;
    if (self->handlers_.on_open) self->handlers_.on_open();
}

void WorkerSignalingSocket::on_text(void* p, const char* text) {
    auto* self = static_cast<WorkerSignalingSocket*>(p);
    if (self->handlers_.on_text) self->handlers_.on_text(std::string_view(text, std::strlen(text)));
}

void WorkerSignalingSocket::on_binary(void* p, const std::uint8_t* data, int size) {
    auto* self = static_cast<WorkerSignalingSocket*>(p);
    if (self->handlers_.on_binary) self->handlers_.on_binary(data, static_cast<std::size_t>(size));
}

void WorkerSignalingSocket::on_closed(void* p, int code, const char* reason, int flags) {
    auto* self = static_cast<WorkerSignalingSocket*>(p);
    const bool was_open = (flags & kWasOpen) != 0;
    auto on_close = self->handlers_.on_close;
    self->connected_ = self->open_ = false;
    const std::string text = (flags & kInvalidUrl) ? "invalid server address " + self->url_
                                                   : socket_close_reason(was_open, code, reason ? reason : "");
    if (on_close) on_close(was_open ? code : 0, text);  // may reconnect, which reuses this object
}

}  // namespace posemeet::web
