// The view-model the UI draws from and the intents it emits. Built by the app from the
// session each frame, so the UI never touches networking or platform code.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/pose.hpp"
#include "core/room.hpp"

namespace posemeet::ui {

struct TileView {
    std::string user_id;
    std::string name;
    bool is_self = false;
    bool is_host = false;
    std::string transport;  // "p2p", "relay", "none" (remote) or "" (self)
    std::uint64_t packets_received = 0;
    std::optional<Pose> pose;  // what to draw now
    bool idle = false;         // `pose` is the idle figure: nothing drives this avatar now
    bool mic = false, camera = false, sharing = false, may_share = false, online = true;
    bool wants_to_speak = false, wants_to_share = false;  // pending requests (host sees them)
    bool speaking = false;        // their voice is coming through now
    bool active_speaker = false;  // the last person who spoke
    float volume = 1.0f;          // our output volume for them, 0..2
};

struct AudioInputChoice {
    std::string id, label;
};
using CameraChoice = AudioInputChoice;

struct ChatLine {
    std::string from, to;  // to: empty for the room
    std::string text;
    bool mine = false;
};

// A request waiting for the host's answer.
struct PendingRequest {
    std::string user_id, user_name;
    bool share = false;  // false: asks to speak
};

// Someone the operator invited who is not in the meeting (yet): shown under the participants.
struct InvitationLine {
    std::string name;    // the invitation's name, else its identity
    std::string status;  // invited, declined or missed
};

struct MeetingView {
    std::string status;  // idle, connecting, joined, reconnecting, failed
    std::string error;         // in words, shown as a banner when not empty
    std::string error_detail;  // its code and the server's text, for a Details line
    bool join_refused_meeting_ended = false;  // the room's meeting has ended: offer a new one
    std::string theme_choice = "system";      // system, dark or light (Settings)
    std::string language = "en";              // en or zh (Settings)
    std::string notice;  // non-fatal, e.g. "WebRTC unavailable: media goes through the server"
    std::string room_name;
    std::string server_url;
    std::vector<TileView> tiles;  // join order (the same on every page: colours follow it)
    std::vector<InvitationLine> invitations;  // not joined: invited, declined, missed
    std::string default_name, default_room;
    std::string about;  // build info line for the footer

    // Meeting controls (from the room mirror).
    std::string self_id;
    bool i_am_host = false;
    bool my_mic = false, my_camera = false, may_share = false, i_am_sharing = false;
    bool mic_blocked = false;      // all muted without self-unmute, and no permission
    MemberPermission granted;      // what our access token allows (sources, chat)
    bool mic_applying = false, share_applying = false;
    bool asked_mic_on = false, asked_camera_on = false;
    bool all_muted = false;
    std::string sharer_name;       // empty when nobody shares
    int share_type = 0;
    std::vector<PendingRequest> requests;  // host only
    std::vector<ChatLine> chat;
    std::vector<std::string> toasts;       // recent notices for you, newest last
    bool ended = false;

    // Audio.
    std::string mic_state;        // off, asking, live, denied, no_device, error
    std::string mic_message;      // why the microphone is unavailable, for the user
    float input_level_dbfs = -127.0f;
    std::vector<AudioInputChoice> input_devices;
    std::string input_device;
    bool audio_waits_for_click = false;  // the browser holds sound until the user interacts
    bool slow_connection = false;  // the server drops media on its way to us (we read too slowly)

    // Camera (only landmarks leave the device; the self-view shows the picture locally).
    std::string camera_state;    // off, starting, on, denied, no-camera, busy, model-failed, needs-http, error
    std::string camera_message;  // for the user; empty when there is nothing to say
    std::vector<CameraChoice> camera_devices;
    std::string camera_device;
    bool demo_avatar = false;  // synthetic motion instead of the camera
    bool self_view = true;     // the camera's self-view box is shown while the camera runs
};

// [SECTION] room actions: what the user asked the room to do, one type per action. The UI
// knows nothing of the control protocol; ui/room_requests.hpp turns each into its request.
struct SetMyMic {
    bool on = false;
};
// Instead of unmuting while everyone is muted without self-unmute.
struct AskToSpeak {};
struct SetMyCamera {
    bool on = false;
};
struct AskToShare {};
enum class ShareKind { Screen, Whiteboard };
struct StartShare {
    ShareKind kind = ShareKind::Screen;
};
struct StopShare {};

// The host's actions. MuteAll mutes everyone except the host; AllowMics undoes it.
struct MuteAll {
    bool allow_self_unmute = true;
};
struct AllowMics {};
struct EndMeeting {};
// Off mutes them; on asks them to unmute (they answer with AnswerHostAsk).
struct SetOtherMic {
    std::string user_id;
    bool on = false;
};
// Off turns their camera off; on asks them to turn it on.
struct SetOtherCamera {
    std::string user_id;
    bool on = false;
};
struct SetSharePermission {
    std::string user_id;
    bool allowed = false;
};
struct MakeHost {
    std::string user_id;
};
struct AnswerSpeakRequest {
    std::string user_id;
    bool permit = false;
};
struct AnswerShareRequest {
    std::string user_id;
    bool permit = false;
};

// A member's answer to the host asking them to turn on their mic (or camera).
enum class Device { Mic, Camera };
struct AnswerHostAsk {
    Device device = Device::Mic;
    bool accept = false;
};
struct SendChat {
    std::string text;
    std::string to_user_id;  // empty: to everyone
};

using RoomAction =
    std::variant<SetMyMic, AskToSpeak, SetMyCamera, AskToShare, StartShare, StopShare, MuteAll,
                 AllowMics, EndMeeting, SetOtherMic, SetOtherCamera, SetSharePermission, MakeHost,
                 AnswerSpeakRequest, AnswerShareRequest, AnswerHostAsk, SendChat>;

// What the user asked for this frame.
struct Intents {
    bool join = false;
    bool join_new_meeting = false;  // open a new meeting in a room whose meeting ended
    std::string join_room, join_name;
    bool leave = false;
    std::vector<RoomAction> room_actions;  // in the order they were clicked
    // Audio settings (local, not room operations).
    std::vector<std::pair<std::string, float>> volumes;  // user id -> new output volume
    std::optional<std::string> input_device;             // switch microphone ("" = default)
    // Camera settings (local).
    std::optional<std::string> camera_device;  // switch camera ("" = default)
    std::optional<bool> demo_avatar;           // use the demo avatar instead of the camera
    std::optional<bool> self_view;             // show or hide the self-view box
    // Look (local): "system" (follow the browser's light/dark setting), "dark" or "light".
    std::optional<std::string> theme;
    std::optional<std::string> language;  // "en" or "zh"
};

// Receives a skeleton to draw: pose, tile rectangle (CSS px) and RGBA colour.
using SkeletonSink =
    std::function<void(const Pose&, float x, float y, float w, float h, const float rgba[4])>;

}  // namespace posemeet::ui
