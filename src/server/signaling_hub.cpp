// See signaling_hub.hpp.
#include "server/signaling_hub.hpp"

#include <exception>
#include <set>

#include "core/media_packet.hpp"
#include "core/protocol.hpp"
#include "server/log.hpp"
#include "server/sqlite_store.hpp"
#include "server/websocket_session.hpp"

namespace posemeet::server {
namespace {

using protocol::ErrorCode;
using protocol::Json;

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::int64_t mono_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string dump(const Json& j) {
    // Strings were validated as UTF-8 on the way in; "replace" only guards against a bug.
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::shared_ptr<const std::string> to_text(const Json& j) { return std::make_shared<const std::string>(dump(j)); }

ServiceConfig service_config(const ServerConfig& c) {
    ServiceConfig s;
    s.room_limits.max_participants = c.max_participants;
    s.reconnect_grace_ms = c.reconnect_grace_ms;
    s.ended_room_retention_ms = c.ended_room_retention_s * 1000;
    s.event_queue_max = c.event_queue_max;
    return s;
}

// The HTTP form's body: {code, message, data} (+ request_id when the request had one).
Json http_body(ErrorCode code, const std::string& message, Json data, const std::string& request_id = {}) {
    Json body{{"code", static_cast<int>(code)},
              {"message", message.empty() ? protocol::default_message(code) : message},
              {"data", data.is_null() ? Json::object() : std::move(data)}};
    if (!request_id.empty()) body["request_id"] = request_id;
    return body;
}

// A "return" envelope from the service, in the HTTP form.
Json http_body_from_reply(const Json& reply) {
    return http_body(static_cast<ErrorCode>(protocol::field_or(reply, "code", 500)),
                     protocol::field_or(reply, "message", ""),
                     protocol::field_or(reply, "response", Json::object()),
                     protocol::field_or(reply, "request_id", ""));
}

}  // namespace

signaling_hub::signaling_hub(const ServerConfig& config, SqliteStore& store)
    : config_(config),
      store_(store),
      service_(service_config(config), [this] { return new_user_id(); }, [this] { return tokens_(); }),
      started_wall_ms_(wall_ms()) {}

std::int64_t signaling_hub::now_ms() const {
    return started_wall_ms_ + std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started_)
                                  .count();
}

std::string signaling_hub::new_user_id() {
    for (;;) {
        std::string id = ids_();
        if (!members_.count(id) && !service_.member_info(id)) return id;
    }
}

signaling_hub::Peer* signaling_hub::find(std::uint64_t id) {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : &it->second;
}

std::uint64_t signaling_hub::attach(const std::shared_ptr<websocket_session>& session,
                                    const std::string& client_ip) {
    const int from_ip = connections_by_ip_.count(client_ip) ? connections_by_ip_[client_ip] : 0;
    const char* refusal = nullptr;
    if (config_.max_connections > 0 && peers_.size() >= static_cast<std::size_t>(config_.max_connections))
        refusal = "the server is full (too many connections), try again later";
    else if (config_.max_connections_per_address > 0 && from_ip >= config_.max_connections_per_address)
        refusal = "too many connections from your address, try again later";
    if (refusal) {
        ++connections_refused_;
        // One line per 10 s at most: a client hammering us must not flood the log too.
        const std::int64_t now = now_ms();
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
    peers_.emplace(id, Peer{session, client_ip, {}, TokenBucket(config_.control_rate, config_.control_burst),
                            TokenBucket(config_.media_rate, config_.media_burst)});
    if (shutting_down_) session->close(websocket::close_code::going_away);
    return id;
}

void signaling_hub::send_json(Peer& peer, const Json& message) { send_text(peer, to_text(message)); }

void signaling_hub::send_text(Peer& peer, std::shared_ptr<const std::string> text) {
    if (auto s = peer.session.lock()) s->send(std::move(text), /*binary=*/false, /*control=*/true);
}

void signaling_hub::send_error(Peer& peer, const std::string& request_id, ErrorCode code,
                               const std::string& message, std::int64_t now_ms) {
    send_json(peer, protocol::make_reply(request_id, code, message, Json::object(), now_ms));
}

void signaling_hub::send_media_error(Peer& peer, ErrorCode code, const std::string& message,
                                     std::int64_t now_ms, std::int64_t mono) {
    if (mono - peer.last_media_limit_reply_ms < 1000) return;
    peer.last_media_limit_reply_ms = mono;
    send_error(peer, "", code, message, now_ms);
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
            text = to_text(d.message);
            last = &d.message;
        }
        send_text(*p, text);
    }
}

