// The client side of a meeting, platform-free: connects to the server, joins a room,
// sends requests and settles each one (answered, refused, or failed when the connection
// goes), mirrors the room from notifications (client/room_mirror.hpp), sends our pose from
// a PoseSource at the rate of the room's size tier (core/pose_tier.hpp), and hands media to
// the MediaRouter (peer links, relay, what arrives). Reconnects on its own when the server
// drops. Driven by tick() from the platform's frame loop or timer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/media_router.hpp"
#include "client/platform_services.hpp"
#include "client/room_mirror.hpp"
#include "core/media_packet.hpp"
#include "core/pose.hpp"
#include "core/pose_source.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/room.hpp"

namespace posemeet {

enum class ConnectionStatus : int { Idle = 0, Connecting = 1, Joined = 2, Reconnecting = 3, Failed = 4, Ended = 5 };
const char* to_string(ConnectionStatus s);

struct SessionConfig {
    std::string server_url;      // ws://host:port/ws
    bool force_relay = false;    // media through the server even when WebRTC exists
    // Poses per second we send; 0 = by the room's size (30/20/10, core/pose_tier.hpp),
    // following joins and leaves.
    double pose_rate_hz = 0;
    double playout_delay_ms = 80.0;  // the least a remote's pose plays behind its arrival
    bool join_with_mic = false;  // ask for the mic on when joining (the room may refuse)
    // Join with the camera flag on. Bots (synthetic motion) do; a browser whose avatar
    // follows its camera joins with it off and opens the camera when asked.
    bool join_with_camera = true;
};

class MeetingSession {
public:
    // Events for the UI and the JS API: name + JSON payload.
    using EventListener = std::function<void(const std::string& name, const protocol::Json& data)>;

    MeetingSession(SessionConfig config, SignalingSocket& socket, PeerLinkFactory* peers,
                   const Clock& clock);
    ~MeetingSession();

    // `new_meeting`: if the room's last meeting has ended, open a new one there (otherwise
    // such a join is refused with 422 until the server forgets the ended meeting).
    // `access_token`: the join token (a JWT from the operator's backend); without one the
    // token source below is asked, and without that the join carries none (a development
    // server accepts that, a production one refuses with 451).
    void join(const std::string& room_id, const std::string& user_name, bool new_meeting = false,
              std::string access_token = {});
    // Where a join's token comes from when none was given: called with the room and name,
    // it answers once (now or later) with a token, or "" to join without one. The web
    // client asks a development server's own endpoint (GET /api/v1/dev/token).
    using TokenSource = std::function<void(const std::string& room_id, const std::string& user_name,
                                           std::function<void(std::string token)> answer)>;
    void set_token_source(TokenSource source) { token_source_ = std::move(source); }
    void leave();
    void tick();  // call often (every frame or every few ms)
    void set_event_listener(EventListener l) { listener_ = std::move(l); }
    // Where our pose comes from; by default the synthetic figure seeded by our user id.
    // Takes effect at the next join or resume.
    void set_pose_source_factory(PoseSourceFactory f) { pose_source_factory_ = std::move(f); }

    ConnectionStatus status() const { return status_; }
    // What went wrong, in words for a person ("The host has ended this meeting."), and the
    // technical detail ("code 422: the meeting has ended") for a Details line.
    const std::string& last_error() const { return last_error_; }
    const std::string& last_error_detail() const { return last_error_detail_; }
    // The code of the last refused join (422: the room's meeting has ended), 0 after success.
    int join_refusal_code() const { return join_refusal_code_; }
    const std::optional<UserRecord>& self() const { return mirror_.self(); }
    const std::optional<RoomRecord>& room() const { return mirror_.room(); }
    // Media state per other participant (their records are in mirror()).
    const std::map<std::string, RemoteMedia>& remotes() const { return media_.remotes(); }
    // Participants in join order (self included), as every user list is ordered.
    std::vector<const UserRecord*> participants_in_order() const { return mirror_.participants_in_order(); }
    // Our own pose right now, and a remote's pose for the frame being drawn (in step with
    // its voice while that plays; see MediaRouter::pose_now, once per frame and remote).
    std::optional<Pose> local_pose() const;
    std::optional<Pose> remote_pose_now(const std::string& user_id);
    // Where each remote's voice is (the audio engine sets this): their poses play in step.
    void set_heard_audio(MediaRouter::HeardAudio heard) { media_.set_heard_audio(std::move(heard)); }
    // Poses per second we send now: the configured rate, else our room size's tier.
    double pose_rate_hz() const;
    std::uint64_t pose_packets_sent() const { return packets_sent_; }
    std::uint64_t pose_bytes_sent() const { return bytes_sent_; }
    // Our pose stream: keyframes and deltas sent, and why keyframes went out.
    const PoseStreamEncoder::Stats& pose_stream_stats() const { return pose_encoder_.stats(); }

