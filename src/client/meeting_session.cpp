// See meeting_session.hpp.
#include "client/meeting_session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "client/refusal_words.hpp"
#include "client/room_url.hpp"
#include "core/pose_tier.hpp"
#include "core/synthetic_pose.hpp"

namespace posemeet {

using protocol::ErrorCode;
using protocol::Event;
using protocol::field_or;
using protocol::Json;

namespace {
constexpr double kMaxReconnectDelayMs = 5000;
constexpr int kMaxPoseCatchUp = 8;  // intervals a late tick may catch up (~270 ms); beyond, skip

Json pose_stream_json(const PoseStreamEncoder::Stats& s) {
    return Json{{"keyframes_sent", s.keyframes},
                {"deltas_sent", s.deltas},
                {"payload_bytes", s.payload_bytes},
                {"keyframes_on_demand", s.on_demand_keyframes},
                {"keyframes_periodic", s.periodic_keyframes},
                {"keyframes_for_oversized_delta", s.oversized_delta_keyframes},
                {"deltas_on_acknowledged_reference", s.acknowledged_reference_deltas},
                {"deltas_coarse", s.coarse_deltas}};
}
}  // namespace

const char* to_string(ConnectionStatus s) {
    switch (s) {
        case ConnectionStatus::Idle: return "idle";
        case ConnectionStatus::Connecting: return "connecting";
        case ConnectionStatus::Joined: return "joined";
        case ConnectionStatus::Reconnecting: return "reconnecting";
        case ConnectionStatus::Failed: return "failed";
        case ConnectionStatus::Ended: return "ended";
    }
    return "?";
}

MeetingSession::MeetingSession(SessionConfig config, SignalingSocket& socket,
                               PeerLinkFactory* peers, const Clock& clock)
    : config_(std::move(config)), socket_(socket), clock_(clock),
      media_({config_.force_relay, config_.playout_delay_ms}, socket, peers, clock, mirror_,
             MediaRouter::Callbacks{
                 [this](const std::string& to, const Json& signal) {
                     send_request(Event::Signal, Json{{"to_user_id", to}, {"signal", signal}});
                 },
                 [this](const std::string& name, const Json& data) { emit(name, data); },
                 [this](const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                        std::size_t size) {
                     if (audio_listener_) audio_listener_(user_id, header, payload, size);
                 },
                 [this](std::uint16_t receiver, const PoseAck& ack) { pose_encoder_.on_ack(receiver, ack); }}),
      pose_source_factory_([](const std::string& user_id) -> std::unique_ptr<PoseSource> {
          return std::make_unique<SyntheticPoseSource>(pose_seed_for_user(user_id));
      }) {}

MeetingSession::~MeetingSession() {
    media_.clear();
    socket_.close();
}

void MeetingSession::join(const std::string& room_id, const std::string& user_name, bool new_meeting,
                          std::string access_token) {
    if (want_joined_) leave();
    access_token_ = std::move(access_token);
    room_id_ = room_id;
    user_name_ = user_name;
    new_meeting_ = new_meeting;
    join_refusal_code_ = 0;
    want_joined_ = true;
    resume_user_id_.clear();
    resume_token_.clear();
    mirror_.clear();
    media_.clear();
    reconnect_attempt_ = 0;
    const std::uint64_t request = ++token_requests_;
    if (access_token_.empty() && token_source_) {
        set_status(ConnectionStatus::Connecting);
        std::weak_ptr<bool> alive = alive_;
        token_source_(room_id, user_name, [this, alive, request](std::string token) {
            if (alive.expired() || request != token_requests_ || !want_joined_) return;  // left or joined again
            access_token_ = std::move(token);
            connect();
        });
        return;
    }
    connect();
}

void MeetingSession::leave() {
    if (!want_joined_) return;
    want_joined_ = false;
    ++token_requests_;  // a token still on its way is for a join that is over
    if (status_ == ConnectionStatus::Joined) send_request(Event::LeaveRoom, Json::object());
    media_.clear();
    mirror_.forget_room();
    resume_user_id_.clear();
    resume_token_.clear();
    fail_pending_requests(ErrorCode::Disconnected, "you left the meeting before the server answered");
    socket_.close();
    set_status(ConnectionStatus::Idle);
    emit("left", Json::object());
}

void MeetingSession::connect() {
    set_status(reconnect_attempt_ > 0 ? ConnectionStatus::Reconnecting : ConnectionStatus::Connecting,
               last_error_, last_error_detail_);
    std::weak_ptr<bool> alive = alive_;
    SignalingSocket::Handlers h;
    h.on_open = [this, alive] { if (!alive.expired()) on_open(); };
    h.on_text = [this, alive](std::string_view t) { if (!alive.expired()) on_text(t); };
    h.on_binary = [this, alive](const std::uint8_t* d, std::size_t n) {
        if (!alive.expired()) media_.on_packet(d, n, MediaPath::Relay, {});
    };
    h.on_close = [this, alive](int code, const std::string& r) { if (!alive.expired()) on_close(code, r); };
    socket_.connect(websocket_url_for_room(config_.server_url, room_id_), std::move(h));
}

void MeetingSession::on_open() {
    if (!resume_user_id_.empty()) {
        // Back after a drop: ask to resume our membership (same user id, role, devices).
        pending_resync_id_ = send_request(Event::Resync, Json{{"room_id", room_id_}, {"user_id", resume_user_id_},
                                                            {"token", resume_token_}});
        return;
    }
    const bool relay = config_.force_relay || !media_.peer_to_peer_possible();
    Json content{{"room_id", room_id_}, {"user_name", user_name_}, {"camera", config_.join_with_camera ? 1 : 0},
                 {"mic", config_.join_with_mic ? 1 : 0}, {"media_relay", relay ? 1 : 0}};
    if (new_meeting_) content["new_meeting"] = 1;
    if (!access_token_.empty()) content["token"] = access_token_;
    pending_join_id_ = send_request(Event::JoinRoom, std::move(content));
}

void MeetingSession::stay_out(const std::string& why) {
    want_joined_ = false;
    resume_user_id_.clear();
    resume_token_.clear();
    mirror_.forget_room();
    set_status(ConnectionStatus::Ended, why);
}

void MeetingSession::on_close(int close_code, const std::string& reason) {
    const bool was_joined = status_ == ConnectionStatus::Joined;
    media_.clear();
    mirror_.forget_members();
    pending_join_id_.clear();
    pending_resync_id_.clear();
    fail_pending_requests(ErrorCode::Disconnected, protocol::default_message(ErrorCode::Disconnected));
    if (!want_joined_) return;
    if (close_code == protocol::kCloseRemoved) return stay_out("You were removed from the meeting.");
    if (close_code == protocol::kCloseResumedElsewhere) {
        // Our membership continues on another connection (the meeting was opened again in
        // another tab or device with our token). Reconnecting would take it back and start
        // a tug of war, so this one stops here.
        want_joined_ = false;
        resume_user_id_.clear();
        resume_token_.clear();
        mirror_.forget_room();
        set_status(ConnectionStatus::Failed, "You joined this meeting from another window; it continues there.");
        emit("replaced", Json{{"reason", reason}});
        return;
    }
    // Back off 0.5 s, 1 s, 2 s, 4 s, 5 s... so a restarting server is not hammered.
    const double delay = std::min(kMaxReconnectDelayMs, 500.0 * std::pow(2.0, reconnect_attempt_));
    ++reconnect_attempt_;
    reconnect_at_ms_ = clock_.now_ms() + delay;
    char retry[32];
    std::snprintf(retry, sizeof retry, "%.1f s", delay / 1000.0);
    set_status(ConnectionStatus::Reconnecting, "Cannot reach the server: " + reason + ". Trying again in " + retry + ".",
               "close code " + std::to_string(close_code));
    if (was_joined) emit("disconnected", Json{{"reason", reason}});
}

void MeetingSession::tick() {
    const double now = clock_.now_ms();
    if (mute_requested_ && (!self() || self()->mic == 0)) mute_requested_ = false;
    if (want_joined_ && status_ == ConnectionStatus::Reconnecting && reconnect_at_ms_ > 0 &&
        now >= reconnect_at_ms_) {
        reconnect_at_ms_ = 0;
        connect();
    }
    if (status_ == ConnectionStatus::Joined && pose_source_) {
        // Poses go out on a fixed schedule at the room's tier rate, each stamped with its
        // scheduled time, so a late tick (a busy page, a throttled timer) still yields evenly
        // spaced poses. After a long stall we skip ahead instead of flooding the link. A
        // join or leave that changes the tier changes the interval from the next pose on.
        const double interval = 1000.0 / pose_rate_hz();
        if (now - next_pose_at_ms_ > kMaxPoseCatchUp * interval) next_pose_at_ms_ = now;
        while (now >= next_pose_at_ms_) {
            const auto lateness = static_cast<std::uint32_t>(now - next_pose_at_ms_);
            send_pose(clock_.media_time_ms() - lateness);
            next_pose_at_ms_ += interval;
        }
    }
}

void MeetingSession::ask_for_less_while_congested() {
    // Pose from each sender at the lowest tier's rate while the server drops media on its
    // way to us, every pose again once it clears. Audio is never thinned: it is what a
    // listener misses most, and the server's drop policy already keeps it last.
    constexpr int kCongestedPoseHz = 10;
    const int want = media_.relay_congestion().active ? kCongestedPoseHz : 0;
    if (want == media_.relay_congestion().asked_pose_hz) return;
    media_.note_asked_pose_hz(want);
    send_request(Event::SetMediaReceive, Json{{"pose_hz", want}});
}

void MeetingSession::set_visible_members(std::optional<std::vector<std::string>> user_ids) {
    if (user_ids) std::sort(user_ids->begin(), user_ids->end());
    if (status_ != ConnectionStatus::Joined) return;
    // Nothing told on this connection yet is the same as no list: the server's default.
    const std::optional<std::vector<std::string>> told = visible_told_.value_or(std::nullopt);
    if (user_ids == told) return;
    visible_told_ = user_ids;
    send_request(Event::SetMediaReceive, Json{{"visible", user_ids ? Json(*user_ids) : Json(nullptr)}});
}

std::string MeetingSession::send_request(const std::string& event, Json content) {
    std::string id = event + "-" + std::to_string(next_request_id_++);
    Json req{{"v", protocol::kVersion}, {"event_name", event}, {"request_id", id}, {"content", std::move(content)}};
    socket_.send_text(req.dump());
    return id;
}

void MeetingSession::on_text(std::string_view text) {
    Json msg = Json::parse(text.begin(), text.end(), nullptr, false);
    if (!msg.is_object()) return;  // a server never sends this; ignore rather than crash
    const std::string type = field_or(msg, "message_type", "");
    if (type == "return") on_reply(msg);
    else if (type == "inform") on_inform(msg);
}

void MeetingSession::on_reply(const Json& msg) {
    const std::string id = field_or(msg, "request_id", "");
    const int code = field_or(msg, "code", 0);
    if (!pending_join_id_.empty() && id == pending_join_id_) {
        pending_join_id_.clear();
        if (code != 200) {
            want_joined_ = false;
            join_refusal_code_ = code;
            const std::string server_message = field_or(msg, "message", std::string());
            set_status(ConnectionStatus::Failed, join_refusal_in_words(code, server_message),
                       refusal_detail(code, server_message));
            emit("error", Json{{"code", code}, {"message", last_error_}, {"detail", last_error_detail_}});
            socket_.close();
            return;
        }
        on_joined_reply(field_or(msg, "response", Json::object()), /*resumed=*/false);
        return;
    }
    if (!pending_resync_id_.empty() && id == pending_resync_id_) {
        pending_resync_id_.clear();
        if (code == 200) {
            on_joined_reply(field_or(msg, "response", Json::object()), /*resumed=*/true);
        } else {
            // Too late (the grace period passed) or not accepted: join afresh.
            resume_user_id_.clear();
            resume_token_.clear();
            on_open();
        }
        return;
    }
    auto pending = pending_requests_.find(id);
    if (pending == pending_requests_.end()) return;
    const auto [event, content] = std::move(pending->second);
    pending_requests_.erase(pending);
    const Event ev = protocol::event_from_name(event);
    const std::string message = field_or(msg, "message", std::string());
    if (code != 200 && ev == Event::OperateSelfMic) mute_requested_ = false;
    if (code == 200) mirror_.on_request_ok(ev, content);
    else mirror_.add_notice(message.empty() ? "The server refused that" : message, clock_.now_ms());
    emit("reply", Json{{"request_id", id}, {"event", event}, {"code", code}, {"message", message},
                       {"response", field_or(msg, "response", Json::object())}});
    if (code != 200) emit("error", Json{{"code", code}, {"message", message}, {"request_id", id}, {"event", event}});
    if (code == 200 && ev == Event::FinishRoom) {
        // We ended it: the server closes the room for everyone, us included.
        on_inform(Json{{"message_type", "inform"}, {"event", protocol::event_name(Event::OnFinishRoom)},
                       {"data", Json{{"room_id", room_id_}, {"reason", 0}}}});
    }
}

void MeetingSession::fail_pending_requests(ErrorCode code, const std::string& message) {
    // Taken out first: a listener may send a new request while we go through them.
    auto pending = std::move(pending_requests_);
    pending_requests_.clear();
    for (const auto& [id, request] : pending) {
        emit("reply", Json{{"request_id", id}, {"event", request.first}, {"code", static_cast<int>(code)},
                           {"message", message}, {"response", Json::object()}});
    }
}

void MeetingSession::on_joined_reply(const Json& response, bool resumed) {
    mute_requested_ = false;
    visible_told_.reset();  // a new connection: the server knows no list; told again if any
    mirror_.reset(response);
    pose_source_ = pose_source_factory_(self()->user_id);
    pose_encoder_ = PoseStreamEncoder();  // our media id may be new: receivers start from a keyframe
    next_pose_at_ms_ = clock_.now_ms();
    media_.clear();
    for (const auto& [id, user] : mirror_.others()) media_.add_remote(user);
    resume_user_id_ = self()->user_id;
    resume_token_ = field_or(response, "token", resume_token_);
    reconnect_attempt_ = 0;
    set_status(ConnectionStatus::Joined);
    emit(resumed ? "resumed" : "joined", Json{{"room", room()->to_json()}, {"user", self()->to_json()}});
}

std::string MeetingSession::request(const std::string& event, Json content) {
    if (status_ != ConnectionStatus::Joined) {
        mirror_.add_notice("Not connected: try again in a moment", clock_.now_ms());
        return {};
    }
    if (protocol::event_from_name(event) == Event::OperateSelfMic) mute_requested_ = field_or(content, "operate", 1) == 0;
    const std::string id = send_request(event, content);
    pending_requests_[id] = {event, std::move(content)};
    return id;
}

void MeetingSession::on_inform(const Json& msg) {
    const std::string name = field_or(msg, "event", "");
    const Event event = protocol::event_from_name(name);
    const Json data = field_or(msg, "data", Json::object());
    if (event == Event::OnSignal) {
        media_.apply_remote_signal(field_or(data, "from_user_id", ""), field_or(data, "signal", Json::object()));
        return;
    }
    if (event == Event::OnMediaCongestion) {
        // The server drops media on its way to us: say so (the UI's status line, the page).
        media_.on_relay_congestion(data);
        ask_for_less_while_congested();
        emit("mediaCongestion", media_.relay_congestion().to_json());
    }
    const MembershipChange change = mirror_.apply(event, data, clock_.now_ms());
    if (event == Event::OnRemoved) {
        // The operator removed us (RoomService.RemoveParticipant): like the end of the
        // meeting for us alone; the server closes the socket (4002) and we do not come back.
        stay_out("You were removed from the meeting.");
        media_.clear();
        fail_pending_requests(ErrorCode::NotInRoom, "you were removed from the meeting before the server answered");
        socket_.close();
        emit("removed", data);
        return;
    }
    if (event == Event::OnData) emit("data", data);  // {room_id, data (base64), topic, from}
    if (event == Event::OnRoomUpdate) emit("roomMetadata", data);
    if (event == Event::OnUserUpdate) {
        media_.on_member_updated(UserRecord::from_json(field_or(data, "user", Json::object())));
        emit("participantUpdated", field_or(data, "user", Json::object()));
    }
    if (event == Event::OnInvitation) emit("invitation", field_or(data, "invitation", Json::object()));
    if (event == Event::OnFinishRoom) {
        want_joined_ = false;
        resume_user_id_.clear();
        media_.clear();
        fail_pending_requests(ErrorCode::RoomEnded, "the meeting ended before the server answered");
        socket_.close();
        set_status(ConnectionStatus::Ended, "The host ended the meeting");
        emit("ended", data);
        return;
    }
    if (change.kind == MembershipChange::Kind::Joined) {
        media_.add_remote(change.user);
        emit("participantJoined", change.user.to_json());
    } else if (change.kind == MembershipChange::Kind::Left) {
        media_.remove_remote(change.user.user_id);
        emit("participantLeft", change.user.to_json());
    } else if (event == Event::OnHostChange) {
        emit("hostChanged", data);
    }
    if (event == Event::OnOperateSelfCamera || event == Event::OnOperateOtherCamera) {
        // A camera turned off: its avatar goes idle now, not when its last poses run out.
        for (const auto& [user_id, remote] : media_.remotes()) {
            const UserRecord* user = mirror_.find(user_id);
            if (user && user->camera != 1) media_.forget_pose(user_id);
        }
    }
    emit("inform", Json{{"event", name}, {"data", data}});
}

void MeetingSession::send_pose(std::uint32_t ts) {
    if (!self()->permission.camera) return;  // our access token does not include the camera
    const std::optional<TimedPose> next = pose_source_->next_pose_to_send(ts);
    if (!next) return;
    MediaHeader h;
    h.kind = MediaKind::Pose;
    h.sender = self()->media_id;
    h.sequence = pose_sequence_++;
    h.timestamp_ms = next->media_time_ms;
    const auto frame = pose_encoder_.encode(next->pose, h.sequence, next->media_time_ms, media_.remote_media_ids());
    const auto packet = encode_media_packet(h, frame.payload);
    bytes_sent_ += media_.send_to_all(packet);
    ++packets_sent_;
}

bool MeetingSession::mic_open() const {
    return status_ == ConnectionStatus::Joined && self() && self()->mic == 1 && !mute_requested_;
}

bool MeetingSession::send_audio(const std::vector<std::uint8_t>& payload, std::uint32_t timestamp_ms) {
    if (!mic_open()) return false;
    MediaHeader h;
    h.kind = MediaKind::Audio;
    h.sender = self()->media_id;
    h.sequence = audio_sequence_++;
    h.timestamp_ms = timestamp_ms;
    audio_bytes_sent_ += media_.send_to_all(encode_media_packet(h, payload));
    ++audio_packets_sent_;
    return true;
}

std::optional<Pose> MeetingSession::local_pose() const {
    if (!pose_source_) return std::nullopt;
    return pose_source_->pose_at_media_time(clock_.media_time_ms());
}

double MeetingSession::pose_rate_hz() const {
    if (config_.pose_rate_hz > 0) return config_.pose_rate_hz;
    const int participants = static_cast<int>(mirror_.others().size()) + (self() ? 1 : 0);
    return pose_rate_for_room(participants);
}

std::optional<Pose> MeetingSession::remote_pose_now(const std::string& user_id) {
    return media_.pose_now(user_id);
}

Json MeetingSession::state_json() const {
    Json participants = Json::array();
    for (const UserRecord* u : participants_in_order()) {
        Json p = u->to_json();
        const bool is_self = self() && u->user_id == self()->user_id;
        p["is_self"] = is_self;
        if (!is_self) p.update(media_.remote_json(u->user_id));
        participants.push_back(std::move(p));
    }
    return Json{{"status", to_string(status_)},
                {"error", last_error_},
                {"error_detail", last_error_detail_},
                {"room", room() ? room()->to_json() : Json(nullptr)},
                {"self", self() ? self()->to_json() : Json(nullptr)},
                {"pose_packets_sent", packets_sent_},
                {"pose_rate_hz", pose_rate_hz()},
                {"pose_tier", pose_tier_for_rate(pose_rate_hz())},
                {"pose_bytes_sent", bytes_sent_},
                {"pose_stream", pose_stream_json(pose_encoder_.stats())},
                {"congestion", media_.relay_congestion().to_json()},
                {"participants", std::move(participants)},
                {"meeting", mirror_.to_json()},
                {"events", mirror_.recent_events_json()}};
}

void MeetingSession::emit(const std::string& name, const Json& data) {
    if (listener_) listener_(name, data);
}

void MeetingSession::set_status(ConnectionStatus s, const std::string& error, const std::string& detail) {
    const bool changed = s != status_ || error != last_error_;
    status_ = s;
    last_error_ = error;
    last_error_detail_ = detail;
    if (changed) emit("status", Json{{"status", to_string(s)}, {"error", error}, {"error_detail", detail}});
}

}  // namespace posemeet
