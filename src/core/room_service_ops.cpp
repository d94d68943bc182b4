// ControlService, part 4: the room service's operator (LiveKit's RoomService calls, after
// the server checked the caller's grants). The operator is not a member: it acts in the
// room as the host would (kOperatorActor), and its changes reach members through the same
// routing as any request's. Also the rooms' settings (CreateRoom) and their empty timeout.
#include <set>

#include "core/control_service.hpp"

namespace posemeet {

using protocol::field_or;
using protocol::make_inform;
using protocol::make_reply;

namespace {

Outcome no_room() { return Outcome::error(ErrorCode::NotFound, "room not found"); }
Outcome no_participant() { return Outcome::error(ErrorCode::NotFound, "participant not found"); }

}  // namespace

Json RoomSettings::to_json() const {
    return Json{{"creation_time", creation_time_ms}, {"empty_timeout", empty_timeout_s},
                {"departure_timeout", departure_timeout_s}, {"max_participants", max_participants},
                {"metadata", metadata}, {"created", created ? 1 : 0},
                {"empty_since", empty_since_ms}};
}

RoomSettings RoomSettings::from_json(const Json& j) {
    RoomSettings s;
    s.creation_time_ms = field_or(j, "creation_time", std::int64_t{0});
    s.empty_timeout_s = std::max(0, field_or(j, "empty_timeout", 0));
    s.departure_timeout_s = std::max(0, field_or(j, "departure_timeout", 0));
    s.max_participants = std::max(0, field_or(j, "max_participants", 0));
    s.metadata = field_or(j, "metadata", "");
    s.created = field_or(j, "created", 0) != 0;
    s.empty_since_ms = field_or(j, "empty_since", s.creation_time_ms);
    return s;
}

ControlResult ControlService::operator_reply(Outcome o, std::int64_t now_ms) {
    ControlResult result;
    result.reply = make_reply("", o.code, o.message, std::move(o.response), now_ms);
    route(o.notifications, now_ms, result);
    return result;
}

const Room* ControlService::live_room(const std::string& room_id) const {
    const Room* room = find_room(room_id);
    return room && !room->ended() ? room : nullptr;
}

Room* ControlService::running_room(const std::string& room_id) {
    auto it = rooms_.find(room_id);
    return it == rooms_.end() || it->second->ended() ? nullptr : it->second.get();
}

const RoomSettings* ControlService::room_settings(const std::string& room_id) const {
    auto it = settings_.find(room_id);
    return it == settings_.end() ? nullptr : &it->second;
}

std::vector<std::string> ControlService::listed_rooms() const {
    std::set<std::string> ids;
    for (const auto& [id, room] : rooms_)
        if (!room->ended()) ids.insert(id);
    for (const auto& [id, s] : settings_) ids.insert(id);
    return {ids.begin(), ids.end()};
}

RoomLimits ControlService::limits_for(const std::string& room_id) const {
    RoomLimits limits = config_.room_limits;
    if (const RoomSettings* s = room_settings(room_id); s && s->max_participants > 0)
        limits.max_participants = std::min(limits.max_participants, s->max_participants);
    return limits;
}

void ControlService::import_room_settings(const std::string& room_id, const Json& settings) {
    RoomSettings s = RoomSettings::from_json(settings);
    if (!room_id.empty() && room_id.size() <= kMaxRoomIdBytes && s.created) settings_[room_id] = std::move(s);
}

// [SECTION] rooms

ControlResult ControlService::create_room(const std::string& room_id, RoomSettings settings, std::int64_t now_ms) {
    if (room_id.empty() || room_id.size() > kMaxRoomIdBytes)
        return operator_reply(Outcome::error(ErrorCode::BadInput, "name must be 1-64 bytes"), now_ms);
    ControlResult result = operator_reply({}, now_ms);
    auto it = settings_.find(room_id);
    if (it != settings_.end() && it->second.created) return result;  // as LiveKit: the room that exists
    const Room* room = live_room(room_id);
    settings.created = true;
    settings.creation_time_ms = room ? room->record().create_time : now_ms;
    settings.empty_since_ms = now_ms;
    // Metadata given to the running meeting before it was created stays unless replaced.
    if (it != settings_.end() && settings.metadata.empty()) settings.metadata = it->second.metadata;
    settings_[room_id] = std::move(settings);
    result.settings_changed.push_back(room_id);
    return result;
}

ControlResult ControlService::delete_room(const std::string& room_id, std::int64_t now_ms) {
    Room* room = running_room(room_id);
    auto settings = settings_.find(room_id);
    if (!room && settings == settings_.end()) return operator_reply(no_room(), now_ms);
    ControlResult result = operator_reply({}, now_ms);
    if (room) {  // the meeting ends for everyone, exactly as the host's vcFinishRoom
        const std::vector<std::string> members = room->member_ids();
        Outcome o = room->finish(kOperatorActor, now_ms);
        route(o.notifications, now_ms, result);
        end_sessions(members, now_ms, result);
    }
    if (settings != settings_.end()) {
        settings_.erase(settings);
        result.settings_changed.push_back(room_id);
    }
    return result;
}

ControlResult ControlService::update_room_metadata(const std::string& room_id, const std::string& metadata,
                                                   std::int64_t now_ms) {
    const Room* room = live_room(room_id);
    if (!room && !settings_.count(room_id)) return operator_reply(no_room(), now_ms);
    auto [it, added] = settings_.try_emplace(room_id);
    if (added) {
        it->second.creation_time_ms = room->record().create_time;
        it->second.empty_since_ms = now_ms;
    }
    it->second.metadata = metadata;
    Outcome o;
    if (room)
        o.notifications.push_back({room->member_ids(), Event::OnRoomUpdate,
                                   Json{{"room_id", room_id}, {"metadata", metadata}}});
    ControlResult result = operator_reply(std::move(o), now_ms);
    result.settings_changed.push_back(room_id);
    return result;
}

void ControlService::expire_settings(std::int64_t now_ms, ControlResult& result) {
    for (auto it = settings_.begin(); it != settings_.end();) {
        RoomSettings& s = it->second;
        const Room* room = live_room(it->first);
        if (room && !room->empty()) {
            s.empty_since_ms = now_ms;
            ++it;
            continue;
        }
        const bool timed_out = s.empty_timeout_s > 0 && now_ms - s.empty_since_ms > s.empty_timeout_s * 1000LL;
        if (!s.created || timed_out) {
            result.settings_changed.push_back(it->first);
            it = settings_.erase(it);
        } else {
            ++it;
        }
    }
}

// [SECTION] members

ControlResult ControlService::remove_participant(const std::string& room_id, const std::string& user_id,
                                                 std::int64_t now_ms) {
    const Room* room = live_room(room_id);
    if (!room) return operator_reply(no_room(), now_ms);
    if (!room->find(user_id)) return operator_reply(no_participant(), now_ms);
    ControlResult result = operator_reply({}, now_ms);
    // Told before it leaves, so that the inform goes out before its socket closes.
    route(Delivery{user_id, make_inform(Event::OnRemoved,
                                        Json{{"room_id", room_id}, {"reason", "removed by the operator"}}, now_ms)},
          result);
    remove_member(user_id, now_ms, result);  // its member token goes with its session
    for (auto& ch : result.changes)
        if (ch.kind == MemberChange::Kind::Left && ch.user_id == user_id) ch.removed = true;
    return result;
}

ControlResult ControlService::mute_device(const std::string& room_id, const std::string& user_id, Device device,
                                          bool muted, std::int64_t now_ms) {
    Room* room = running_room(room_id);
    if (!room) return operator_reply(no_room(), now_ms);
    if (!room->find(user_id)) return operator_reply(no_participant(), now_ms);
    // As the host's vcOperateOther*: off at once; on is a request the member answers.
    Outcome o = room->operate_other_device(kOperatorActor, user_id, device, muted ? 0 : 1);
    if (o.code == ErrorCode::Ok) o.response = room->find(user_id)->to_json();
    return operator_reply(std::move(o), now_ms);
}

ControlResult ControlService::update_participant(const std::string& room_id, const std::string& user_id,
                                                 const MemberUpdate& update, std::int64_t now_ms) {
    Room* room = running_room(room_id);
    if (!room) return operator_reply(no_room(), now_ms);
    if (!room->find(user_id)) return operator_reply(no_participant(), now_ms);
    return operator_reply(room->update_member(user_id, update), now_ms);
}

ControlResult ControlService::send_data(const std::string& room_id, const std::string& data,
                                        const std::string& topic, const std::vector<std::string>& to,
                                        std::int64_t now_ms) {
    const Room* room = live_room(room_id);
    if (!room) return operator_reply(no_room(), now_ms);
    // As LiveKit: destinations that are not in the room are skipped.
    std::vector<std::string> recipients;
    if (to.empty()) recipients = room->member_ids();
    for (const auto& id : to)
        if (room->find(id)) recipients.push_back(id);
    Outcome o;
    if (!recipients.empty())
        o.notifications.push_back({std::move(recipients), Event::OnData,
                                   Json{{"room_id", room_id}, {"data", data}, {"topic", topic}, {"from", "server"}}});
    return operator_reply(std::move(o), now_ms);
}

}  // namespace posemeet
