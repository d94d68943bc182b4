// See webhook_events.hpp.
#include "server/webhook_events.hpp"

#include <algorithm>

namespace posemeet::server {

using protocol::Json;

namespace {

std::string seconds(std::int64_t ms) { return std::to_string(ms / 1000); }

const UserRecord* find_in(const std::vector<UserRecord>& members, const std::string& user_id) {
    auto it = std::find_if(members.begin(), members.end(), [&](const UserRecord& u) { return u.user_id == user_id; });
    return it == members.end() ? nullptr : &*it;
}

}  // namespace

Json livekit_room_json(const RoomRecord& room, std::size_t participants) {
    return Json{{"sid", "RM_" + room.room_id},
                {"name", room.room_id},
                {"creationTime", seconds(room.create_time)},
                {"numParticipants", participants},
                {"metadata", ""}};
}

Json livekit_track_json(const UserRecord& user, Device device) {
    const bool mic = device == Device::Mic;
    return Json{{"sid", "TR_" + user.user_id + (mic ? "_mic" : "_camera")},
                {"type", mic ? "AUDIO" : "VIDEO"},
                {"source", mic ? "MICROPHONE" : "CAMERA"},
                {"muted", (mic ? user.mic : user.camera) != 1}};
}

Json livekit_participant_json(const UserRecord& user, bool connected) {
    Json tracks = Json::array();
    for (Device d : {Device::Mic, Device::Camera})
        if ((d == Device::Mic ? user.mic : user.camera) == 1) tracks.push_back(livekit_track_json(user, d));
    Json sources = Json::array();
    if (user.permission.camera) sources.push_back("CAMERA");
    if (user.permission.mic) sources.push_back("MICROPHONE");
    if (user.permission.screen) sources.push_back("SCREEN_SHARE");
    const bool publisher = user.permission.mic || user.permission.camera || user.permission.screen;
    const bool publishing = !tracks.empty();
    return Json{{"sid", "PA_" + user.user_id},
                {"identity", user.user_id},
                {"name", user.user_name},
                {"state", connected ? "ACTIVE" : "DISCONNECTED"},
                {"joinedAt", seconds(user.join_time)},
                {"metadata", user.metadata},
                {"attributes", user.attributes},
                {"permission", Json{{"canSubscribe", true},
                                    {"canPublish", publisher},
                                    {"canPublishData", user.permission.data},
                                    {"canPublishSources", std::move(sources)}}},
                {"tracks", std::move(tracks)},
                {"isPublisher", publishing}};
}

Json WebhookEventSource::event(const char* name, const Seen& room, std::int64_t now_ms) {
    return Json{{"event", name},
                {"room", livekit_room_json(room.record, room.members.size())},
                {"id", "EV_" + std::to_string(now_ms) + "_" + std::to_string(++next_event_)},
                {"createdAt", seconds(now_ms)}};
}

void WebhookEventSource::seed(const Room& room) {
    rooms_[room.record().room_id] = Seen{room.record(), room.members()};
}

std::vector<Json> WebhookEventSource::observe(const std::string& room_id, const Room* room, std::int64_t now_ms) {
    std::vector<Json> out;
    auto it = rooms_.find(room_id);
    const bool running = room && !room->ended();
    if (!running) {  // gone or ended: everyone left, then the room finished
        if (it == rooms_.end()) return out;
        Seen& seen = it->second;
        while (!seen.members.empty()) {
            UserRecord user = seen.members.back();
            seen.members.pop_back();
            Json e = event("participant_left", seen, now_ms);
            e["participant"] = livekit_participant_json(user, false);
            e["participant"]["disconnectReason"] = room && room->ended() ? "ROOM_DELETED" : "CLIENT_INITIATED";
            out.push_back(std::move(e));
        }
        if (room) seen.record = room->record();
        out.push_back(event("room_finished", seen, now_ms));
        rooms_.erase(it);
        return out;
    }
    if (it == rooms_.end()) {
        it = rooms_.emplace(room_id, Seen{room->record(), {}}).first;
        out.push_back(event("room_started", it->second, now_ms));
    }
    Seen& seen = it->second;
    seen.record = room->record();
    // Who left first (their tracks go with them), then who joined or changed, in join order.
    for (std::size_t i = 0; i < seen.members.size();) {
        if (room->find(seen.members[i].user_id)) {
            ++i;
            continue;
        }
        const UserRecord user = seen.members[i];
        seen.members.erase(seen.members.begin() + static_cast<std::ptrdiff_t>(i));
        Json e = event("participant_left", seen, now_ms);
        e["participant"] = livekit_participant_json(user, false);
        e["participant"]["disconnectReason"] = "CLIENT_INITIATED";
        out.push_back(std::move(e));
    }
    for (const UserRecord& now : room->members()) {
        const UserRecord* before = find_in(seen.members, now.user_id);
        if (!before) {
            seen.members.push_back(now);
            Json e = event("participant_joined", seen, now_ms);
            e["participant"] = livekit_participant_json(now, true);
            out.push_back(std::move(e));
        }
        for (Device d : {Device::Mic, Device::Camera}) {
            const int was = before ? (d == Device::Mic ? before->mic : before->camera) : 0;
            const int is = d == Device::Mic ? now.mic : now.camera;
            if (was == is) continue;
            Json e = event(is == 1 ? "track_published" : "track_unpublished", seen, now_ms);
            e["participant"] = livekit_participant_json(now, true);
            e["track"] = livekit_track_json(now, d);
            out.push_back(std::move(e));
        }
    }
    seen.members = room->members();
    return out;
}

}  // namespace posemeet::server