void signaling_hub::wake(const std::vector<std::string>& user_ids) {
    for (const auto& user : user_ids) {
        auto w = waiters_.find(user);
        if (w == waiters_.end()) continue;
        auto fn = std::move(w->second.wake);
        waiters_.erase(w);
        if (fn) fn();
    }
}

void signaling_hub::distribute(ControlResult& result) {
    deliver(result.deliveries);
    wake(result.queued_for);
}

void signaling_hub::apply_changes(const std::vector<MemberChange>& changes, std::uint64_t requester,
                                  std::int64_t now_ms, bool departures) {
    std::set<std::string> rooms_left;
    std::vector<std::string> gone;
    for (const auto& ch : changes) {
        if (departures != (ch.kind == MemberChange::Kind::Left)) continue;
        const std::uint64_t peer_id = ch.transport == Transport::WebSocket ? requester : 0;
        switch (ch.kind) {
        case MemberChange::Kind::Joined: {
            Member m{ch.room_id, peer_id, 0, TokenBucket(config_.control_rate, config_.control_burst)};
            const Room* room = service_.find_room(ch.room_id);
            const UserRecord* me = room ? room->find(ch.user_id) : nullptr;
            if (room && room->members().size() == 1) store_.room_started(room->record());
            if (me) m.audit_row = store_.participant_joined(ch.room_id, ch.user_id, me->user_name, now_ms);
            members_.insert_or_assign(ch.user_id, std::move(m));
            if (config_.verbose)
                log_info("user " + ch.user_id + " joined room '" + ch.room_id + "' over " +
                         (ch.transport == Transport::Http ? "HTTP" : "WebSocket") + " (" +
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
                    if (auto s = old->session.lock())
                        s->close(websocket::close_reason(static_cast<websocket::close_code>(kCloseResumedElsewhere), "resumed on another connection"));
                }
            }
            it->second.peer = peer_id;
            if (config_.verbose)
                log_info("user " + ch.user_id + " resumed in room '" + ch.room_id + "' over " +
                         (ch.transport == Transport::Http ? "HTTP" : "WebSocket"));
            break;
        }
        case MemberChange::Kind::Offline: {
            auto it = members_.find(ch.user_id);
            if (it != members_.end()) it->second.peer = 0;
            if (config_.verbose)
                log_info("user " + ch.user_id + " dropped from room '" + ch.room_id + "'; kept for " +
                         std::to_string(config_.reconnect_grace_ms) + " ms");
            break;
        }
        case MemberChange::Kind::Left: {
            auto it = members_.find(ch.user_id);
            if (it != members_.end()) {
                store_.participant_left(it->second.audit_row, now_ms);
                // A WebSocket still holding a member that left by other means (its HTTP
                // twin sent vcLeaveRoom): it holds nothing now. After vcFinishRoom the
                // core itself answers those connections' next request with 422.
                if (!ch.meeting_ended && it->second.peer && it->second.peer != requester)
                    if (Peer* p = find(it->second.peer)) p->conn = {};
                members_.erase(it);
            }
            rooms_left.insert(ch.room_id);
            gone.push_back(ch.user_id);
            if (config_.verbose)
                log_info("user " + ch.user_id + (ch.meeting_ended ? " is out (meeting ended) of" : " left") +
                         " room '" + ch.room_id + "'");
            break;
        }
        }
    }
    for (const auto& room_id : rooms_left) {
        const Room* room = service_.find_room(room_id);
        if (!room || room->ended()) store_.room_ended(room_id, room && room->record().end_time ? room->record().end_time : now_ms);
    }
    wake(gone);  // their long-polls answer now (404 / 422)
}

