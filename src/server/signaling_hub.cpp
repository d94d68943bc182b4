// See signaling_hub.hpp.
#include "server/signaling_hub.hpp"

#include <exception>

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

std::shared_ptr<const std::string> to_text(const Json& j) {
    // Strings were validated as UTF-8 on the way in; "replace" only guards against a bug.
    return std::make_shared<const std::string>(j.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

signaling_hub::signaling_hub(const ServerConfig& config, SqliteStore& store)
    : config_(config),
      store_(store),
      service_(ServiceConfig{RoomLimits{config.max_participants}}, [this] { return new_user_id(); }) {}

std::string signaling_hub::new_user_id() {
    for (;;) {
        std::string id = ids_();
        if (!users_.count(id)) return id;
    }
}

signaling_hub::Peer* signaling_hub::find(std::uint64_t id) {
    auto it = peers_.find(id);
    return it == peers_.end() ? nullptr : &it->second;
}

std::uint64_t signaling_hub::attach(const std::shared_ptr<websocket_session>& session) {
    const std::uint64_t id = next_id_++;
    peers_.emplace(id, Peer{session, {}, TokenBucket(config_.control_rate, config_.control_burst),
                            TokenBucket(config_.media_rate, config_.media_burst)});
    if (shutting_down_) session->close(websocket::close_code::going_away);
    return id;
}

void signaling_hub::send_json(Peer& peer, const Json& message) {
    if (auto s = peer.session.lock()) s->send(to_text(message), /*binary=*/false, /*control=*/true);
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
    for (auto& d : deliveries) {
        auto u = users_.find(d.user_id);
        if (u == users_.end()) continue;
        if (Peer* p = find(u->second)) send_json(*p, d.message);
    }
}

void signaling_hub::on_joined(std::uint64_t id, Peer& peer, std::int64_t now_ms) {
    users_[peer.conn.user_id] = id;
    const Room* room = service_.find_room(peer.conn.room_id);
    if (!room) return;
    const UserRecord* me = room->find(peer.conn.user_id);
    if (room->members().size() == 1) store_.room_started(room->record());
    if (me) peer.audit_row = store_.participant_joined(room->record().room_id, me->user_id, me->user_name, now_ms);
    if (config_.verbose)
        log_info("user " + peer.conn.user_id + " joined room '" + peer.conn.room_id + "' (" +
                 std::to_string(room->members().size()) + " present)");
}

void signaling_hub::on_left(Peer& peer, const ConnectionState& before, std::int64_t now_ms) {
    users_.erase(before.user_id);
    store_.participant_left(peer.audit_row, now_ms);
    peer.audit_row = 0;
    if (!service_.find_room(before.room_id)) {
        store_.room_ended(before.room_id, now_ms);
    }
    if (config_.verbose) log_info("user " + before.user_id + " left room '" + before.room_id + "'");
}

void signaling_hub::on_text(std::uint64_t id, std::string_view text) {
    Peer* peer = find(id);
    if (!peer) return;
    const std::int64_t now = wall_ms();
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
        const ConnectionState before = peer->conn;
        ControlResult result = service_.handle(peer->conn, request, now);
        if (!before.joined() && peer->conn.joined()) on_joined(id, *peer, now);
        if (before.joined() && !peer->conn.joined()) on_left(*peer, before, now);
        send_json(*peer, result.reply);
        deliver(result.deliveries);
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
        send_media_error(*peer, ErrorCode::RateLimited, "too many media packets, dropped", wall_ms(), mono);
        return;
    }
    auto parsed = parse_relay_frame(data, size);
    if (!parsed.frame) {
        // Not throttled by the 1/s rule: the media bucket already bounds it, and a client
        // debugging its framing wants every error.
        send_error(*peer, "", ErrorCode::BadInput, parsed.error, wall_ms());
        return;
    }
    if (!peer->conn.joined()) {
        send_error(*peer, "", ErrorCode::NotInRoom, "join a room before sending media", wall_ms());
        return;
    }
    std::uint16_t sender = 0;
    const auto recipients = service_.relay_recipients(peer->conn, parsed.frame->targets, sender);
    if (recipients.empty()) return;
    // The server stamps the authenticated sender: a client cannot speak as someone else.
    auto packet = std::make_shared<std::string>(reinterpret_cast<const char*>(parsed.frame->packet),
                                                parsed.frame->packet_size);
    set_media_sender(reinterpret_cast<std::uint8_t*>(packet->data()), sender);
    std::shared_ptr<const std::string> shared = std::move(packet);
    for (const auto& user : recipients) {
        auto u = users_.find(user);
        if (u == users_.end()) continue;
        Peer* to = find(u->second);
        if (!to) continue;
        if (auto s = to->session.lock()) s->send(shared, /*binary=*/true, /*control=*/false);
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
        if (peer->media.take(mono)) send_error(*peer, "", ErrorCode::TooLarge, message, wall_ms());
        else send_media_error(*peer, ErrorCode::RateLimited, "too many media packets, dropped", wall_ms(), mono);
    } else {
        send_error(*peer, "", peer->control.take(mono) ? ErrorCode::TooLarge : ErrorCode::RateLimited,
                   message, wall_ms());
    }
}

void signaling_hub::detach(std::uint64_t id) {
    auto it = peers_.find(id);
    if (it == peers_.end()) return;
    Peer& peer = it->second;
    std::vector<Delivery> deliveries;
    if (peer.conn.joined()) {
        const std::int64_t now = wall_ms();
        const ConnectionState before = peer.conn;
        deliveries = service_.disconnect(peer.conn, now);
        on_left(peer, before, now);
    }
    peers_.erase(it);
    deliver(deliveries);
}

void signaling_hub::shutdown() {
    shutting_down_ = true;
    // Collect first: close() never re-enters the hub synchronously, but stay safe.
    std::vector<std::shared_ptr<websocket_session>> sessions;
    for (auto& [id, p] : peers_)
        if (auto s = p.session.lock()) sessions.push_back(std::move(s));
    for (auto& s : sessions) s->close(websocket::close_code::going_away);
}

void signaling_hub::finalize() {
    const std::int64_t now = wall_ms();
    for (auto& [id, peer] : peers_) {
        if (!peer.conn.joined()) continue;
        const ConnectionState before = peer.conn;
        service_.disconnect(peer.conn, now);  // nobody is left to notify
        on_left(peer, before, now);
    }
    peers_.clear();
    users_.clear();
}

Json signaling_hub::health_json() const {
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::steady_clock::now() - started_)
                            .count();
    return Json{{"status", "ok"},
                {"rooms", service_.room_count()},
                {"participants", service_.participant_count()},
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

}  // namespace posemeet::server
