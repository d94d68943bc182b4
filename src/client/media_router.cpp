// See media_router.hpp.
#include "client/media_router.hpp"

#include <algorithm>
#include <cmath>

#include "core/percentile.hpp"
#include "core/pose_tier.hpp"

namespace posemeet {

using protocol::Json;

namespace {
constexpr std::size_t kLatencyWindow = 600;  // ~20 s of pose packets per remote

Json pose_to_json(const Pose& pose) {
    Json arr = Json::array();
    for (const auto& p : pose.landmarks) arr.push_back({p.x, p.y, p.z, p.visibility});
    return arr;
}
}  // namespace

const char* to_string(MediaPath path) {
    switch (path) {
        case MediaPath::None: return "none";
        case MediaPath::P2P: return "p2p";
        case MediaPath::Relay: return "relay";
    }
    return "?";
}

MediaRouter::MediaRouter(Config config, SignalingSocket& relay, PeerLinkFactory* peers, const Clock& clock,
                         const RoomMirror& mirror, Callbacks callbacks)
    : config_(config), relay_(relay), peers_(peers), clock_(clock), mirror_(mirror),
      callbacks_(std::move(callbacks)) {}

PosePlayoutConfig MediaRouter::playout_config() const {
    PosePlayoutConfig playout;
    playout.min_delay_ms = config_.playout_delay_ms;
    return playout;
}

void MediaRouter::add_remote(const UserRecord& user) {
    auto [it, inserted] = remotes_.try_emplace(user.user_id);
    RemoteMedia& r = it->second;
    r.media_id = user.media_id;
    user_by_media_id_[user.media_id] = user.user_id;
    r.playout = PoseInterpolator(playout_config());
    // The later joiner (higher media id) offers, so exactly one side starts each link.
    if (const auto& self = mirror_.self()) open_link(r, user, self->media_id > user.media_id);
}

void MediaRouter::remove_remote(const std::string& user_id) {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end()) return;
    user_by_media_id_.erase(it->second.media_id);
    remotes_.erase(it);
}

void MediaRouter::on_member_updated(const UserRecord& user) {
    if (!user.media_relay) return;
    const auto& self = mirror_.self();
    const bool everyone = self && self->user_id == user.user_id;
    for (auto& [id, remote] : remotes_)
        if (everyone || id == user.user_id) remote.link.reset();  // its destructor closes it
}

void MediaRouter::clear() {
    remotes_.clear();
    user_by_media_id_.clear();
    congestion_ = {};  // a new connection has a new queue at the server
}

Json RelayCongestion::to_json() const {
    return Json{{"active", active},
                {"since_ms", active ? Json(since_ms) : Json(nullptr)},
                {"dropped_pose", dropped_pose},
                {"dropped_pose_ack", dropped_pose_ack},
                {"dropped_audio", dropped_audio},
                {"queued_ms", queued_ms},
                {"notices", notices},
                {"asked_pose_hz", asked_pose_hz}};
}

bool MediaRouter::on_relay_congestion(const Json& data) {
    const bool congested = protocol::field_or(data, "congested", false);
    const bool changed = congested != congestion_.active;
    if (congested && !congestion_.active) congestion_.since_ms = clock_.now_ms();
    congestion_.active = congested;
    congestion_.dropped_pose = protocol::field_or<std::uint64_t>(data, "dropped_pose", 0);
    congestion_.dropped_pose_ack = protocol::field_or<std::uint64_t>(data, "dropped_pose_ack", 0);
    congestion_.dropped_audio = protocol::field_or<std::uint64_t>(data, "dropped_audio", 0);
    congestion_.queued_ms = protocol::field_or<std::int64_t>(data, "queued_ms", 0);
    ++congestion_.notices;
    return changed;
}

void MediaRouter::apply_remote_signal(const std::string& from_user_id, const Json& signal) {
    auto it = remotes_.find(from_user_id);
    const UserRecord* user = mirror_.find(from_user_id);
    if (it == remotes_.end() || !user) return;
    if (!it->second.link) open_link(it->second, *user, /*as_offerer=*/false);
    if (it->second.link) it->second.link->apply_remote_signal(signal);
}

void MediaRouter::open_link(RemoteMedia& remote, const UserRecord& user, bool as_offerer) {
    const auto& self = mirror_.self();
    if (!peers_ || config_.force_relay || !self || self->media_relay || user.media_relay) return;
    const std::string peer_id = user.user_id;
    std::weak_ptr<bool> alive = alive_;
    PeerLink::Handlers h;
    h.on_local_signal = [this, alive, peer_id](const Json& signal) {
        if (!alive.expired()) callbacks_.send_signal(peer_id, signal);
    };
    h.on_open = [this, alive, peer_id] {
        if (!alive.expired()) callbacks_.emit("peerConnected", Json{{"user_id", peer_id}});
    };
    h.on_message = [this, alive, peer_id](const std::uint8_t* d, std::size_t n) {
        if (!alive.expired()) on_packet(d, n, MediaPath::P2P, peer_id);
    };
    h.on_failed = [this, alive, peer_id](const std::string& reason) {
        if (alive.expired()) return;
        // Nothing to tear down here (we may be inside the platform's callback): a link
        // that is not open makes send_to_all() route this remote through the relay.
        callbacks_.emit("peerFailed", Json{{"user_id", peer_id}, {"reason", reason}});
    };
    h.remote_user_id = peer_id;
    remote.link = peers_->create(std::move(h));
    if (remote.link) remote.link->start(as_offerer);
}