void signaling_hub::on_text(std::uint64_t id, std::string_view text) {
    Peer* peer = find(id);
    if (!peer) return;
    const auto op_start = std::chrono::steady_clock::now();  // operation stats
    const std::int64_t now = now_ms();
    try {
        auto parsed = protocol::parse_request(text);
        if (!peer->control.take(mono_ms())) {
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
        const std::string room_before = peer->conn.room_id;
        const auto handle_start = std::chrono::steady_clock::now();
        ControlResult result = service_.handle(peer->conn, request, now);
        const auto handle_time = std::chrono::steady_clock::now() - handle_start;
        if (changes_room_state(request.event_name)) {
            mark_dirty(room_before);
            mark_dirty(peer->conn.room_id);
        }
        mark_dirty(result);
        apply_changes(result.changes, id, now, /*departures=*/false);
        if ((peer = find(id))) {
            send_json(*peer, result.reply);
            for (const auto& m : result.backlog) send_json(*peer, m);
        }
        distribute(result);
        apply_changes(result.changes, id, now, /*departures=*/true);
        ws_op_stats_.record(request.event_name, handle_time, std::chrono::steady_clock::now() - op_start,
                            protocol::field_or(result.reply, "code", 0) == 200);
    } catch (const std::exception& e) {
        // Never expected (the core does not throw on input), but one message must not
        // take the server down.
        log_error(std::string("control message failed: ") + e.what());
        if ((peer = find(id))) send_error(*peer, "", ErrorCode::Internal, "", now);
    }
}

void signaling_hub::on_binary(std::uint64_t id, const std::uint8_t* data, std::size_t size) {
    Peer* peer = find(id);
    if (!peer) return;
    const std::int64_t mono = mono_ms();
    if (!peer->media.take(mono)) {
        send_media_error(*peer, ErrorCode::RateLimited, "too many media packets, dropped", now_ms(), mono);
        return;
    }
    auto parsed = parse_relay_frame(data, size);
    if (!parsed.frame) {
        // Not throttled by the 1/s rule: the media bucket already bounds it, and a client
        // debugging its framing wants every error.
        send_error(*peer, "", ErrorCode::BadInput, parsed.error, now_ms());
        return;
    }
    if (!peer->conn.joined()) {
        send_error(*peer, "", ErrorCode::NotInRoom, "join a room before sending media", now_ms());
        return;
    }
    auto holder = members_.find(peer->conn.user_id);
    if (holder == members_.end() || holder->second.peer != id) return;  // superseded connection
    auto media = parse_media_packet(parsed.frame->packet, parsed.frame->packet_size);
    if (!media.packet) {
        send_error(*peer, "", ErrorCode::BadInput, media.error, now_ms());
        return;
    }
    std::uint16_t sender = 0;
    const MediaKind kind = media.packet->header.kind;
    const auto recipients = service_.relay_recipients(peer->conn, parsed.frame->targets, kind, sender);
    if (recipients.empty()) {
        if (kind == MediaKind::Audio) ++audio_dropped_muted_;
        return;
    }
    // The server stamps the authenticated sender: a client cannot speak as someone else.
    auto packet = std::make_shared<std::string>(reinterpret_cast<const char*>(parsed.frame->packet),
                                                parsed.frame->packet_size);
    set_media_sender(reinterpret_cast<std::uint8_t*>(packet->data()), sender);
    std::shared_ptr<const std::string> shared = std::move(packet);
    for (const auto& user : recipients) {
        auto m = members_.find(user);
        if (m == members_.end() || !m->second.peer) continue;  // offline or HTTP: no media
        Peer* to = find(m->second.peer);
        if (!to) continue;
        if (auto s = to->session.lock()) {
            s->send(shared, /*binary=*/true, /*control=*/false);
            ++media_relayed_;
        }
    }
}

void signaling_hub::on_oversized(std::uint64_t id, bool binary, std::size_t size) {
    Peer* peer = find(id);
    if (!peer) return;
    const std::string message = std::string(binary ? "binary" : "text") + " message of " +
                                std::to_string(size) + " bytes exceeds the limit of " +
                                std::to_string(config_.max_message_bytes) + " bytes";
    const std::int64_t mono = mono_ms();
    if (binary) {
        if (peer->media.take(mono)) send_error(*peer, "", ErrorCode::TooLarge, message, now_ms());
        else send_media_error(*peer, ErrorCode::RateLimited, "too many media packets, dropped", now_ms(), mono);
    } else {
        send_error(*peer, "", peer->control.take(mono) ? ErrorCode::TooLarge : ErrorCode::RateLimited,
                   message, now_ms());
    }
}

void signaling_hub::detach(std::uint64_t id, bool clean) {
    auto it = peers_.find(id);
    if (it == peers_.end()) return;
    ControlResult result;
    if (it->second.conn.joined()) {
        mark_dirty(it->second.conn.room_id);  // offline, or gone
        const std::int64_t now = now_ms();
        try {
            result = service_.close_connection(it->second.conn, clean, now);
        } catch (const std::exception& e) {
            log_error(std::string("disconnect failed: ") + e.what());
        }
        apply_changes(result.changes, id, now, /*departures=*/false);
    }
    auto by_ip = connections_by_ip_.find(it->second.client_ip);
    if (by_ip != connections_by_ip_.end() && --by_ip->second <= 0) connections_by_ip_.erase(by_ip);
    peers_.erase(id);
    distribute(result);
    apply_changes(result.changes, id, now_ms(), /*departures=*/true);
}

void signaling_hub::tick() {
    const std::int64_t now = now_ms();
    // A member whose long-poll is waiting is alive.
    for (const auto& [user, w] : waiters_) service_.touch(user, now);
    ControlResult result = service_.expire(now);
    mark_dirty(result);
    if (!result.changes.empty() || !result.deliveries.empty() || !result.queued_for.empty()) {
        apply_changes(result.changes, 0, now, /*departures=*/false);
        distribute(result);
        apply_changes(result.changes, 0, now, /*departures=*/true);
    }
    // Ended rooms past their retention go without a change to mark: catch them here.
    for (const auto& room_id : persisted_rooms_)
        if (!service_.find_room(room_id)) mark_dirty(room_id);
    persist_dirty_rooms(now);
    const std::int64_t mono = mono_ms();
    if (mono - last_bucket_sweep_ms_ > 10000) {
        last_bucket_sweep_ms_ = mono;
        for (auto b = client_buckets_.begin(); b != client_buckets_.end();)
            b = mono - b->second.last_used_ms > 60000 ? client_buckets_.erase(b) : std::next(b);
    }
}

TokenBucket& signaling_hub::client_bucket(const std::string& client, std::int64_t mono) {
    auto it = client_buckets_.find(client);
    if (it == client_buckets_.end())
        it = client_buckets_.emplace(client, ClientBucket{TokenBucket(config_.control_rate, config_.control_burst), mono})
                 .first;
    it->second.last_used_ms = mono;
    return it->second.bucket;
}

signaling_hub::HttpAnswer signaling_hub::http_message(std::string_view text, const std::string& client) {
    const auto op_start = std::chrono::steady_clock::now();  // operation stats
    const std::int64_t now = now_ms();
    const std::int64_t mono = mono_ms();
    try {
        auto parsed = protocol::parse_request(text);
        if (auto* err = std::get_if<protocol::RequestError>(&parsed)) {
            if (!client_bucket(client, mono).take(mono))
                return {429, http_body(ErrorCode::RateLimited, "", {}, err->request_id)};
            return {400, http_body(err->code, err->message, {}, err->request_id)};
        }
        const auto& request = std::get<protocol::Request>(parsed);
        // The member's own rate limit once its credentials check out; everyone else's
        // requests (joins, bad tokens) count against their address.
        const auto& c = request.content;
        const std::string user = protocol::field_or(c, "user_id", "");
        std::string ignored;
        TokenBucket* bucket = nullptr;
        if (!user.empty() &&
            service_.authenticate(protocol::field_or(c, "room_id", ""), user, protocol::field_or(c, "token", ""),
                                  ignored) == ErrorCode::Ok) {
            if (auto m = members_.find(user); m != members_.end()) bucket = &m->second.http;
        }
        if (!bucket) bucket = &client_bucket(client, mono);
        if (!bucket->take(mono)) return {429, http_body(ErrorCode::RateLimited, "", {}, request.request_id)};

        const auto handle_start = std::chrono::steady_clock::now();
        ControlResult result = service_.handle_http(request, now);
        const auto handle_time = std::chrono::steady_clock::now() - handle_start;
        if (changes_room_state(request.event_name))
            if (auto m = members_.find(user); m != members_.end()) mark_dirty(m->second.room_id);
        mark_dirty(result);
        apply_changes(result.changes, 0, now, /*departures=*/false);
        distribute(result);
        apply_changes(result.changes, 0, now, /*departures=*/true);
        http_op_stats_.record(request.event_name, handle_time, std::chrono::steady_clock::now() - op_start,
                              protocol::field_or(result.reply, "code", 0) == 200);
        return {200, http_body_from_reply(result.reply)};
    } catch (const std::exception& e) {
        log_error(std::string("HTTP control message failed: ") + e.what());
        return {500, http_body(ErrorCode::Internal, "", {})};
    }
}

signaling_hub::HttpAnswer signaling_hub::http_events(const PollRequest& query, const std::string& client,
                                                     bool charge, bool& wait) {
    const auto op_start = std::chrono::steady_clock::now();  // operation stats
    wait = false;
    const std::int64_t now = now_ms();
    const std::int64_t mono = mono_ms();
    try {
        if (charge) {
            std::string ignored;
            TokenBucket* bucket = nullptr;
            if (service_.authenticate(query.room_id, query.user_id, query.token, ignored) == ErrorCode::Ok)
                if (auto m = members_.find(query.user_id); m != members_.end()) bucket = &m->second.http;
            if (!bucket) bucket = &client_bucket(client, mono);
            if (!bucket->take(mono)) return {429, http_body(ErrorCode::RateLimited, "", {})};
        }
        const auto handle_start = std::chrono::steady_clock::now();
        PollResult r = service_.poll(query, now);
        const auto poll_end = std::chrono::steady_clock::now();
        http_op_stats_.record("(poll)", poll_end - handle_start, poll_end - op_start, r.code == ErrorCode::Ok);
        wait = r.code == ErrorCode::Ok && !r.has_events();
        return {200, http_body(r.code, r.message, std::move(r.data))};
    } catch (const std::exception& e) {
        log_error(std::string("HTTP poll failed: ") + e.what());
        return {500, http_body(ErrorCode::Internal, "", {})};
    }
}

std::uint64_t signaling_hub::add_waiter(const std::string& user_id, std::function<void()> wake_fn) {
    wake({user_id});  // one long-poll per member: an older one answers now
    const std::uint64_t id = next_waiter_id_++;
    if (shutting_down_) {
        if (wake_fn) wake_fn();
        return id;
    }
    waiters_[user_id] = Waiter{id, std::move(wake_fn)};
    service_.touch(user_id, now_ms());
    return id;
}

void signaling_hub::remove_waiter(const std::string& user_id, std::uint64_t waiter_id) {
    auto it = waiters_.find(user_id);
    if (it != waiters_.end() && it->second.id == waiter_id) {
        waiters_.erase(it);
        service_.touch(user_id, now_ms());
    }
}

void signaling_hub::shutdown() {
    // The rooms as they are now are what a restarted server brings back; the leaves that
    // closing every connection causes next are not written.
    persist_dirty_rooms(now_ms());
    shutting_down_ = true;
    // Collect first: close() never re-enters the hub synchronously, but stay safe.
    std::vector<std::shared_ptr<websocket_session>> sessions;
    for (auto& [id, p] : peers_)
        if (auto s = p.session.lock()) sessions.push_back(std::move(s));
    for (auto& s : sessions) s->close(websocket::close_code::going_away);
    std::vector<std::string> polling;
    for (const auto& [user, w] : waiters_) polling.push_back(user);
    wake(polling);
}

void signaling_hub::finalize() {
    const std::int64_t now = now_ms();
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
    waiters_.clear();
}

// [SECTION] room state in the store

void signaling_hub::restore_rooms() {
    const std::int64_t now = now_ms();
    std::size_t rooms = 0, members = 0;
    for (const auto& [room_id, text] : store_.load_room_states()) {
        std::vector<MemberChange> changes;
        std::string error;
        const Json state = Json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!service_.import_room(state, now, changes, error)) {
            log_warn("stored room '" + room_id + "' not restored: " + error);
            store_.forget_room_state(room_id);
            continue;
        }
        persisted_rooms_.insert(room_id);
        if (const Room* room = service_.find_room(room_id); room && !room->ended()) store_.room_started(room->record());
        apply_changes(changes, 0, now, /*departures=*/false);
        ++rooms;
        members += changes.size();
    }
    if (rooms > 0)
        log_info("restored " + std::to_string(rooms) + " room(s) with " + std::to_string(members) +
                 " member(s) from the store; they have " + std::to_string(config_.reconnect_grace_ms / 1000) +
                 " s to reconnect");
}

