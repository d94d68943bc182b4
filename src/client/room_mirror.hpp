// The client's copy of a room's meeting controls and chat, kept true by applying the
// server's notifications (the server decides; the client only mirrors). Also turns the
// events that concern *you* into short notices for the UI ("The host muted you").
#pragma once

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "core/protocol.hpp"
#include "core/room.hpp"

namespace posemeet {

struct RoomControls {
    int mic_all_status = 1;               // 0 all muted, 1 mic allowed
    int operate_self_mic_permission = 1;  // may visitors unmute while all muted
    std::string share_user_id;            // who shares now
    int share_type = 0;
    std::vector<std::string> mic_applications;    // host only: who asked to speak
    std::vector<std::string> share_applications;  // host only: who asked to share
    bool mic_granted = false, mic_applying = false, share_applying = false;
    bool asked_mic_on = false, asked_camera_on = false;  // the host asks me to turn it on
};

struct Notice {
    std::string text;
    double at_ms = 0;
};

class RoomMirror {
public:
    using UserLookup = std::function<UserRecord*(const std::string& user_id)>;

    // From a join or resync response.
    void reset(const protocol::Json& room_state, const protocol::Json& messages, const std::string& self_id);
    void clear();
    // Applies one notification; `users` finds a member record to update (nullptr if unknown).
    void apply(const std::string& event, const protocol::Json& data, const UserLookup& users, double now_ms);
    void add_notice(std::string text, double now_ms);
    // Local bookkeeping when our own request succeeded (e.g. we applied to speak).
    void on_request_ok(const std::string& event, const protocol::Json& content);

    const RoomControls& controls() const { return controls_; }
    const std::deque<ChatMessage>& chat() const { return chat_; }
    const std::deque<Notice>& notices() const { return notices_; }
    bool ended() const { return ended_; }
    protocol::Json to_json() const;          // controls + chat
    protocol::Json recent_events_json() const;

private:
    static void set_member(std::vector<std::string>& list, const std::string& id, bool present);
    std::string name_of(const std::string& user_id, const UserLookup& users) const;

    std::string self_id_;
    RoomControls controls_;
    std::deque<ChatMessage> chat_;
    std::deque<Notice> notices_;
    std::deque<protocol::Json> recent_events_;  // last notifications, for the JS API and tests
    bool ended_ = false;
};

}  // namespace posemeet
