// See control_service.hpp.
#include "core/control_service.hpp"

namespace posemeet {

using protocol::make_inform;
using protocol::make_reply;

ControlService::ControlService(ServiceConfig config, IdGenerator new_user_id)
    : config_(config), new_user_id_(std::move(new_user_id)) {}

void ControlService::expand(std::vector<Notification>& notifications, std::int64_t now_ms,
                            std::vector<Delivery>& out) {
    for (auto& n : notifications) {
        const Json msg = make_inform(n.event, std::move(n.data), now_ms);
        for (auto& r : n.recipients) out.push_back({std::move(r), msg});
    }
}

ControlResult ControlService::handle(ConnectionState& conn, const protocol::Request& req,
                                     std::int64_t now_ms) {
    ControlResult result;
    Outcome o;
    const std::string& ev = req.event_name;
    if (ev == "vcJoinRoom") {
        o = join(conn, req.content, now_ms);
    } else if (!conn.joined()) {
        o = Outcome::error(ErrorCode::NotInRoom);
    } else if (ev == "vcLeaveRoom") {
        o = leave(conn, now_ms);
    } else if (ev == "vcGetUserList") {
        const Room* room = room_of(conn);
        o.response = Json{{"user_count", room->members().size()}, {"user_list", room->user_list_json()}};
    } else if (ev == "vcResync") {
        const Room* room = room_of(conn);
        o.response = Json{{"room", room->record().to_json()},
                          {"user", room->find(conn.user_id)->to_json()},
                          {"user_list", room->user_list_json()}};
    } else if (ev == "vcSignal") {
        o = signal(conn, req.content, result.deliveries, now_ms);
    } else {
        o = Outcome::error(ErrorCode::UnknownEvent, "unknown event_name: " + ev);
    }
    result.reply = make_reply(req.request_id, o.code, o.message, std::move(o.response), now_ms);
    expand(o.notifications, now_ms, result.deliveries);
    return result;
}

std::vector<Delivery> ControlService::disconnect(ConnectionState& conn, std::int64_t now_ms) {
    std::vector<Delivery> out;
    if (!conn.joined()) return out;
    Outcome o = leave(conn, now_ms);
    expand(o.notifications, now_ms, out);
    return out;
}

Outcome ControlService::join(ConnectionState& conn, const Json& content, std::int64_t now_ms) {
    if (conn.joined()) return Outcome::error(ErrorCode::AlreadyInRoom);
    std::string error;
    auto room_id = protocol::read_string(content, "room_id", kMaxRoomIdBytes, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    if (!room_id || room_id->empty()) return Outcome::error(ErrorCode::BadInput, "room_id is required");
    auto room_name = protocol::read_string(content, "room_name", kMaxRoomIdBytes * 2, error);
    if (!error.empty()) return Outcome::error(ErrorCode::BadInput, error);
    auto request = parse_join_request(content, error);
    if (!request) return Outcome::error(ErrorCode::BadInput, error);

    auto& slot = rooms_[*room_id];
    if (!slot) {
        slot = std::make_unique<Room>(*room_id, room_name && !room_name->empty() ? *room_name : *room_id,
                                      now_ms, config_.room_limits);
    }
    const std::string user_id = new_user_id_();
    Outcome o = slot->join(user_id, *request, now_ms);
    if (o.code != ErrorCode::Ok) {
        if (slot->empty()) rooms_.erase(*room_id);
        return o;
    }
    conn.room_id = *room_id;
    conn.user_id = user_id;
    return o;
}

Outcome ControlService::leave(ConnectionState& conn, std::int64_t now_ms) {
    auto it = rooms_.find(conn.room_id);
    Outcome o = it == rooms_.end() ? Outcome::error(ErrorCode::NotFound)
                                   : it->second->leave(conn.user_id, now_ms);
    if (it != rooms_.end() && it->second->empty()) rooms_.erase(it);
    conn = {};
    return o;
}

Outcome ControlService::signal(const ConnectionState& conn, const Json& content,
                               std::vector<Delivery>& extra, std::int64_t now_ms) {
    std::string error;
    auto to = protocol::read_string(content, "to_user_id", 64, error);
    if (!error.empty() || !to) return Outcome::error(ErrorCode::BadInput, error.empty() ? "to_user_id is required" : error);
    auto sig = content.find("signal");
    if (sig == content.end() || !sig->is_object())
        return Outcome::error(ErrorCode::BadInput, "signal must be an object");
    if (sig->dump().size() > config_.max_signal_bytes)
        return Outcome::error(ErrorCode::TooLarge, "signal larger than 16 KiB");
    const Room* room = room_of(conn);
    if (!room->find(*to) || *to == conn.user_id)
        return Outcome::error(ErrorCode::NotFound, "to_user_id is not another member of your room");
    extra.push_back({*to, make_inform("vcOnSignal",
                                      Json{{"room_id", conn.room_id}, {"from_user_id", conn.user_id},
                                           {"signal", *sig}},
                                      now_ms)});
    return {};
}

Room* ControlService::room_of(const ConnectionState& conn) {
    auto it = rooms_.find(conn.room_id);
    return it == rooms_.end() ? nullptr : it->second.get();
}

const Room* ControlService::find_room(const std::string& room_id) const {
    auto it = rooms_.find(room_id);
    return it == rooms_.end() ? nullptr : it->second.get();
}

std::size_t ControlService::participant_count() const {
    std::size_t n = 0;
    for (const auto& [id, room] : rooms_) n += room->members().size();
    return n;
}

std::vector<std::string> ControlService::relay_recipients(const ConnectionState& conn,
                                                          const std::vector<std::uint16_t>& targets,
                                                          std::uint16_t& sender_media_id) const {
    const Room* room = find_room(conn.room_id);
    if (!room) return {};
    const UserRecord* me = room->find(conn.user_id);
    if (!me) return {};
    sender_media_id = me->media_id;
    return room->relay_recipients(conn.user_id, targets);
}

}  // namespace posemeet