void signaling_hub::mark_dirty(const std::string& room_id) {
    if (!room_id.empty() && !shutting_down_ && store_.is_open()) dirty_rooms_.insert(room_id);
}

void signaling_hub::mark_dirty(const ControlResult& result) {
    for (const auto& ch : result.changes) mark_dirty(ch.room_id);
}

bool signaling_hub::changes_room_state(const std::string& event_name) {
    // Reads and WebRTC signaling leave the room as it was (a resume is a change: marked).
    return event_name != "vcGetUserList" && event_name != "vcResync" && event_name != "vcSignal";
}

void signaling_hub::persist_dirty_rooms(std::int64_t now_ms) {
    for (const auto& room_id : dirty_rooms_) {
        if (auto state = service_.export_room(room_id)) {
            store_.save_room_state(room_id, state->dump(), now_ms);
            persisted_rooms_.insert(room_id);
        } else if (persisted_rooms_.erase(room_id)) {
            store_.forget_room_state(room_id);
        }
    }
    dirty_rooms_.clear();
}

Json signaling_hub::health_json() const {
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
    std::size_t offline = 0, http = 0;
    for (const auto& [user, m] : members_) {
        if (m.peer) continue;
        const auto info = service_.member_info(user);
        if (!info) continue;
        if (info->transport == Transport::Http) ++http;
        else ++offline;
    }
    return Json{{"status", "ok"},
                {"rooms", service_.room_count()},
                {"participants", service_.participant_count()},
                {"participants_offline", offline},
                {"participants_http", http},
                {"uptime_s", uptime}};
}

Json signaling_hub::rooms_json() const {
    Json rooms = Json::array();
    for (const auto& [room_id, room] : service_.rooms()) {
        Json entry = room->record().to_json();
        entry["user_count"] = room->members().size();
        entry["user_list"] = room->user_list_json();
        rooms.push_back(std::move(entry));
    }
    return Json{{"rooms", std::move(rooms)}};
}

Json signaling_hub::stats_json() const {
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
    return Json{{"uptime_s", uptime},
                {"rooms", service_.room_count()},
                {"participants", service_.participant_count()},
                {"connections", peers_.size()},
                {"connections_refused", connections_refused_},
                {"window", ws_op_stats_.window()},
                {"websocket", ws_op_stats_.to_json()},
                {"http", http_op_stats_.to_json()},
                {"media", Json{{"relayed_packets", media_relayed_}, {"audio_dropped_muted", audio_dropped_muted_}}}};
}

}  // namespace posemeet::server