// [SECTION] receiving

void MediaRouter::on_packet(const std::uint8_t* data, std::size_t size, MediaPath via, const std::string& link_user) {
    auto parsed = parse_media_packet(data, size);
    if (!parsed.packet) return;  // garbage from the network is dropped, never trusted
    const MediaPacketView& p = *parsed.packet;
    auto sender = user_by_media_id_.find(p.header.sender);
    if (sender == user_by_media_id_.end()) return;
    const std::string& user_id = sender->second;
    RemoteMedia& remote = remotes_.at(user_id);
    // Over a peer link only the peer itself may speak (the relay stamps senders itself).
    if (via == MediaPath::P2P && user_id != link_user) return;
    if (p.header.kind == MediaKind::Audio) {
        // The room's mic rule holds on every path: the relay drops a muted member's audio,
        // and over a peer link we drop it here.
        const UserRecord* user = mirror_.find(user_id);
        if (!user || user->mic != 1) {
            ++audio_dropped_muted_;
            return;
        }
        remote.last_path = via;
        if (callbacks_.on_audio) callbacks_.on_audio(user_id, p.header, p.payload, p.payload_size);
        return;
    }
    if (p.header.kind == MediaKind::Pose) on_pose(remote, p, via);
    if (p.header.kind == MediaKind::PoseAck) {
        const auto& self = mirror_.self();
        const auto ack = parse_pose_ack(p.payload, p.payload_size);
        // Only acks of our own stream (the relay's default rule could hand us others').
        if (ack && self && ack->stream == self->media_id && callbacks_.on_pose_ack)
            callbacks_.on_pose_ack(remote.media_id, *ack);
    }
}

void MediaRouter::on_pose(RemoteMedia& remote, const MediaPacketView& p, MediaPath via) {
    // The frame id is the sequence number; a delta decodes against a frame we hold or not at all.
    auto decoded = remote.pose_decoder.decode(p.header.sequence, p.header.timestamp_ms, p.payload, p.payload_size);
    if (decoded.status == PoseStreamDecoder::Status::Malformed) return;
    const bool ok = decoded.status == PoseStreamDecoder::Status::Decoded;
    send_pose_ack(remote, ok && decoded.type == PoseFrameType::Keyframe);
    remote.packets_received++;
    remote.last_path = via;
    if (!remote.have_sequence) {
        remote.have_sequence = true;
        remote.first_sequence = p.header.sequence;
    }
    // Unwrap the 16-bit sequence near the highest seen so far (handles reordering).
    const auto rel = static_cast<std::uint16_t>(p.header.sequence - remote.first_sequence);
    const std::int64_t base = remote.highest_sequence & ~std::int64_t{0xFFFF};
    std::int64_t seq = base + rel;
    if (seq < remote.highest_sequence - 0x8000) seq += 0x10000;
    else if (seq > remote.highest_sequence + 0x8000 && seq >= 0x10000) seq -= 0x10000;
    remote.highest_sequence = std::max(remote.highest_sequence, seq);
    if (!ok) return;  // counted as received (it was not lost), but there is nothing to show
    remote.playout.push(p.header.timestamp_ms, decoded.pose, clock_.now_ms());
    remote.last_pose_received_ms = clock_.now_ms();
    const bool newer = !remote.latest_pose ||
                       static_cast<std::int32_t>(p.header.timestamp_ms - remote.latest_timestamp_ms) > 0;
    if (newer) {
        remote.latest_pose = std::move(decoded.pose);
        remote.latest_timestamp_ms = p.header.timestamp_ms;
    }
    // Sender and receiver share the wall clock on one machine; across machines this
    // includes their clock skew (documented in the README).
    const auto transit = static_cast<std::int32_t>(clock_.media_time_ms() - p.header.timestamp_ms);
    remote.latency_ms.push_back(static_cast<double>(transit));
    if (remote.latency_ms.size() > kLatencyWindow) remote.latency_ms.pop_front();
}

void MediaRouter::send_pose_ack(RemoteMedia& remote, bool keyframe_decoded) {
    const double now = clock_.now_ms();
    if (!keyframe_decoded && remote.pose_acked && now - remote.last_pose_ack_ms < config_.pose_ack_interval_ms) return;
    const auto& self = mirror_.self();
    const auto ack = remote.pose_decoder.ack(remote.media_id);
    if (!self || !ack) return;
    MediaHeader h;
    h.kind = MediaKind::PoseAck;
    h.sender = self->media_id;
    h.sequence = pose_ack_sequence_++;
    h.timestamp_ms = clock_.media_time_ms();
    send_to(remote, encode_media_packet(h, encode_pose_ack(*ack)));
    remote.pose_acked = true;
    remote.last_pose_ack_ms = now;
    ++remote.pose_acks_sent;
}

