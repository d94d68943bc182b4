// The meeting logic's seat in the server, kept thin (like Beast's shared_state): admits
// WebSockets (connection limits), turns their text messages into control requests (rate
// limit, reply), keeps the books of which connection holds which member (and the audit
// rows of joins and leaves), and routes everything else to the pieces beside it:
//   media_relay      binary messages: relayed media
//   http_form        POST /api/v1/rts/message, long-poll GET /api/v1/rts/events
//   room_state_sync  room state in the store: restore, dirty rooms, persist
//   server_status    /healthz, /api/v1/rooms, /api/v1/stats
//   room_service_api POST /twirp/livekit.RoomService/<Method> (LiveKit's server SDKs)
//   audit_log        host and operator actions in SQLite; audit_endpoint GET /api/v1/audit
//   invitations_api  /api/v1/rooms/{room}/invitations, /api/v1/invitations/decline
// Every service call, whoever made it, ends in settle().
//
// Threads. The hub's state (the rooms, the books of who holds which member, the relay's
// state, the store) is shared by the hub thread (the Server's: HTTP, timers, webhooks) and
// the media threads that carry the WebSockets (server/media_threads.hpp; a room's
// connections on one of them, core/room_placement.hpp), under one lock (hold()):
//   - A session's control messages and its end are handled on its own media thread, under
//     the lock: no hop to another thread, which on a busy machine cost a control round trip
//     a wake-up of the hub thread (2-3 ms median, 25 ms p99 under the load test).
//   - Replies, informs and closes for a session of the same thread go to it at once; for a
//     session of another thread they are posted there, holding it weakly: a session is
//     only ever touched, and destroyed, on its own thread.
//   - Relayed media: on_binary() works out the recipients under the lock and sends after
//     letting it go, directly to its own thread's sessions, by a post to any other (a
//     connection that named another room than it joined).
//   - The hub thread takes the lock around each thing it does: an HTTP API call, a tick's
//     steps, each room a tick writes to the store.
//     The lock is held for one control operation (~0.1 ms), one room's write (~0.1 ms) or
//     one packet's routing (~µs).
//   - The webhook outbox and dispatcher stay the hub thread's: events found under the lock
//     are posted to it, in order. Queue statistics come from PublishedQueueStats, which the
//     sessions publish.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/control_service.hpp"
#include "core/room_placement.hpp"
#include "server/audit_endpoint.hpp"
#include "server/audit_log.hpp"
#include "server/control_call.hpp"
#include "server/http_form.hpp"
#include "server/pose_shedding.hpp"
#include "server/pose_thinning.hpp"
#include "server/media_relay.hpp"
#include "server/media_write_window.hpp"
#include "server/net.hpp"
#include "server/outgoing_queue.hpp"
#include "server/published_queue_stats.hpp"
#include "server/invitations_api.hpp"
#include "server/room_service_api.hpp"
#include "server/room_state_sync.hpp"
#include "server/server_clock.hpp"
#include "server/server_config.hpp"
#include "server/server_status.hpp"
#include "server/token_bucket.hpp"
#include "server/user_id_generator.hpp"
#include "server/webhook_events.hpp"
#include "server/webhook_outbox.hpp"

namespace posemeet::server {

class websocket_session;
class SqliteStore;
class WebhookDispatcher;

using protocol::kCloseResumedElsewhere;

class signaling_hub {
public:
    signaling_hub(const ServerConfig& config, SqliteStore& store);
    signaling_hub(const signaling_hub&) = delete;
    signaling_hub& operator=(const signaling_hub&) = delete;

    // The hub's thread and the media threads': call once, before listening.
    void use_threads(net::any_io_executor hub_executor, std::vector<net::any_io_executor> media_executors,
                     std::vector<const MediaWriteWindow*> write_windows);
    // The hub's lock, for the hub's thread around a call into the HTTP APIs below (they
    // change rooms the media threads read). Recursive: the hub's own calls take it again.
    [[nodiscard]] std::unique_lock<std::recursive_mutex> hold() const {
        return std::unique_lock<std::recursive_mutex>(mutex_);
    }

    // A WebSocket upgrade for `room_id` (/ws?room=, empty when not named): the media thread
    // its session goes to. Each placement is released once, when the session ends.
    std::size_t place_connection(const std::string& room_id);
    void release_placement(const std::string& room_id, std::size_t thread);

