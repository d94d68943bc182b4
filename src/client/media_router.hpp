// The client's media paths: a peer link (WebRTC data channel) to every browser member, the
// server relay for everyone the link does not reach yet (or ever: native bots, browsers
// without WebRTC), and what arrives from each remote (pose playout, loss, latency, the path
// used). Member records are the room mirror's; this keeps only the media state per remote.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/platform_services.hpp"
#include "client/room_mirror.hpp"
#include "core/media_packet.hpp"
#include "core/media_time_anchor.hpp"
#include "core/pose.hpp"
#include "core/pose_ack.hpp"
#include "core/pose_interpolator.hpp"
#include "core/pose_stream_codec.hpp"

namespace posemeet {

// Which way a remote's media reached us.
enum class MediaPath : int { None = 0, P2P = 1, Relay = 2 };
const char* to_string(MediaPath path);

// What we know about one other participant's media.
struct RemoteMedia {
    std::uint16_t media_id = 0;  // tags their packets; the relay frame names them by it
    std::unique_ptr<PeerLink> link;
    MediaPath last_path = MediaPath::None;  // path of the most recent packet
    std::uint64_t packets_received = 0;
    // Loss estimate from sequence numbers: packets the sender numbered but we never saw.
    bool have_sequence = false;
    std::uint16_t first_sequence = 0;
    std::int64_t highest_sequence = 0;  // unwrapped, relative to first_sequence
    std::uint64_t packets_expected() const { return have_sequence ? highest_sequence + 1 : 0; }
    // Packets to this remote that its open peer link refused (its send buffer was full):
    // dropped, as late media is worthless; counted so state() shows a congested link.
    std::uint64_t sends_dropped = 0;
    // Their pose stream: what we hold of it, and when we last acknowledged it.
    PoseStreamDecoder pose_decoder;
    double last_pose_ack_ms = 0;
    bool pose_acked = false;
    std::uint64_t pose_acks_sent = 0;
    PoseInterpolator playout;
    std::optional<Pose> latest_pose;
    std::uint32_t latest_timestamp_ms = 0;
    double last_pose_received_ms = -1;  // local clock; -1: none since the stream (re)started
    std::deque<double> latency_ms;  // recent (receive media time - send timestamp)
    bool p2p_open() const { return link && link->is_open(); }
};

// The server's word that it drops media on its way to us, because we read the relay too
// slowly (vcOnMediaCongestion, at most once a second while it lasts and once when it
// clears). Counts are the server's for this episode; a new connection starts clean.
struct RelayCongestion {
    bool active = false;
    double since_ms = 0;  // local clock (Clock::now_ms) when this episode was first told
    std::uint64_t dropped_pose = 0, dropped_pose_ack = 0, dropped_audio = 0;
    std::int64_t queued_ms = 0;  // how long the server's oldest queued message had waited
    std::uint64_t notices = 0;   // received on this connection
    // What we asked the server for meanwhile (vcSetMediaReceive): relayed pose from each
    // sender at most this often, 0 = every pose.
    int asked_pose_hz = 0;
    protocol::Json to_json() const;
};

class MediaRouter {
public:
    struct Callbacks {
        // A peer link's offer/answer/candidate for `to_user_id`, to send through signaling.
        std::function<void(const std::string& to_user_id, const protocol::Json& signal)> send_signal;
        // peerConnected / peerFailed, for the UI and the page API.
        std::function<void(const std::string& name, const protocol::Json& data)> emit;
        // An audio packet from a member the room lets speak.
        std::function<void(const std::string& user_id, const MediaHeader& header, const std::uint8_t* payload,
                           std::size_t size)>
            on_audio;
        // An ack of our pose stream from the member with media id `receiver`.
        std::function<void(std::uint16_t receiver, const PoseAck& ack)> on_pose_ack;
    };
    struct Config {
        bool force_relay = false;  // media through the server even when WebRTC exists
        double playout_delay_ms = 80.0;  // the least a pose plays behind its fastest arrival
        // Pose acks to each sender: at once for a keyframe, else at most this often.
        double pose_ack_interval_ms = 100.0;
    };
    // Which of a remote's media time the listener hears at a local time, while its voice is
    // playing (the audio engine's answer; empty otherwise): its pose plays at that time.
    using HeardAudio = std::function<std::optional<MediaTimeAnchor>(const std::string& user_id, double local_ms)>;

