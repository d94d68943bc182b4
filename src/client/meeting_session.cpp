// See meeting_session.hpp.
#include "client/meeting_session.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/percentile.hpp"
#include "core/pose_codec.hpp"

namespace posemeet {

using protocol::field_or;
using protocol::Json;

namespace {
constexpr std::size_t kLatencyWindow = 600;  // ~20 s of pose packets per remote
constexpr double kMaxReconnectDelayMs = 5000;
constexpr int kMaxPoseCatchUp = 8;  // intervals a late tick may catch up (~270 ms); beyond, skip

Json pose_to_json(const Pose& pose) {
    Json arr = Json::array();
    for (const auto& p : pose.landmarks) arr.push_back({p.x, p.y, p.z, p.visibility});
    return arr;
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

const char* to_string(Transport t) {
    switch (t) {
        case Transport::None: return "none";
        case Transport::P2P: return "p2p";
        case Transport::Relay: return "relay";
    }
    return "?";
}

MeetingSession::MeetingSession(SessionConfig config, SignalingSocket& socket,
                               PeerLinkFactory* peers, const Clock& clock)
    : config_(std::move(config)), socket_(socket), peers_(peers), clock_(clock) {}

MeetingSession::~MeetingSession() {
    clear_remotes();
    socket_.close();
}

void MeetingSession::join(const std::string& room_id, const std::string& user_name, bool new_meeting) {
    if (want_joined_) leave();
    room_id_ = room_id;
    user_name_ = user_name;
    new_meeting_ = new_meeting;
    join_refusal_code_ = 0;
    want_joined_ = true;
    resume_user_id_.clear();
    resume_token_.clear();
    mirror_.clear();
    reconnect_attempt_ = 0;
    connect();
}

void MeetingSession::leave() {
    if (!want_joined_) return;
    want_joined_ = false;
    if (status_ == ConnectionStatus::Joined) send_request("vcLeaveRoom", Json::object());
    clear_remotes();
    self_.reset();
    room_.reset();
    resume_user_id_.clear();
    resume_token_.clear();
    pending_requests_.clear();
    socket_.close();
    set_status(ConnectionStatus::Idle);
    emit("left", Json::object());
}

void MeetingSession::connect() {
    set_status(reconnect_attempt_ > 0 ? ConnectionStatus::Reconnecting : ConnectionStatus::Connecting,
               last_error_);
    std::weak_ptr<bool> alive = alive_;
    SignalingSocket::Handlers h;
    h.on_open = [this, alive] { if (!alive.expired()) on_open(); };
    h.on_text = [this, alive](std::string_view t) { if (!alive.expired()) on_text(t); };
    h.on_binary = [this, alive](const std::uint8_t* d, std::size_t n) {
        if (!alive.expired()) on_binary(d, n, Transport::Relay, {});
    };
    h.on_close = [this, alive](int code, const std::string& r) { if (!alive.expired()) on_close(code, r); };
    socket_.connect(config_.server_url, std::move(h));
}

void MeetingSession::on_open() {
    if (!resume_user_id_.empty()) {
        // Back after a drop: ask to resume our membership (same user id, role, devices).
        pending_resync_id_ = send_request("vcResync", Json{{"room_id", room_id_}, {"user_id", resume_user_id_},
                                                            {"token", resume_token_}});
        return;
    }
    const bool relay = config_.force_relay || peers_ == nullptr;
    Json content{{"room_id", room_id_}, {"user_name", user_name_}, {"camera", 1},
                 {"mic", config_.join_with_mic ? 1 : 0}, {"media_relay", relay ? 1 : 0}};
    if (new_meeting_) content["new_meeting"] = 1;
    pending_join_id_ = send_request("vcJoinRoom", std::move(content));
}

void MeetingSession::on_close(int close_code, const std::string& reason) {
    const bool was_joined = status_ == ConnectionStatus::Joined;
    clear_remotes();
    self_.reset();
    pending_join_id_.clear();
    pending_resync_id_.clear();
    pending_requests_.clear();
    if (!want_joined_) return;
    if (close_code == protocol::kCloseResumedElsewhere) {
        // Our membership continues on another connection (the meeting was opened again in
        // another tab or device with our token). Reconnecting would take it back and start
        // a tug of war, so this one stops here.
        want_joined_ = false;
        resume_user_id_.clear();
        resume_token_.clear();
        room_.reset();
        set_status(ConnectionStatus::Failed, "you joined this meeting from another window; it continues there");
        emit("replaced", Json{{"reason", reason}});
        return;
    }
    // Back off 0.5 s, 1 s, 2 s, 4 s, 5 s... so a restarting server is not hammered.
    const double delay = std::min(kMaxReconnectDelayMs, 500.0 * std::pow(2.0, reconnect_attempt_));
    ++reconnect_attempt_;
    reconnect_at_ms_ = clock_.now_ms() + delay;
    char retry[32];
    std::snprintf(retry, sizeof retry, "%.1f s", delay / 1000.0);
    set_status(ConnectionStatus::Reconnecting,
               "cannot reach the server (" + reason + "); retrying in " + retry);
    if (was_joined) emit("disconnected", Json{{"reason", reason}});
}

void MeetingSession::tick() {
    const double now = clock_.now_ms();
    if (mute_requested_ && (!self_ || self_->mic == 0)) mute_requested_ = false;
    if (want_joined_ && status_ == ConnectionStatus::Reconnecting && reconnect_at_ms_ > 0 &&
        now >= reconnect_at_ms_) {
        reconnect_at_ms_ = 0;
        connect();
    }
    if (status_ == ConnectionStatus::Joined && pose_source_) {
        // Poses go out on a fixed 30 Hz schedule, each stamped with its scheduled time, so
        // a late tick (a busy page, a throttled timer) still yields evenly spaced poses.
        // After a long stall we skip ahead instead of flooding the link.
        const double interval = 1000.0 / config_.pose_rate_hz;
        if (now - next_pose_at_ms_ > kMaxPoseCatchUp * interval) next_pose_at_ms_ = now;
        while (now >= next_pose_at_ms_) {
            const auto lateness = static_cast<std::uint32_t>(now - next_pose_at_ms_);
            send_pose(clock_.media_time_ms() - lateness);
            next_pose_at_ms_ += interval;
        }
    }
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
            set_status(ConnectionStatus::Failed,
                       "could not join: " + field_or(msg, "message", std::string("error")) + " (" +
                           std::to_string(code) + ")");
            emit("error", Json{{"code", code}, {"message", last_error_}});
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
    const std::string message = field_or(msg, "message", std::string());
    if (code != 200 && event == "vcOperateSelfMic") mute_requested_ = false;
    if (code == 200) mirror_.on_request_ok(event, content);
    else mirror_.add_notice(message.empty() ? "The server refused that" : message, clock_.now_ms());
    emit("reply", Json{{"request_id", id}, {"event", event}, {"code", code}, {"message", message},
                       {"response", field_or(msg, "response", Json::object())}});
    if (code != 200) emit("error", Json{{"code", code}, {"message", message}, {"request_id", id}, {"event", event}});
    if (code == 200 && event == "vcFinishRoom") {
        // We ended it: the server closes the room for everyone, us included.
        on_inform(Json{{"message_type", "inform"}, {"event", "vcOnFinishRoom"},
                       {"data", Json{{"room_id", room_id_}, {"reason", 0}}}});
    }
}

void MeetingSession::on_joined_reply(const Json& response, bool resumed) {
    apply_room_snapshot(response);
    resume_user_id_ = self_->user_id;
    resume_token_ = field_or(response, "token", resume_token_);
    reconnect_attempt_ = 0;
    set_status(ConnectionStatus::Joined);
    emit(resumed ? "resumed" : "joined", Json{{"room", room_->to_json()}, {"user", self_->to_json()}});
}

std::string MeetingSession::request(const std::string& event, Json content) {
    if (status_ != ConnectionStatus::Joined) {
        mirror_.add_notice("Not connected: try again in a moment", clock_.now_ms());
        return {};
    }
    if (event == "vcOperateSelfMic") mute_requested_ = field_or(content, "operate", 1) == 0;
    const std::string id = send_request(event, content);
    pending_requests_[id] = {event, std::move(content)};
    return id;
}

UserRecord* MeetingSession::find_user_mutable(const std::string& user_id) {
    if (self_ && self_->user_id == user_id) return &*self_;
    auto it = remotes_.find(user_id);
    return it == remotes_.end() ? nullptr : &it->second.user;
}

const UserRecord* MeetingSession::find_user(const std::string& user_id) const {
    return const_cast<MeetingSession*>(this)->find_user_mutable(user_id);
}

void MeetingSession::apply_room_snapshot(const Json& response) {
    mute_requested_ = false;
    room_ = RoomRecord::from_json(field_or(response, "room", Json::object()));
    self_ = UserRecord::from_json(field_or(response, "user", Json::object()));
    mirror_.reset(field_or(response, "room_state", Json::object()), field_or(response, "messages", Json::array()),
                  self_->user_id);
    pose_source_ = std::make_unique<SyntheticPoseSource>(pose_seed_for_user(self_->user_id));
    next_pose_at_ms_ = clock_.now_ms();
    clear_remotes();
    for (const auto& uj : field_or(response, "user_list", Json::array())) {
        UserRecord u = UserRecord::from_json(uj);
        if (u.user_id != self_->user_id) add_remote(u);
    }
}

void MeetingSession::on_inform(const Json& msg) {
    const std::string event = field_or(msg, "event", "");
    const Json data = field_or(msg, "data", Json::object());
    if (event == "vcOnJoinRoom") {
        UserRecord u = UserRecord::from_json(field_or(data, "user", Json::object()));
        if (self_ && u.user_id != self_->user_id && !remotes_.count(u.user_id)) {
            add_remote(u);
            emit("participantJoined", u.to_json());
        }
    } else if (event == "vcOnLeaveRoom") {
        UserRecord u = UserRecord::from_json(field_or(data, "user", Json::object()));
        if (remotes_.count(u.user_id)) {
            remove_remote(u.user_id);
            emit("participantLeft", u.to_json());
        }
    } else if (event == "vcOnHostChange") {
        const std::string host = field_or(data, "user_id", "");
        if (self_) self_->user_role = self_->user_id == host ? UserRole::Host : UserRole::Visitor;
        for (auto& [id, r] : remotes_) r.user.user_role = id == host ? UserRole::Host : UserRole::Visitor;
        emit("hostChanged", data);
    } else if (event == "vcOnOperateAllMic") {
        if (field_or(data, "operate", 1) == 0) {
            for (const UserRecord* u : participants_in_order())
                if (u->user_role != UserRole::Host) find_user_mutable(u->user_id)->mic = 0;
        }
    } else if (event == "vcOnFinishRoom") {
        want_joined_ = false;
        resume_user_id_.clear();
        mirror_.apply(event, data, [this](const std::string& id) { return find_user_mutable(id); }, clock_.now_ms());
        clear_remotes();
        socket_.close();
        set_status(ConnectionStatus::Ended, "The host ended the meeting");
        emit("ended", data);
        return;
    } else if (event == "vcOnSignal") {
        auto it = remotes_.find(field_or(data, "from_user_id", ""));
        if (it == remotes_.end()) return;
        if (!it->second.link) maybe_open_link(it->second, /*as_offerer=*/false);
        if (it->second.link) it->second.link->apply_remote_signal(field_or(data, "signal", Json::object()));
        return;
    }
    mirror_.apply(event, data, [this](const std::string& id) { return find_user_mutable(id); }, clock_.now_ms());
    emit("inform", Json{{"event", event}, {"data", data}});
}

void MeetingSession::add_remote(const UserRecord& user) {
    auto [it, inserted] = remotes_.try_emplace(user.user_id);
    RemoteParticipant& r = it->second;
    r.user = user;
    user_by_media_id_[user.media_id] = user.user_id;
    r.playout = PoseInterpolator(config_.playout_delay_ms);
    // The later joiner (higher media id) offers, so exactly one side starts each link.
    if (self_) maybe_open_link(r, self_->media_id > user.media_id);
}

void MeetingSession::maybe_open_link(RemoteParticipant& remote, bool as_offerer) {
    if (!peers_ || config_.force_relay || !self_ || self_->media_relay || remote.user.media_relay) return;
    const std::string peer_id = remote.user.user_id;
    std::weak_ptr<bool> alive = alive_;
    PeerLink::Handlers h;
    h.on_local_signal = [this, alive, peer_id](const Json& signal) {
        if (!alive.expired()) send_request("vcSignal", Json{{"to_user_id", peer_id}, {"signal", signal}});
    };
    h.on_open = [this, alive, peer_id] {
        if (!alive.expired()) emit("peerConnected", Json{{"user_id", peer_id}});
    };
    h.on_message = [this, alive, peer_id](const std::uint8_t* d, std::size_t n) {
        if (!alive.expired()) on_binary(d, n, Transport::P2P, peer_id);
    };
    h.on_failed = [this, alive, peer_id](const std::string& reason) {
        if (alive.expired()) return;
        // Nothing to tear down here (we may be inside the platform's callback): a link
        // that is not open makes send_pose() route this remote through the relay.
        emit("peerFailed", Json{{"user_id", peer_id}, {"reason", reason}});
    };
    remote.link = peers_->create(std::move(h));
    if (remote.link) remote.link->start(as_offerer);
}

void MeetingSession::remove_remote(const std::string& user_id) {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end()) return;
    user_by_media_id_.erase(it->second.user.media_id);
    remotes_.erase(it);
}

void MeetingSession::clear_remotes() {
    remotes_.clear();
    user_by_media_id_.clear();
}

void MeetingSession::on_binary(const std::uint8_t* data, std::size_t size, Transport via,
                               const std::string& link_user) {
    auto parsed = parse_media_packet(data, size);
    if (!parsed.packet) return;  // garbage from the network is dropped, never trusted
    const MediaPacketView& p = *parsed.packet;
    auto sender = user_by_media_id_.find(p.header.sender);
    if (sender == user_by_media_id_.end()) return;
    RemoteParticipant* remote = &remotes_.at(sender->second);
    // Over a peer link only the peer itself may speak (the relay stamps senders itself).
    if (via == Transport::P2P && remote->user.user_id != link_user) return;
    if (p.header.kind == MediaKind::Audio) {
        // The room's mic rule holds on every path: the relay drops a muted member's audio,
        // and over a peer link we drop it here.
        if (remote->user.mic != 1) {
            ++audio_dropped_muted_;
            return;
        }
        remote->last_transport = via;
        if (audio_listener_) audio_listener_(remote->user.user_id, p.header, p.payload, p.payload_size);
        return;
    }
    if (p.header.kind != MediaKind::Pose) return;
    auto decoded = pose_codec::decode(p.payload, p.payload_size);
    if (!decoded.pose) return;

    remote->packets_received++;
    remote->last_transport = via;
    if (!remote->have_sequence) {
        remote->have_sequence = true;
        remote->first_sequence = p.header.sequence;
    }
    // Unwrap the 16-bit sequence near the highest seen so far (handles reordering).
    const auto rel = static_cast<std::uint16_t>(p.header.sequence - remote->first_sequence);
    const std::int64_t base = remote->highest_sequence & ~std::int64_t{0xFFFF};
    std::int64_t seq = base + rel;
    if (seq < remote->highest_sequence - 0x8000) seq += 0x10000;
    else if (seq > remote->highest_sequence + 0x8000 && seq >= 0x10000) seq -= 0x10000;
    remote->highest_sequence = std::max(remote->highest_sequence, seq);
    remote->playout.push(p.header.timestamp_ms, *decoded.pose, clock_.now_ms());
    const bool newer = !remote->latest_pose ||
                       static_cast<std::int32_t>(p.header.timestamp_ms - remote->latest_timestamp_ms) > 0;
    if (newer) {
        remote->latest_pose = decoded.pose;
        remote->latest_timestamp_ms = p.header.timestamp_ms;
    }
    // Sender and receiver share the wall clock on one machine; across machines this
    // includes their clock skew (documented in the README).
    const auto transit = static_cast<std::int32_t>(clock_.media_time_ms() - p.header.timestamp_ms);
    remote->latency_ms.push_back(static_cast<double>(transit));
    if (remote->latency_ms.size() > kLatencyWindow) remote->latency_ms.pop_front();
}

void MeetingSession::send_pose(std::uint32_t ts) {
    MediaHeader h;
    h.kind = MediaKind::Pose;
    h.sender = self_->media_id;
    h.sequence = pose_sequence_++;
    h.timestamp_ms = ts;
    const auto packet = encode_media_packet(h, pose_codec::encode(pose_source_->pose_at(ts)));
    bytes_sent_ += send_to_all(packet);
    ++packets_sent_;
}

bool MeetingSession::mic_open() const {
    return status_ == ConnectionStatus::Joined && self_ && self_->mic == 1 && !mute_requested_;
}

bool MeetingSession::send_audio(const std::vector<std::uint8_t>& payload, std::uint32_t timestamp_ms) {
    if (!mic_open()) return false;
    MediaHeader h;
    h.kind = MediaKind::Audio;
    h.sender = self_->media_id;
    h.sequence = audio_sequence_++;
    h.timestamp_ms = timestamp_ms;
    audio_bytes_sent_ += send_to_all(encode_media_packet(h, payload));
    ++audio_packets_sent_;
    return true;
}

std::size_t MeetingSession::send_to_all(const std::vector<std::uint8_t>& packet) {
    std::size_t bytes = 0;
    std::vector<std::uint16_t> relay_targets;
    for (auto& [id, r] : remotes_) {
        if (r.p2p_open() && r.link->send(packet.data(), packet.size())) {
            bytes += packet.size();
            continue;
        }
        relay_targets.push_back(r.user.media_id);
    }
    // A relay frame names at most kMaxRelayTargets recipients; bigger rooms take several.
    for (std::size_t first = 0; first < relay_targets.size(); first += kMaxRelayTargets) {
        const std::size_t last = std::min(relay_targets.size(), first + kMaxRelayTargets);
        const auto frame = encode_relay_frame(
            std::vector<std::uint16_t>(relay_targets.begin() + first, relay_targets.begin() + last), packet);
        socket_.send_binary(frame.data(), frame.size());
        bytes += frame.size();
    }
    return bytes;
}

std::vector<const UserRecord*> MeetingSession::participants_in_order() const {
    std::vector<const UserRecord*> out;
    if (self_) out.push_back(&*self_);
    for (const auto& [id, r] : remotes_) out.push_back(&r.user);
    std::sort(out.begin(), out.end(), [](const UserRecord* a, const UserRecord* b) {
        return a->join_time != b->join_time ? a->join_time < b->join_time : a->media_id < b->media_id;
    });
    return out;
}

std::optional<Pose> MeetingSession::local_pose() const {
    if (!pose_source_) return std::nullopt;
    return pose_source_->pose_at(clock_.media_time_ms());
}

std::optional<Pose> MeetingSession::remote_pose_now(const std::string& user_id) const {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end()) return std::nullopt;
    return it->second.playout.sample(clock_.now_ms());
}

Json MeetingSession::state_json() const {
    Json participants = Json::array();
    for (const UserRecord* u : participants_in_order()) {
        Json p = u->to_json();
        const bool is_self = self_ && u->user_id == self_->user_id;
        p["is_self"] = is_self;
        if (!is_self) {
            const RemoteParticipant& r = remotes_.at(u->user_id);
            p["transport"] = to_string(r.last_transport);
            p["p2p_open"] = r.p2p_open();
            p["packets_received"] = r.packets_received;
            p["packets_lost"] = r.packets_expected() > r.packets_received
                                    ? r.packets_expected() - r.packets_received : 0;
            p["latest_pose"] = r.latest_pose ? Json{{"timestamp", r.latest_timestamp_ms},
                                                    {"landmarks", pose_to_json(*r.latest_pose)}}
                                             : Json(nullptr);
            std::vector<double> lat(r.latency_ms.begin(), r.latency_ms.end());
            p["latency_ms"] = Json{{"median", percentile(lat, 0.5)}, {"p99", percentile(lat, 0.99)},
                                   {"samples", lat.size()}};
        }
        participants.push_back(std::move(p));
    }
    return Json{{"status", to_string(status_)},
                {"error", last_error_},
                {"room", room_ ? room_->to_json() : Json(nullptr)},
                {"self", self_ ? self_->to_json() : Json(nullptr)},
                {"pose_packets_sent", packets_sent_},
                {"pose_bytes_sent", bytes_sent_},
                {"participants", std::move(participants)},
                {"meeting", mirror_.to_json()},
                {"events", mirror_.recent_events_json()}};
}

void MeetingSession::emit(const std::string& name, const Json& data) {
    if (listener_) listener_(name, data);
}

void MeetingSession::set_status(ConnectionStatus s, const std::string& error) {
    const bool changed = s != status_ || error != last_error_;
    status_ = s;
    last_error_ = error;
    if (changed) emit("status", Json{{"status", to_string(s)}, {"error", error}});
}

}  // namespace posemeet