    // On the session's media thread. A WebSocket from `client_ip` finished its handshake;
    // returns its connection id, or 0 when it is over --max-connections or
    // --max-connections-per-address: then it is being closed with 1013 ("try again later")
    // and a reason the client can show.
    std::uint64_t attach(const std::shared_ptr<websocket_session>& session,
                         const std::string& client_ip);
    // One complete message from connection `id`.
    void on_text(std::uint64_t id, std::string_view text);
    void on_binary(std::uint64_t id, websocket_session& session, const std::uint8_t* data, std::size_t size);
    // A message over the size limit was read and discarded.
    void on_oversized(std::uint64_t id, websocket_session& session, bool binary, std::size_t size);
    // The connection closed. `clean` = a close frame came (the
    // client left, the tab was closed): the member leaves at once. Otherwise (reset,
    // timeout) it stays offline for the reconnect grace period and may resume. `dropped`:
    // what its queue dropped for a slow reader, for the statistics.
    void detach(std::uint64_t id, bool clean, const DropCounts& dropped);
    // On any media thread, after relaying to `session` (on its thread): sends it a
    // vcOnMediaCongestion when its queue says one is due (it has started dropping media,
    // drops go on - at most once a second - or it just cleared).
    void tell_congestion(websocket_session& session, std::int64_t mono_ms);

    // Brings back the rooms a previous process left in the store (members offline, each
    // resuming with its token within the grace period). Call once, before listening.
    void restore_rooms();

    // Every ~250 ms: expires members past their grace period, and writes the rooms that
    // changed since the last tick to the store.
    void tick();

    // Webhooks (--webhook-url): the hub finds the events and puts them in the outbox; the
    // server's dispatcher, attached here, sends them. Null outbox without receivers.
    WebhookOutbox* webhook_outbox() { return webhook_outbox_.get(); }
    void attach_webhook_dispatcher(WebhookDispatcher* dispatcher) { webhook_dispatcher_ = dispatcher; }

    // A fresh random user id (also the identity of a development token that names none).
    std::string new_user_id();

    // The HTTP form of the control API (the HTTP sessions call it directly).
    HttpForm& http_form() { return http_; }
    // LiveKit's RoomService for operators (the HTTP sessions call it directly).
    RoomServiceApi& room_service() { return room_service_; }
    // GET /api/v1/audit (the HTTP sessions call it directly).
    AuditEndpoint& audit() { return audit_endpoint_; }
    // Invitations to a meeting (the HTTP sessions call it directly).
    InvitationsApi& invitations() { return invitations_; }

    // Server shutdown: closes every WebSocket with "going away" (detach follows per
    // session) and answers every waiting long-poll.
    void shutdown();
    // After the I/O loop stopped: records every member still present as left.
    void finalize();

    std::size_t connection_count() const {
        const auto held = hold();
        return peers_.size();
    }
    // GET /healthz, GET /api/v1/rooms and GET /api/v1/stats bodies (see server_status.hpp).
    protocol::Json health_json() const {
        const auto held = hold();
        return status_.health_json(connections());
    }
    protocol::Json rooms_json() const {
        const auto held = hold();
        return status_.rooms_json();
    }
    protocol::Json stats_json() const {
        const auto held = hold();
        return status_.stats_json(connections());
    }
    std::string metrics_text() const {
        const auto held = hold();
        return status_.metrics_text(connections());
    }

private:
    struct Peer {
        std::weak_ptr<websocket_session> session;  // locked only on its own thread
        std::size_t thread = 0;                     // its media thread
        std::shared_ptr<const PublishedQueueStats> queue;
        std::string client_ip;
        ConnectionState conn;
        TokenBucket control;
        TokenBucket media;
        std::int64_t last_media_limit_reply_ms = -1000000;
        PoseThinning pose_thinning{};  // relayed pose to this reader, at its conn.max_pose_hz
    };
    // What the hub keeps per member (the service keeps the rest).
    struct Member {
        std::string room_id;
        std::uint64_t peer = 0;      // WebSocket connection holding it, 0 = none
        std::int64_t audit_row = 0;  // participant_sessions.id
    };

