// The signaling hub's media path (see signaling_hub.hpp, "Threads"): what runs on the media
// threads. A relayed packet's recipients are worked out under the hub's lock and sent after
// it; a reader on another thread gets it by a post. Errors go back to the sender on its own
// thread; so do congestion notices, to each reader on its.
#include <memory>
#include <string>
#include <vector>

#include "core/media_packet.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/protocol.hpp"
#include "server/json_text.hpp"
#include "server/log.hpp"
#include "server/signaling_hub.hpp"
#include "server/signaling_hub_session_thread.hpp"
#include "server/websocket_session.hpp"

namespace posemeet::server {

using protocol::ErrorCode;
using protocol::Event;
using protocol::Json;

namespace {
// A relay frame (as a client sends it) around a pose that is not a keyframe: any such pose
// may be skipped.
bool is_skippable_pose_frame(const std::uint8_t* data, std::size_t size) {
    const auto frame = parse_relay_frame(data, size);
    if (!frame.frame) return false;
    const auto media = parse_media_packet(frame.frame->packet, frame.frame->packet_size);
    return media.packet && media.packet->header.kind == MediaKind::Pose &&
           !is_pose_keyframe(media.packet->payload, media.packet->payload_size);
}

// A relayed packet for one reader, collected under the hub's lock and sent after it.
struct MediaDelivery {
    std::weak_ptr<websocket_session> session;
    std::size_t thread = 0;
    std::shared_ptr<const std::string> packet;
    OutgoingKind kind = OutgoingKind::Pose;
};
// This media thread's (kept: no allocation per packet once it has grown).
std::vector<MediaDelivery>& media_deliveries() {
    thread_local std::vector<MediaDelivery> deliveries;
    return deliveries;
}
}  // namespace

bool signaling_hub::thread_behind(std::size_t thread, std::int64_t mono_ms) {
    if (thread >= write_windows_.size() || !write_windows_[thread]) return false;
    const MediaWriteWindow& window = *write_windows_[thread];
    const std::int64_t late = window.late_ms();
    if (!PoseShedding::shed(late, window.closed_at_ms(), mono_ms)) return false;
    if (mono_ms - shedding_logged_ms_[thread] >= 10000) {
        shedding_logged_ms_[thread] = mono_ms;
        log_warn("media thread " + std::to_string(thread) + " fell behind what it reads (its write window closed " +
                 std::to_string(late) + " ms late): shedding pose deltas; it needs more cores or fewer rooms " +
                 "(pose_shed_thread_behind in /api/v1/stats)");
    }
    return true;
}

void signaling_hub::on_binary(std::uint64_t id, websocket_session& self, const std::uint8_t* data, std::size_t size) {
    // This thread has fallen behind what it reads (server/pose_shedding.hpp): the packets it
    // gets now were sent a while ago. Pose deltas (any pose but a keyframe) go no further -
    // one check instead of a fan-out to every reader, which is what kept it behind - so that
    // it catches up and voice, keyframes and control stay current. Safe for every reader: a
    // delta references only frames all of them acknowledged, and a skipped one is never
    // acknowledged.
    const std::int64_t mono = ServerClock::mono_ms();
    if (thread_behind(self.thread(), mono) && is_skippable_pose_frame(data, size)) {
        pose_shed_thread_behind_.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::vector<MediaDelivery>& out = media_deliveries();
    out.clear();
    std::shared_ptr<const std::string> reply;  // to the sender, on this thread
    {
        const auto held = hold();
        Peer* peer = find(id);
        if (!peer) return;
        if (!peer->media.take(mono)) {
            reply = media_error(*peer, ErrorCode::RateLimited, "too many media packets, dropped", clock_.now_ms(), mono);
        } else {
            const auto holder = members_.find(peer->conn.user_id);
            const bool holds_member = holder != members_.end() && holder->second.peer == id;
            const Room* room = peer->conn.joined() ? service_.find_room(peer->conn.room_id) : nullptr;
            const std::size_t room_members = room ? room->members().size() : 0;
            const std::string& sender = peer->conn.user_id;
            const auto refusal = relay_.relay(
                peer->conn, holds_member, data, size, mono,
                [&](const std::string& user, const std::shared_ptr<const std::string>& packet, MediaKind kind) {
                    Peer* reader = peer_of(user);  // the one lookup per delivery
                    if (!reader || reader->session.expired()) return false;
                    // It asked for less, or has the sender off screen in a large room.
                    if (kind == MediaKind::Pose && !admit_pose(*reader, *packet, sender, room_members, mono))
                        return true;
                    out.push_back({reader->session, reader->thread, packet, outgoing_kind_of(kind)});
                    return true;
                });
            // Not throttled by the 1/s rule: the media bucket already bounds it, and a client
            // debugging its framing wants every error.
            if (refusal)
                reply = json_text(protocol::make_reply("", refusal->code, refusal->message, Json::object(), clock_.now_ms()));
        }
    }
    for (auto& d : out) {
        // A reader on another thread (it named another room than it joined) gets it by a post,
        // and its congestion is judged when that runs.
        const bool here = d.thread == self.thread();
        on_session_thread(std::move(d.session), d.thread,
                          [this, packet = std::move(d.packet), kind = d.kind, here, mono](websocket_session& s) mutable {
                              const std::int64_t now = here ? mono : ServerClock::mono_ms();
                              s.send(std::move(packet), kind, now);
                              tell_congestion(s, now);
                          });
    }
    out.clear();  // lets go of the packet
    if (reply) self.send(std::move(reply), OutgoingKind::Control);
}

bool signaling_hub::admit_pose(Peer& reader, const std::string& packet, const std::string& sender,
                               std::size_t room_members, std::int64_t mono_ms) {
    int max_hz = pose_hz_for(reader.conn.visible_members, reader.conn.max_pose_hz, sender, room_members);
    // Its queue is dropping (published by its thread; a reading a moment old will do).
    if (reader.queue && reader.queue->congested()) max_hz = pose_hz_while_congested(max_hz);
    if (max_hz <= 0) return true;
    const auto parsed = parse_media_packet(reinterpret_cast<const std::uint8_t*>(packet.data()), packet.size());
    if (!parsed.packet || parsed.packet->payload_size == 0) return true;
    const bool keyframe = is_pose_keyframe(parsed.packet->payload, parsed.packet->payload_size);
    return reader.pose_thinning.admit(parsed.packet->header.sender, keyframe, max_hz, mono_ms);
}

void signaling_hub::on_oversized(std::uint64_t id, websocket_session& self, bool binary, std::size_t size) {
    std::shared_ptr<const std::string> reply;
    {
        const auto held = hold();
        Peer* peer = find(id);
        if (!peer) return;
        const std::string message = std::string(binary ? "binary" : "text") + " message of " +
                                    std::to_string(size) + " bytes exceeds the limit of " +
                                    std::to_string(config_.max_message_bytes) + " bytes";
        const std::int64_t mono = ServerClock::mono_ms();
        const auto text_of = [&](ErrorCode code, const std::string& m) {
            return json_text(protocol::make_reply("", code, m, Json::object(), clock_.now_ms()));
        };
        if (binary) {
            if (peer->media.take(mono))
                reply = text_of(ErrorCode::TooLarge, message);
            else
                reply = media_error(*peer, ErrorCode::RateLimited, "too many media packets, dropped", clock_.now_ms(),
                                    mono);
        } else {
            reply = text_of(peer->control.take(mono) ? ErrorCode::TooLarge : ErrorCode::RateLimited, message);
        }
    }
    if (reply) self.send(std::move(reply), OutgoingKind::Control);
}

void signaling_hub::tell_congestion(websocket_session& session, std::int64_t mono_ms) {
    const auto report = session.congestion_report(mono_ms);
    if (!report) return;
    congestion_notices_.fetch_add(1, std::memory_order_relaxed);
    // clock_ is only read (its start times are set once): safe on any thread.
    session.send(json_text(protocol::make_inform(Event::OnMediaCongestion, to_json(*report), clock_.now_ms())),
                 OutgoingKind::Control);
}

std::shared_ptr<const std::string> signaling_hub::media_error(Peer& peer, ErrorCode code, const std::string& message,
                                                             std::int64_t now_ms, std::int64_t mono) {
    if (mono - peer.last_media_limit_reply_ms < 1000) return nullptr;
    peer.last_media_limit_reply_ms = mono;
    return json_text(protocol::make_reply("", code, message, Json::object(), now_ms));
}

}  // namespace posemeet::server
