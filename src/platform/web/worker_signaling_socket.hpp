// SignalingSocket of the served page: the WebSocket to the server lives in the voice worker
// (web/posemeet-voice-worker.js), which keeps the relayed audio for the voice and passes
// everything else here in order, so relayed voice does not wait for this thread either. It
// behaves as WebSignalingSocket does (one on_close per connection, none after close()).
#pragma once

#include "client/platform_services.hpp"

namespace posemeet::web {

class WorkerSignalingSocket final : public SignalingSocket {
public:
    ~WorkerSignalingSocket() override;
    // The voice worker must be running (web::WorkerVoice starts it).
    void connect(const std::string& url, Handlers handlers) override;
    void send_text(const std::string& text) override;
    void send_binary(const std::uint8_t* data, std::size_t size) override;
    void close() override;

private:
    static void on_open(void* self);
    static void on_text(void* self, const char* text);
    static void on_binary(void* self, const std::uint8_t* data, int size);
    static void on_closed(void* self, int code, const char* reason, int flags);

    Handlers handlers_;
    bool connected_ = false;  // between connect() and its close
    bool open_ = false;
    std::string url_;
};

}  // namespace posemeet::web