    Peer* find(std::uint64_t id);
    // Whether a relayed pose packet from `sender` goes to `reader` (false: it asked for fewer
    // poses, has `sender` off screen in a large room, or its queue is dropping media:
    // core/forwarding_policy.hpp).
    bool admit_pose(Peer& reader, const std::string& packet, const std::string& sender, std::size_t room_members,
                    std::int64_t mono_ms);
    // Whether media thread `thread` has fallen behind what it reads, at `mono_ms`
    // (server/pose_shedding.hpp; see on_binary). Called on that thread; tells the operator
    // (at most once per 10 s a thread).
    bool thread_behind(std::size_t thread, std::int64_t mono_ms);
    // The WebSocket connection holding `user_id`, if any (none: offline or HTTP).
    Peer* peer_of(const std::string& user_id);
    // A control message (reply or inform) to a peer, or its close, on its thread.
    void send_json(Peer& peer, const protocol::Json& message);
    void send_text(Peer& peer, std::shared_ptr<const std::string> text);
    void send_error(Peer& peer, const std::string& request_id, protocol::ErrorCode code,
                    const std::string& message, std::int64_t now_ms);
    void close_peer(Peer& peer, const websocket::close_reason& reason, bool when_sent);
    // On the peer's own media thread: the text of a media-side error (429/400/413/420 for
    // binary), null when one went out less than a second ago.
    std::shared_ptr<const std::string> media_error(Peer& peer, protocol::ErrorCode code, const std::string& message,
                                                   std::int64_t now_ms, std::int64_t mono_ms);
    // Runs `action(session)` on `session`, which lives on media thread `thread`: now when
    // that is this thread (a control message's reply, a packet for a reader of the sender's
    // thread), else by a post there. Nothing happens if the session is gone by then.
    template <class Action>
    void on_session_thread(std::weak_ptr<websocket_session> session, std::size_t thread, Action&& action);
    // Informs for members on a WebSocket.
    void deliver(std::vector<Delivery>& deliveries);

    // Everything a service call leaves to do, in the one order that keeps everyone
    // consistent: mark the rooms it touched for the store; arrivals (joined, resumed,
    // offline) into the books; the requester's reply and backlog; informs to sockets and
    // wakes of long-polls; departures (left) out of the books, after the informs so that
    // members being removed - everyone, when a meeting ends - still get them; the time it
    // took. Every caller (WebSocket, HTTP form, closes, expiry) ends here.
    void settle(ControlResult& result, const ControlCall& call);
    // A host-only request's entry into the audit log (core/audit_entry.hpp says which).
    void audit_request(const ControlResult& result, const ControlCall& call, std::int64_t now_ms);
    // Bookkeeping after the service changed who is a member and where it is attached;
    // `requester` is the connection that made the request (0 for HTTP and timers).
    void apply_changes(const std::vector<MemberChange>& changes, std::uint64_t requester,
                       std::int64_t now_ms, bool departures);
    ServerStatus::Connections connections() const;

    mutable std::recursive_mutex mutex_;  // see "Threads" above
    net::any_io_executor hub_executor_;
    std::vector<net::any_io_executor> media_executors_;  // by thread; set before they start
    // By thread: their write counts, and how late their windows close (set before the
    // threads start, then only read).
    std::vector<const MediaWriteWindow*> write_windows_;
    // By thread, each touched by its own thread alone: when it last logged that it sheds.
    std::vector<std::int64_t> shedding_logged_ms_;
    RoomPlacement placement_{1};
    const ServerConfig& config_;
    SqliteStore& store_;
    ServerClock clock_;
    UserIdGenerator ids_;
    TokenGenerator tokens_;
    ControlService service_;
    MediaRelay relay_;
    RoomStateSync rooms_;
    ServerStatus status_;
    AuditLog audit_log_;
    HttpForm http_;
    RoomServiceApi room_service_;
    AuditEndpoint audit_endpoint_;
    InvitationsApi invitations_;
    std::unique_ptr<WebhookOutbox> webhook_outbox_;
    WebhookEventSource webhook_events_;
    WebhookDispatcher* webhook_dispatcher_ = nullptr;
    // The webhook events of the rooms this call touched, into the outbox.
    void queue_webhooks(const ControlResult& result, const ControlCall& call, std::int64_t now_ms);
    std::map<std::uint64_t, Peer> peers_;
    std::unordered_map<std::string, Member> members_;         // user_id -> member
    std::unordered_map<std::string, int> connections_by_ip_;  // open WebSockets per client address
    std::uint64_t connections_refused_ = 0;
    DropCounts dropped_closed_;  // slow-receiver drops of connections that are gone
    std::atomic<std::uint64_t> congestion_notices_{0};  // told on the media threads
    std::atomic<std::uint64_t> pose_shed_thread_behind_{0};  // on the media threads (on_binary)
    std::int64_t last_refusal_log_ms_ = -1000000;
    std::uint64_t next_id_ = 1;
    bool shutting_down_ = false;
};

}  // namespace posemeet::server