    // Audio rides the same links as pose (peer link, else the relay). The session only
    // routes it and applies the room's mic rule; the audio engine (client/audio_engine.hpp)
    // encodes, decodes and mixes.
    using AudioPacketListener = std::function<void(const std::string& user_id, const MediaHeader& header,
                                                   const std::uint8_t* payload, std::size_t size)>;
    void set_audio_listener(AudioPacketListener l) { audio_listener_ = std::move(l); }
    // True while our audio may go out: joined, the room has our mic on, and we have not
    // just asked to mute (muting takes effect at the click, not at the server's answer).
    bool mic_open() const;
    // Sends one audio payload stamped with the capture time of its first sample; false
    // (nothing sent) when mic_open() is false.
    bool send_audio(const std::vector<std::uint8_t>& payload, std::uint32_t timestamp_ms);
    // An audio packet sent elsewhere (the page's voice worker sends its own, over the peer
    // links' voice channels and the relay socket it holds), for the counters below.
    void note_audio_sent(std::size_t bytes) {
        ++audio_packets_sent_;
        audio_bytes_sent_ += bytes;
    }
    std::uint64_t audio_packets_sent() const { return audio_packets_sent_; }
    std::uint64_t audio_bytes_sent() const { return audio_bytes_sent_; }
    // Audio packets that arrived from a member whose mic the room says is off (dropped).
    std::uint64_t audio_dropped_muted() const { return media_.audio_dropped_muted(); }
    // The server drops media on its way to us (we read too slowly): vcOnMediaCongestion.
    const RelayCongestion& relay_congestion() const { return media_.relay_congestion(); }
    const Clock& clock() const { return clock_; }

    // Sends any room operation (vcOperateSelfMic, vcOperateAllMic, vcSendMessage, ...) and
    // returns its request id; the answer arrives as a "reply" event with that id. The server
    // decides; the mirror changes when its notifications arrive. Every request settles: if
    // the connection drops, we leave or the meeting ends before the answer, its "reply"
    // comes with code 460 (422 when the meeting ended) and a message saying so. Returns ""
    // (nothing sent) while not joined, e.g. while reconnecting.
    std::string request(const std::string& event, protocol::Json content);
    const RoomMirror& mirror() const { return mirror_; }
    const UserRecord* find_user(const std::string& user_id) const { return mirror_.find(user_id); }

    // state() of the JS API: room, participants, per-remote transport/stats/latest pose,
    // the meeting controls and chat, and the latest notifications.
    protocol::Json state_json() const;

    // The participants this page has on screen, when it shows only some (tiles in pages);
    // nullopt: no list. Told to the server when it changes (vcSetMediaReceive visible), so
    // that in a large room the relay sends full-rate pose for these and a trickle for the rest.
    void set_visible_members(std::optional<std::vector<std::string>> user_ids);

private:
    void connect();
    void on_open();
    void on_text(std::string_view text);
    void on_close(int close_code, const std::string& reason);
    // The operator removed us: status Ended with `why`, no reconnect, no resume.
    void stay_out(const std::string& why);
    void on_reply(const protocol::Json& msg);
    // While the server says we read too slowly, asks it for fewer poses (vcSetMediaReceive).
    void ask_for_less_while_congested();
    void on_inform(const protocol::Json& msg);
    void on_joined_reply(const protocol::Json& response, bool resumed);
    // Every request still waiting for its answer gets a "reply" with this code and message
    // (the connection went, we left, or the meeting ended).
    void fail_pending_requests(protocol::ErrorCode code, const std::string& message);
    std::string send_request(const std::string& event, protocol::Json content);  // returns its id
    // What vcSetMediaReceive last told this connection of our visible members (sorted); the
    // outer nullopt: nothing told yet on this connection.
    std::optional<std::optional<std::vector<std::string>>> visible_told_;
    std::string send_request(protocol::Event event, protocol::Json content) {
        return send_request(protocol::event_name(event), std::move(content));
    }
    void send_pose(std::uint32_t timestamp_ms);
    void emit(const std::string& name, const protocol::Json& data);
    void set_status(ConnectionStatus s, const std::string& error = {}, const std::string& detail = {});

    SessionConfig config_;
    SignalingSocket& socket_;
    const Clock& clock_;
    EventListener listener_;

    ConnectionStatus status_ = ConnectionStatus::Idle;
    std::string last_error_;
    std::string last_error_detail_;
    int join_refusal_code_ = 0;
    bool new_meeting_ = false;  // this join may open a new meeting in an ended room
    std::string access_token_;  // sent with every vcJoinRoom of this join
    TokenSource token_source_;
    std::uint64_t token_requests_ = 0;  // a token answer for an older join is ignored
    std::string room_id_, user_name_;
    bool want_joined_ = false;
    int reconnect_attempt_ = 0;
    double reconnect_at_ms_ = 0;

    RoomMirror mirror_;  // declared before media_, which reads it
    MediaRouter media_;
    PoseSourceFactory pose_source_factory_;
    std::unique_ptr<PoseSource> pose_source_;

    std::uint64_t next_request_id_ = 1;
    std::string pending_join_id_;  // the vcJoinRoom awaiting its reply; other replies never join
    std::string pending_resync_id_;  // a vcResync resuming our membership after a drop
    std::map<std::string, std::pair<std::string, protocol::Json>> pending_requests_;  // id -> event, content
    // What resumes our membership after a network drop (within the server's grace period).
    std::string resume_user_id_, resume_token_;
    std::uint16_t pose_sequence_ = 0;  // also the pose stream's frame id
    PoseStreamEncoder pose_encoder_;
    double next_pose_at_ms_ = 0;
    std::uint64_t packets_sent_ = 0, bytes_sent_ = 0;
    AudioPacketListener audio_listener_;
    std::uint16_t audio_sequence_ = 0;
    bool mute_requested_ = false;
    std::uint64_t audio_packets_sent_ = 0, audio_bytes_sent_ = 0;
    // Platform callbacks hold a weak_ptr to this; once the session is gone they expire
    // and late callbacks are ignored.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace posemeet