// [SECTION] sending

void MediaRouter::send_to(RemoteMedia& remote, const std::vector<std::uint8_t>& packet) {
    if (remote.p2p_open()) {
        if (!remote.link->send(packet.data(), packet.size())) ++remote.sends_dropped;
        return;
    }
    const auto frame = encode_relay_frame({remote.media_id}, packet);
    relay_.send_binary(frame.data(), frame.size());
}

std::vector<std::uint16_t> MediaRouter::remote_media_ids() const {
    std::vector<std::uint16_t> ids;
    ids.reserve(remotes_.size());
    for (const auto& [id, r] : remotes_) ids.push_back(r.media_id);
    return ids;
}

std::size_t MediaRouter::send_to_all(const std::vector<std::uint8_t>& packet) {
    std::size_t bytes = 0;
    std::vector<std::uint16_t> relay_targets;
    for (auto& [id, r] : remotes_) {
        if (r.p2p_open()) {
            if (r.link->send(packet.data(), packet.size())) bytes += packet.size();
            else ++r.sends_dropped;  // open but its buffer is full
            continue;
        }
        relay_targets.push_back(r.media_id);
    }
    // A relay frame names at most kMaxRelayTargets recipients; bigger rooms take several.
    for (std::size_t first = 0; first < relay_targets.size(); first += kMaxRelayTargets) {
        const std::size_t last = std::min(relay_targets.size(), first + kMaxRelayTargets);
        const auto frame = encode_relay_frame(
            std::vector<std::uint16_t>(relay_targets.begin() + first, relay_targets.begin() + last), packet);
        relay_.send_binary(frame.data(), frame.size());
        bytes += frame.size();
    }
    return bytes;
}

std::optional<Pose> MediaRouter::pose_now(const std::string& user_id) {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end()) return std::nullopt;
    if (!pose_live(it->second)) return std::nullopt;
    const double now = clock_.now_ms();
    return it->second.playout.render(now, heard_audio_ ? heard_audio_(user_id, now) : std::nullopt);
}

bool MediaRouter::pose_live(const RemoteMedia& r) const {
    return r.last_pose_received_ms >= 0 && clock_.now_ms() - r.last_pose_received_ms <= kPoseStreamStoppedMs;
}

void MediaRouter::forget_pose(const std::string& user_id) {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end()) return;
    RemoteMedia& r = it->second;
    r.playout = PoseInterpolator(playout_config());
    r.latest_pose.reset();
    r.last_pose_received_ms = -1;
}

Json MediaRouter::remote_json(const std::string& user_id) const {
    auto it = remotes_.find(user_id);
    if (it == remotes_.end()) return Json::object();
    const RemoteMedia& r = it->second;
    std::vector<double> lat(r.latency_ms.begin(), r.latency_ms.end());
    const PoseInterpolator& playout = r.playout;
    // The sender's rate from its timestamps (robust to loss and jitter), rounded for show.
    const double rate = std::round(playout.sender_rate_hz() * 10) / 10;
    return Json{{"pose_rate_hz", rate},
                {"pose_tier", pose_tier_for_rate(rate)},
                {"pose_playout", Json{{"delay_ms", std::round(playout.target_delay_ms())},
                                      {"jitter_ms", std::round(playout.jitter_ms())},
                                      {"follows_audio", playout.following_audio()},
                                      {"audio_skew_ms", std::round(playout.audio_skew_ms())}}},
                {"transport", to_string(r.last_path)},
                {"p2p_open", r.p2p_open()},
                {"packets_received", r.packets_received},
                {"packets_lost", r.packets_expected() > r.packets_received ? r.packets_expected() - r.packets_received : 0},
                {"sends_dropped", r.sends_dropped},
                // Their avatar moves by their poses now (false: it rests in the idle pose).
                {"pose_live", pose_live(r)},
                {"pose_keyframes_received", r.pose_decoder.stats().keyframes},
                {"pose_deltas_received", r.pose_decoder.stats().deltas},
                {"pose_undecodable", r.pose_decoder.stats().missing_reference},
                {"pose_malformed", r.pose_decoder.stats().malformed},
                {"pose_acks_sent", r.pose_acks_sent},
                {"latest_pose", r.latest_pose ? Json{{"timestamp", r.latest_timestamp_ms},
                                                     {"landmarks", pose_to_json(*r.latest_pose)}}
                                              : Json(nullptr)},
                {"latency_ms", Json{{"median", percentile(lat, 0.5)}, {"p99", percentile(lat, 0.99)},
                                    {"samples", lat.size()}}}};
}

}  // namespace posemeet
