// The view-model the UI draws from and the intents it emits. Built by the app from the
// session each frame, so the UI never touches networking or platform code.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/pose.hpp"

namespace posemeet::ui {

struct TileView {
    std::string user_id;
    std::string name;
    bool is_self = false;
    bool is_host = false;
    std::string transport;  // "p2p", "relay", "none" (remote) or "" (self)
    std::uint64_t packets_received = 0;
    std::uint32_t color_seed = 0;
    std::optional<Pose> pose;  // what to draw now; empty until the first packet
};

struct MeetingView {
    std::string status;  // idle, connecting, joined, reconnecting, failed
    std::string error;   // shown as a banner when not empty
    std::string notice;  // non-fatal, e.g. "WebRTC unavailable: media goes through the server"
    std::string room_name;
    std::string server_url;
    std::vector<TileView> tiles;  // join order
    std::string default_name, default_room;
    std::string about;  // build info line for the footer
};

struct Intents {
    bool join = false;
    std::string join_room, join_name;
    bool leave = false;
};

// Receives a skeleton to draw: pose, tile rectangle (CSS px) and RGBA colour.
using SkeletonSink = std::function<void(const Pose&, float x, float y, float w, float h,
                                        const float rgba[4])>;

}  // namespace posemeet::ui
