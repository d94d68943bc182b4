// The small interfaces through which the platform-free client reaches the world.
// platform/web implements them with browser APIs (WebSocket, RTCPeerConnection,
// performance.now), platform/native with Boost.Beast and std::chrono (no WebRTC: native
// clients use the server relay).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/protocol.hpp"

namespace posemeet {

class SignalingSocket {
public:
    struct Handlers {
        std::function<void()> on_open;
        std::function<void(std::string_view)> on_text;
        std::function<void(const std::uint8_t*, std::size_t)> on_binary;
        // Also after a failed connect. close_code is the WebSocket close frame's code, 0 when
        // the connection failed or dropped without one.
        std::function<void(int close_code, const std::string& reason)> on_close;
    };
    virtual ~SignalingSocket() = default;
    virtual void connect(const std::string& url, Handlers handlers) = 0;
    virtual void send_text(const std::string& text) = 0;
    virtual void send_binary(const std::uint8_t* data, std::size_t size) = 0;
    virtual void close() = 0;  // no on_close callback after an explicit close
};

// A peer-to-peer link to one remote participant: a WebRTC connection carrying one
// unordered, unreliable data channel for media packets.
class PeerLink {
public:
    struct Handlers {
        std::function<void(const protocol::Json& signal)> on_local_signal;  // send via signaling
        std::function<void()> on_open;
        std::function<void(const std::uint8_t*, std::size_t)> on_message;
        std::function<void(const std::string& reason)> on_failed;
        // Whom the link reaches. The browser hands the link's voice channel to the voice
        // worker under this name (platform/web/library_webrtc.js).
        std::string remote_user_id;
    };
    virtual ~PeerLink() = default;  // closes the connection
    // The offerer creates the data channel and the offer; the answerer waits for signals.
    virtual void start(bool offerer) = 0;
    virtual void apply_remote_signal(const protocol::Json& signal) = 0;
    virtual bool send(const std::uint8_t* data, std::size_t size) = 0;  // false if not open
    virtual bool is_open() const = 0;
};

class PeerLinkFactory {
public:
    virtual ~PeerLinkFactory() = default;
    virtual std::unique_ptr<PeerLink> create(PeerLink::Handlers handlers) = 0;
};

class Clock {
public:
    virtual ~Clock() = default;
    virtual double now_ms() const = 0;               // monotonic, for timers and playout
    virtual std::uint32_t media_time_ms() const = 0;  // wall clock ms mod 2^32: packet timestamps
};

}  // namespace posemeet
