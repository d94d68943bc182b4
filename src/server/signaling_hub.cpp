// See signaling_hub.hpp.
#include "server/signaling_hub.hpp"

#include <exception>
#include <limits>
#include <set>

#include "core/livekit_json.hpp"
#include "core/media_packet.hpp"
#include "core/pose_stream_codec.hpp"
#include "core/protocol.hpp"
#include "server/json_text.hpp"
#include "server/log.hpp"
#include "server/signaling_hub_session_thread.hpp"
#include "server/openssl_hmac.hpp"
#include "server/sqlite_store.hpp"
#include "server/webhook_dispatcher.hpp"
#include "server/websocket_session.hpp"

namespace posemeet::server {
namespace {

using protocol::ErrorCode;
using protocol::Event;
using protocol::Json;

ServiceConfig service_config(const ServerConfig& c) {
    ServiceConfig s;
    s.room_limits.max_participants = c.max_participants;
    s.room_limits.relay_beyond_mesh = c.large_rooms;
    s.reconnect_grace_ms = c.reconnect_grace_ms;
    s.ended_room_retention_ms = c.ended_room_retention_s * 1000;
    s.event_queue_max = c.event_queue_max;
    if (!c.api_keys.empty())
        s.access_tokens = std::make_shared<const AccessTokenVerifier>(c.api_keys, openssl_hmac_sha256);
    // Without keys (a server embedded in a test) there is nothing to check a token with;
    // the binary refuses to start that way unless in development mode.
    s.tokenless_joins = c.dev || c.api_keys.empty();
    return s;
}

}  // namespace

signaling_hub::signaling_hub(const ServerConfig& config, SqliteStore& store)
    : config_(config),
      store_(store),
      service_(
          service_config(config), [this] { return new_user_id(); }, [this] { return tokens_(); }),
      relay_(service_, config.large_rooms),
      rooms_(service_, store),
      status_(service_, relay_, clock_),
      http_(config, service_, clock_, status_.http_ops(),
            [this](ControlResult& result, const ControlCall& call) { settle(result, call); }),
      room_service_(
          config, service_, clock_, [this](ControlResult& result, const ControlCall& call) { settle(result, call); },
          [this](const AuditEntry& entry) { audit_log_.record(entry); }),
      audit_endpoint_(config, clock_, audit_log_),
      invitations_(
          config, service_, clock_, [this](ControlResult& result, const ControlCall& call) { settle(result, call); },
          [this](const AuditEntry& entry) { audit_log_.record(entry); }),
      webhook_events_([this](const std::string& room_id, const Room* live) {
          return livekit::room_json(room_id, service_.room_settings(room_id), live, config_.max_participants);
      }) {
    if (!config.webhook_urls.empty()) {
        webhook_outbox_ = std::make_unique<WebhookOutbox>();
        if (!webhook_outbox_->open(config.db_path)) log_error("webhooks will not be kept across a restart");
    }
    if (!audit_log_.open(config.db_path)) log_error("host and operator actions will not be recorded");
}

void signaling_hub::audit_request(const ControlResult& result, const ControlCall& call, std::int64_t now_ms) {
    if (!call.request) return;
    const auto name_of = [this](const std::string& room_id, const std::string& user_id) {
        const Room* room = service_.find_room(room_id);
        const UserRecord* user = room ? room->find(user_id) : nullptr;
        return user ? user->user_name : std::string();
    };
    if (auto entry = audit_of_request(*call.request, call.actor, call.actor_room, call.api,
                                      protocol::field_or(result.reply, "code", 500), now_ms, name_of))
        audit_log_.record(*entry);
}

void signaling_hub::queue_webhooks(const ControlResult& result, const ControlCall& call, std::int64_t now_ms) {
    // Shutting down: the leaves that closing every connection causes are not real (the
    // rooms come back after the restart, as the store has them), so they make no events.
    if (!webhook_outbox_ || shutting_down_) return;
    std::set<std::string> rooms(call.rooms_touched.begin(), call.rooms_touched.end());
    if (auto m = members_.find(call.member_touched); m != members_.end()) rooms.insert(m->second.room_id);
    for (const auto& ch : result.changes) rooms.insert(ch.room_id);
    rooms.insert(result.rooms_changed.begin(), result.rooms_changed.end());  // invitations
    std::vector<std::pair<std::string, std::string>> events;  // room id, body
    for (const auto& room_id : rooms) {
        if (room_id.empty()) continue;
        for (const auto& event : webhook_events_.observe(room_id, service_.find_room(room_id),
                                                         service_.invitations(room_id), now_ms))
            events.emplace_back(room_id, event.dump());
    }
    if (events.empty()) return;
    // The outbox and its dispatcher are the hub thread's, and this may run on a media thread:
    // posted there, under the lock, so that the events keep the order they happened in.
    net::post(hub_executor_, [this, events = std::move(events), now_ms] {
        for (const auto& [room_id, body] : events)
            for (const auto& url : config_.webhook_urls) webhook_outbox_->add(url, room_id, body, now_ms);
        if (webhook_dispatcher_) webhook_dispatcher_->pump();
    });
}

std::string signaling_hub::new_user_id() {
    const auto held = hold();
    for (;;) {
        std::string id = ids_();
        if (!members_.count(id) && !service_.member_info(id)) return id;
    }
}

signaling_hub::Peer* signaling_hub::find(std::uint64_t id) {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : &it->second;
}

signaling_hub::Peer* signaling_hub::peer_of(const std::string& user_id) {
    auto m = members_.find(user_id);
    if (m == members_.end() || !m->second.peer) return nullptr;  // offline or HTTP
    return find(m->second.peer);
}

// [SECTION] threads and admission

void signaling_hub::use_threads(net::any_io_executor hub_executor, std::vector<net::any_io_executor> media_executors,
                                std::vector<const MediaWriteWindow*> write_windows) {
    const auto held = hold();
    hub_executor_ = std::move(hub_executor);
    placement_ = RoomPlacement(media_executors.size());
    media_executors_ = std::move(media_executors);
    write_windows_ = std::move(write_windows);
    shedding_logged_ms_.assign(write_windows_.size(), std::numeric_limits<std::int64_t>::min() / 2);
}

std::size_t signaling_hub::place_connection(const std::string& room_id) {
    const auto held = hold();
    return placement_.place(room_id);
}

void signaling_hub::release_placement(const std::string& room_id, std::size_t thread) {
    const auto held = hold();
    placement_.release(room_id, thread);
}

std::uint64_t signaling_hub::attach(const std::shared_ptr<websocket_session>& session,
                                    const std::string& client_ip) {
    const auto held = hold();
    const int from_ip = connections_by_ip_.count(client_ip) ? connections_by_ip_[client_ip] : 0;
    const char* refusal = nullptr;
    if (config_.max_connections > 0 &&
        peers_.size() >= static_cast<std::size_t>(config_.max_connections))
        refusal = "the server is full (too many connections), try again later";
    else if (config_.max_connections_per_address > 0 &&
             from_ip >= config_.max_connections_per_address)
        refusal = "too many connections from your address, try again later";
    if (refusal) {
        ++connections_refused_;
        // One line per 10 s at most: a client hammering us must not flood the log too.
        const std::int64_t now = clock_.now_ms();
        if (now - last_refusal_log_ms_ >= 10000) {
            last_refusal_log_ms_ = now;
            log_warn("ws from " + client_ip + " refused: " + refusal + " (" +
                     std::to_string(connections_refused_) + " refused so far)");
        }
        session->close(websocket::close_reason(websocket::close_code::try_again_later, refusal));
        return 0;
    }
    const std::uint64_t id = next_id_++;
    ++connections_by_ip_[client_ip];
    peers_.emplace(id, Peer{session,
                            session->thread(),
                            session->queue_stats(),
                            client_ip,
                            {},
                            TokenBucket(config_.control_rate, config_.control_burst),
                            TokenBucket(config_.media_rate, config_.media_burst)});
    if (shutting_down_) session->close(websocket::close_code::going_away);  // (its own thread)
    return id;
}

// [SECTION] sending on WebSockets

void signaling_hub::send_json(Peer& peer, const Json& message) {
    send_text(peer, json_text(message));
}

void signaling_hub::send_text(Peer& peer, std::shared_ptr<const std::string> text) {
    on_session_thread(peer.session, peer.thread,
                      [text = std::move(text)](websocket_session& s) { s.send(text, OutgoingKind::Control); });
}

void signaling_hub::close_peer(Peer& peer, const websocket::close_reason& reason, bool when_sent) {
    on_session_thread(peer.session, peer.thread, [reason, when_sent](websocket_session& s) {
        if (when_sent) s.close_when_sent(reason);
        else s.close(reason);
    });
}

void signaling_hub::send_error(Peer& peer, const std::string& request_id, ErrorCode code,
                               const std::string& message, std::int64_t now_ms) {
    send_json(peer, protocol::make_reply(request_id, code, message, Json::object(), now_ms));
}

void signaling_hub::deliver(std::vector<Delivery>& deliveries) {
    // A notification to a room arrives as one delivery per recipient, next to each other
    // and equal: serialize it once and hand every socket the same string. (Comparing two
    // small JSON values allocates nothing; serializing one does.)
    const Json* last = nullptr;
    std::shared_ptr<const std::string> text;
    for (auto& d : deliveries) {
        auto m = members_.find(d.user_id);
        if (m == members_.end() || !m->second.peer) continue;
        Peer* p = find(m->second.peer);
        if (!p) continue;
        if (!last || !(d.message == *last)) {
            text = json_text(d.message);
            last = &d.message;
        }
        send_text(*p, text);
    }
}

// [SECTION] after every service call

void signaling_hub::settle(ControlResult& result, const ControlCall& call) {
    const std::int64_t now = clock_.now_ms();
    audit_request(result, call, now);
    if (call.event_name.empty() || changes_room_state(call.event_name)) {
        for (const auto& room_id : call.rooms_touched) rooms_.mark_dirty(room_id);
        if (auto m = members_.find(call.member_touched); m != members_.end())
            rooms_.mark_dirty(m->second.room_id);
    }
    rooms_.mark_dirty(result);
    queue_webhooks(result, call, now);
    apply_changes(result.changes, call.requester, now, /*departures=*/false);
    if (Peer* peer = call.requester ? find(call.requester) : nullptr;
        peer && !result.reply.is_null()) {
        send_json(*peer, result.reply);
        for (const auto& m : result.backlog) send_json(*peer, m);
    }
    deliver(result.deliveries);
    http_.wake(result.queued_for);
    apply_changes(result.changes, call.requester, now, /*departures=*/true);
    if (call.stats)
        call.stats->record(call.event_name, call.in_service,
                           ControlCall::Clock::now() - call.started,
                           protocol::field_or(result.reply, "code", 0) == 200);
}

void signaling_hub::apply_changes(const std::vector<MemberChange>& changes, std::uint64_t requester,
                                  std::int64_t now_ms, bool departures) {
    std::set<std::string> rooms_left;
    std::vector<std::string> gone;
    for (const auto& ch : changes) {
        if (departures != (ch.kind == MemberChange::Kind::Left)) continue;
        const std::uint64_t peer_id = ch.transport == MemberTransport::WebSocket ? requester : 0;
        switch (ch.kind) {
            case MemberChange::Kind::Joined: {
                Member m{ch.room_id, peer_id, 0};
                const Room* room = service_.find_room(ch.room_id);
                const UserRecord* me = room ? room->find(ch.user_id) : nullptr;
                if (room && room->members().size() == 1) store_.room_started(room->record());
                if (me)
                    m.audit_row =
                        store_.participant_joined(ch.room_id, ch.user_id, me->user_name, now_ms);
                members_.insert_or_assign(ch.user_id, std::move(m));
                if (config_.verbose)
                    log_info("user " + ch.user_id + " joined room '" + ch.room_id + "' over " +
                             (ch.transport == MemberTransport::Http ? "HTTP" : "WebSocket") + " (" +
                             std::to_string(room ? room->members().size() : 0) + " present)");
                break;
            }
            case MemberChange::Kind::Resumed: {
                auto it = members_.find(ch.user_id);
                if (it == members_.end()) break;
                // Another connection still holding the member (a half-open socket the server
                // has not noticed yet, or a second tab): it holds nothing now; close it.
                if (it->second.peer && it->second.peer != peer_id) {
                    if (Peer* old = find(it->second.peer)) {
                        old->conn = {};
                        close_peer(*old,
                                   websocket::close_reason(static_cast<websocket::close_code>(kCloseResumedElsewhere),
                                                           "resumed on another connection"),
                                   /*when_sent=*/false);
                    }
                }
                it->second.peer = peer_id;
                if (config_.verbose)
                    log_info("user " + ch.user_id + " resumed in room '" + ch.room_id + "' over " +
                             (ch.transport == MemberTransport::Http ? "HTTP" : "WebSocket"));
                break;
            }
            case MemberChange::Kind::Offline: {
                auto it = members_.find(ch.user_id);
                if (it != members_.end()) it->second.peer = 0;
                if (config_.verbose)
                    log_info("user " + ch.user_id + " dropped from room '" + ch.room_id +
                             "'; kept for " + std::to_string(config_.reconnect_grace_ms) + " ms");
                break;
            }
            case MemberChange::Kind::Left: {
                auto it = members_.find(ch.user_id);
                // (A token's identity that moved to another room has joined there already.)
                if (it != members_.end() && it->second.room_id == ch.room_id) {
                    store_.participant_left(it->second.audit_row, now_ms);
                    // A WebSocket still holding a member that left by other means (its HTTP
                    // twin sent vcLeaveRoom): it holds nothing now. After vcFinishRoom the
                    // core itself answers those connections' next request with 422.
                    if (!ch.meeting_ended && it->second.peer && it->second.peer != requester)
                        if (Peer* p = find(it->second.peer)) {
                            p->conn = {};
                            // Removed by the operator: after its vcOnRemoved, a close its
                            // client does not reconnect after.
                            if (ch.removed)
                                close_peer(*p,
                                           websocket::close_reason(
                                               static_cast<websocket::close_code>(protocol::kCloseRemoved),
                                               "removed by the operator"),
                                           /*when_sent=*/true);
                        }
                    members_.erase(it);
                }
                rooms_left.insert(ch.room_id);
                gone.push_back(ch.user_id);
                if (config_.verbose)
                    log_info("user " + ch.user_id +
                             (ch.meeting_ended ? " is out (meeting ended) of" : " left") +
                             " room '" + ch.room_id + "'");
                break;
            }
        }
    }
    for (const auto& room_id : rooms_left) {
        const Room* room = service_.find_room(room_id);
        if (!room || room->ended())
            store_.room_ended(room_id,
                              room && room->record().end_time ? room->record().end_time : now_ms);
    }
    http_.forget(gone);  // their long-polls answer now (404 / 422)
}

// [SECTION] WebSocket control

void signaling_hub::on_text(std::uint64_t id, std::string_view text) {
    const auto held = hold();
    Peer* peer = find(id);
    if (!peer) return;
    ControlCall call;
    call.started = ControlCall::Clock::now();
    call.requester = id;
    const std::int64_t now = clock_.now_ms();
    try {
        auto parsed = protocol::parse_request(text);
        if (!peer->control.take(ServerClock::mono_ms())) {
            const std::string rid = std::holds_alternative<protocol::Request>(parsed)
                                        ? std::get<protocol::Request>(parsed).request_id
                                        : std::get<protocol::RequestError>(parsed).request_id;
            send_error(*peer, rid, ErrorCode::RateLimited, "", now);
            return;
        }
        if (auto* err = std::get_if<protocol::RequestError>(&parsed)) {
            send_error(*peer, err->request_id, err->code, err->message, now);
            return;
        }
        const auto& request = std::get<protocol::Request>(parsed);
        call.rooms_touched.push_back(
            peer->conn.room_id);  // the room it was in, and the one it is in now
        call.request = &request;
        call.actor = peer->conn.user_id;
        call.actor_room = peer->conn.room_id;
        const auto handle_start = ControlCall::Clock::now();
        ControlResult result = service_.handle(peer->conn, request, now);
        call.in_service = ControlCall::Clock::now() - handle_start;
        call.rooms_touched.push_back(peer->conn.room_id);
        call.stats = &status_.websocket_ops();
        call.event_name = request.event_name;
        settle(result, call);
    } catch (const std::exception& e) {
        // Never expected (the core does not throw on input), but one message must not
        // take the server down.
        log_error(std::string("control message failed: ") + e.what());
        if ((peer = find(id))) send_error(*peer, "", ErrorCode::Internal, "", now);
    }
}

void signaling_hub::detach(std::uint64_t id, bool clean, const DropCounts& d) {
    const auto held = hold();
    auto it = peers_.find(id);
    if (it == peers_.end()) return;
    ControlResult result;
    ControlCall call;
    call.requester = id;
    if (it->second.conn.joined()) {
        call.rooms_touched.push_back(it->second.conn.room_id);  // offline, or gone
        try {
            result = service_.close_connection(it->second.conn, clean, clock_.now_ms());
        } catch (const std::exception& e) {
            log_error(std::string("disconnect failed: ") + e.what());
        }
    }
    dropped_closed_.pose += d.pose;
    dropped_closed_.pose_ack += d.pose_ack;
    dropped_closed_.audio += d.audio;
    dropped_closed_.stale += d.stale;
    auto by_ip = connections_by_ip_.find(it->second.client_ip);
    if (by_ip != connections_by_ip_.end() && --by_ip->second <= 0) connections_by_ip_.erase(by_ip);
    peers_.erase(it);
    settle(result, call);
}

// [SECTION] timers, restore, shutdown

void signaling_hub::tick() {
    // The lock is taken per step, and per room for the rooms' writes: a tick after a busy
    // moment (many rooms changed) held it for up to 8 ms in one go, stalling every media
    // thread's packets and control requests behind it; one room's write takes ~0.1 ms.
    const std::int64_t now = clock_.now_ms();
    std::vector<std::string> rooms_to_write;
    {
        const auto held = hold();
        http_.tick(now);  // a member whose long-poll is waiting is alive
        room_service_.tick();
        audit_endpoint_.tick();
        audit_log_.tick(ServerClock::mono_ms());
        invitations_.tick();
        // Congestion notices that came due without a packet to trigger them (the "cleared" one).
        const std::int64_t mono = ServerClock::mono_ms();
        for (auto& [id, p] : peers_)
            if (p.queue->congested())
                on_session_thread(p.session, p.thread,
                                  [this](websocket_session& s) { tell_congestion(s, ServerClock::mono_ms()); });
        relay_.tick(mono);
        ControlResult result = service_.expire(now);
        settle(result, ControlCall{});
        rooms_to_write = rooms_.take_marked_rooms();
    }
    for (const auto& room_id : rooms_to_write) {
        const auto held = hold();
        rooms_.persist_room(room_id, now);
    }
    const auto held = hold();
    rooms_.persist_settings(now);
    if (webhook_dispatcher_) webhook_dispatcher_->pump();  // retries that came due
}

void signaling_hub::restore_rooms() {
    const auto held = hold();
    ControlResult result;
    rooms_.restore(clock_.now_ms(), config_.reconnect_grace_ms, result.changes);
    // Their webhooks went out before the restart (or wait in the outbox).
    for (const auto& [id, room] : service_.rooms()) webhook_events_.seed(*room, service_.invitations(id));
    // Arrivals only (members offline, nobody to tell): the rooms are as stored, not dirty.
    apply_changes(result.changes, 0, clock_.now_ms(), /*departures=*/false);
}

void signaling_hub::shutdown() {
    // The rooms as they are now are what a restarted server brings back; the leaves that
    // closing every connection causes next are not written.
    const auto held = hold();
    rooms_.stop(clock_.now_ms());
    shutting_down_ = true;
    for (auto& [id, p] : peers_) close_peer(p, websocket::close_code::going_away, /*when_sent=*/false);
    http_.shutdown();
}

void signaling_hub::finalize() {
    const auto held = hold();
    const std::int64_t now = clock_.now_ms();
    // Nobody is left to notify: close the books on every member still present (attached,
    // offline within grace, or HTTP) and every room.
    std::set<std::string> rooms;
    for (auto& [user, m] : members_) {
        store_.participant_left(m.audit_row, now);
        rooms.insert(m.room_id);
    }
    for (const auto& room_id : rooms) store_.room_ended(room_id, now);
    members_.clear();
    peers_.clear();
    http_.clear();
}

// [SECTION] status

ServerStatus::Connections signaling_hub::connections() const {
    ServerStatus::Connections c;
    c.open = peers_.size();
    c.refused = connections_refused_;
    c.dropped = dropped_closed_;
    c.congestion_notices = congestion_notices_.load(std::memory_order_relaxed);
    c.pose_shed_thread_behind = pose_shed_thread_behind_.load(std::memory_order_relaxed);
    if (webhook_outbox_) c.webhook_queue = webhook_outbox_->depth();
    if (webhook_dispatcher_) {
        c.webhooks_delivered = webhook_dispatcher_->delivered();
        c.webhook_failures = webhook_dispatcher_->failures();
    }
    for (std::size_t t = 0; t < placement_.threads(); ++t) {
        const MediaWriteWindow* w = t < write_windows_.size() ? write_windows_[t] : nullptr;
        c.media_threads.push_back({placement_.load(t), placement_.rooms_on(t), w ? w->writes() : 0,
                                   w ? w->messages_written() : 0, w ? w->late_ms() : 0});
    }
    const std::int64_t mono = ServerClock::mono_ms();
    for (const auto& [id, p] : peers_) {
        const PublishedQueueStats& q = *p.queue;
        const DropCounts d = q.dropped();
        if (d.total() == 0) continue;
        c.dropped.pose += d.pose;
        c.dropped.pose_ack += d.pose_ack;
        c.dropped.audio += d.audio;
        c.dropped.stale += d.stale;
        if (q.congested()) ++c.congested;
        if (c.slow_receivers.size() < ServerStatus::kMaxSlowReceivers)
            c.slow_receivers.push_back(Json{{"connection", id},
                                            {"user_id", p.conn.user_id},
                                            {"room_id", p.conn.room_id},
                                            {"congested", q.congested()},
                                            {"dropped_pose", d.pose},
                                            {"dropped_pose_ack", d.pose_ack},
                                            {"dropped_audio", d.audio},
                                            {"dropped_stale", d.stale},
                                            {"queued_messages", q.messages()},
                                            {"queued_bytes", q.bytes()},
                                            {"queued_ms", q.oldest_age_ms(mono)}});
    }
    for (const auto& [user, m] : members_) {
        if (m.peer) continue;
        const auto info = service_.member_info(user);
        if (!info) continue;
        if (info->transport == MemberTransport::Http)
            ++c.members_http;
        else
            ++c.members_offline;
    }
    return c;
}

}  // namespace posemeet::server
