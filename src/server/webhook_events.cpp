// See webhook_events.hpp.
#include "server/webhook_events.hpp"

#include <algorithm>

#include "core/livekit_json.hpp"

namespace posemeet::server {

using protocol::Json;

namespace {

std::string seconds(std::int64_t ms) { return std::to_string(ms / 1000); }

const UserRecord* find_in(const std::vector<UserRecord>& members, const std::string& user_id) {
    auto it = std::find_if(members.begin(), members.end(), [&](const UserRecord& u) { return u.user_id == user_id; });
    return it == members.end() ? nullptr : &*it;
}

// A member who left, as LiveKit reports one.
Json departed(const UserRecord& user, const char* reason) {
    Json p = livekit::participant_json(user);
    p["state"] = "DISCONNECTED";
    p["disconnectReason"] = reason;
    return p;
}

}  // namespace

Json WebhookEventSource::event(const char* name, const std::string& room_id, const Room* live, std::int64_t now_ms) {
    return Json{{"event", name},
                {"room", room_json_(room_id, live)},
                {"id", "EV_" + std::to_string(now_ms) + "_" + std::to_string(++next_event_)},
                {"createdAt", seconds(now_ms)}};
}

void WebhookEventSource::seed(const Room& room, const std::vector<Invitation>& invitations) {
    Seen& seen = rooms_[room.record().room_id];
    seen.members = room.members();
    for (const Invitation& inv : invitations) seen.invitations[inv.identity] = inv.status;
}

std::vector<Json> WebhookEventSource::observe(const std::string& room_id, const Room* room,
                                              const std::vector<Invitation>& invitations, std::int64_t now_ms) {
    std::vector<Json> out;
    auto it = rooms_.find(room_id);
    const bool running = room && !room->ended();
    if (!running) {  // gone or ended: everyone left, then the room finished
        if (it == rooms_.end()) return out;
        Seen& seen = it->second;
        while (!seen.members.empty()) {
            UserRecord user = seen.members.back();
            seen.members.pop_back();
            Json e = event("participant_left", room_id, nullptr, now_ms);
            e["participant"] = departed(user, room && room->ended() ? "ROOM_DELETED" : "CLIENT_INITIATED");
            out.push_back(std::move(e));
        }
        out.push_back(event("room_finished", room_id, nullptr, now_ms));
        rooms_.erase(it);
        return out;
    }
    if (it == rooms_.end()) {
        it = rooms_.emplace(room_id, Seen{}).first;
        out.push_back(event("room_started", room_id, room, now_ms));
    }
    Seen& seen = it->second;
    // Who left first (their tracks go with them), then who joined or changed, in join order.
    for (std::size_t i = 0; i < seen.members.size();) {
        if (room->find(seen.members[i].user_id)) {
            ++i;
            continue;
        }
        const UserRecord user = seen.members[i];
        seen.members.erase(seen.members.begin() + static_cast<std::ptrdiff_t>(i));
        Json e = event("participant_left", room_id, room, now_ms);
        e["participant"] = departed(user, "CLIENT_INITIATED");
        out.push_back(std::move(e));
    }
    for (const UserRecord& now : room->members()) {
        const UserRecord* before = find_in(seen.members, now.user_id);
        if (!before) {
            seen.members.push_back(now);
            Json e = event("participant_joined", room_id, room, now_ms);
            e["participant"] = livekit::participant_json(now);
            out.push_back(std::move(e));
        }
        for (Device d : {Device::Mic, Device::Camera}) {
            const int was = before ? (d == Device::Mic ? before->mic : before->camera) : 0;
            const int is = d == Device::Mic ? now.mic : now.camera;
            if (was == is) continue;
            Json e = event(is == 1 ? "track_published" : "track_unpublished", room_id, room, now_ms);
            e["participant"] = livekit::participant_json(now);
            e["track"] = livekit::track_json(now, d);
            out.push_back(std::move(e));
        }
    }
    seen.members = room->members();
    // Invitations last: one that became `joined` follows its participant_joined. Not a LiveKit
    // event (receivers keep the name; the SDK's parser drops the `invitation` field, the
    // raw body has it); `participant` carries the invitee's identity and name.
    for (const Invitation& inv : invitations) {
        const auto before = seen.invitations.find(inv.identity);
        if (before != seen.invitations.end() && before->second == inv.status) continue;
        seen.invitations[inv.identity] = inv.status;
        Json e = event("invitation_updated", room_id, room, now_ms);
        e["participant"] = Json{{"identity", inv.identity}, {"name", inv.name}};
        e["invitation"] = inv.to_json();
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace posemeet::server