    // `peers` may be null (no WebRTC here: everything goes through the relay). The mirror is
    // read for member records (media ids, relay flags, who may speak).
    MediaRouter(Config config, SignalingSocket& relay, PeerLinkFactory* peers, const Clock& clock,
                const RoomMirror& mirror, Callbacks callbacks);

    // A member is in the room (joined, or already there when we joined): track its media and
    // open a peer link where both sides can.
    void add_remote(const UserRecord& user);
    void remove_remote(const std::string& user_id);
    // A member's record changed (vcOnUserUpdate): one that now relays - every member once a
    // room outgrows the peer-to-peer mesh - is reached through the relay from now on, so its
    // peer link closes (ours, all of them, when it is us).
    void on_member_updated(const UserRecord& user);
    void clear();
    void apply_remote_signal(const std::string& from_user_id, const protocol::Json& signal);
    // False when every packet must take the relay (no WebRTC here, or relay forced).
    bool peer_to_peer_possible() const { return peers_ != nullptr && !config_.force_relay; }

    // One media packet from the relay (via Relay, link_user empty) or from a peer link.
    void on_packet(const std::uint8_t* data, std::size_t size, MediaPath via, const std::string& link_user);
    // Sends a media packet to every remote: over its open peer link, else through the relay.
    // Returns the bytes put on the wire.
    std::size_t send_to_all(const std::vector<std::uint8_t>& packet);

    const std::map<std::string, RemoteMedia>& remotes() const { return remotes_; }
    void set_heard_audio(HeardAudio heard) { heard_audio_ = std::move(heard); }
    // A remote's pose for the display frame being drawn now: at the sender time of its voice
    // while that plays, else at the pose playout's own delay (core/pose_interpolator.hpp).
    // Advances that remote's playout clock, so call it once per frame and remote. Empty when
    // no pose has arrived for kPoseStreamStoppedMs (camera off, nobody in view, gone quiet):
    // the UI then shows the idle figure.
    std::optional<Pose> pose_now(const std::string& user_id);
    static constexpr double kPoseStreamStoppedMs = 700;
    // Drops what we hold of their pose stream (their camera went off).
    void forget_pose(const std::string& user_id);
    // The media ids of every remote: who our pose stream is encoded for.
    std::vector<std::uint16_t> remote_media_ids() const;
    // Audio packets that arrived from a member whose mic the room says is off (dropped).
    std::uint64_t audio_dropped_muted() const { return audio_dropped_muted_; }
    // A vcOnMediaCongestion's data; returns true when it started or ended an episode.
    bool on_relay_congestion(const protocol::Json& data);
    const RelayCongestion& relay_congestion() const { return congestion_; }
    void note_asked_pose_hz(int hz) { congestion_.asked_pose_hz = hz; }
    // The media fields of a participant in state(): path, link, packets, loss, latency, pose,
    // the pose rate and tier measured from its timestamps, and the pose playout.
    protocol::Json remote_json(const std::string& user_id) const;

private:
    bool pose_live(const RemoteMedia& r) const;  // a pose arrived within kPoseStreamStoppedMs
    PosePlayoutConfig playout_config() const;
    void open_link(RemoteMedia& remote, const UserRecord& user, bool as_offerer);
    void on_pose(RemoteMedia& remote, const MediaPacketView& packet, MediaPath via);
    void send_pose_ack(RemoteMedia& remote, bool keyframe_decoded);
    // One packet to one remote: over its open peer link, else through the relay.
    void send_to(RemoteMedia& remote, const std::vector<std::uint8_t>& packet);

    Config config_;
    SignalingSocket& relay_;
    PeerLinkFactory* peers_;
    const Clock& clock_;
    const RoomMirror& mirror_;
    Callbacks callbacks_;
    std::map<std::string, RemoteMedia> remotes_;              // by user id
    std::map<std::uint16_t, std::string> user_by_media_id_;  // every packet looks its sender up
    std::uint64_t audio_dropped_muted_ = 0;
    RelayCongestion congestion_;
    HeardAudio heard_audio_;
    std::uint16_t pose_ack_sequence_ = 0;
    // Peer-link callbacks hold a weak_ptr to this; once the router is gone they expire and
    // late callbacks are ignored.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace posemeet
