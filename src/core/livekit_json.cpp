// See livekit_json.hpp.
#include "core/livekit_json.hpp"

#include <charconv>

namespace posemeet::livekit {
namespace {

// TrackSource enum of LiveKit's protocol, as our permission's fields.
struct Source {
    const char* name;
    int number;
};
constexpr Source kCamera{"CAMERA", 1}, kMicrophone{"MICROPHONE", 2}, kScreenShare{"SCREEN_SHARE", 3},
    kScreenShareAudio{"SCREEN_SHARE_AUDIO", 4};

std::string seconds_string(std::int64_t ms) { return std::to_string(ms / 1000); }

bool is_source(const Json& v, const Source& s) {
    return (v.is_string() && v.get_ref<const std::string&>() == s.name) ||
           (v.is_number_integer() && v.get<long long>() == s.number);
}

std::optional<bool> read_bool(const Json& body, const char* key, std::string& error) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return false;
    if (!it->is_boolean()) {
        error = std::string(key) + " must be true or false";
        return std::nullopt;
    }
    return it->get<bool>();
}

}  // namespace

TwirpError twirp_error_of(ErrorCode code) {
    switch (code) {
        case ErrorCode::Ok: return {200, ""};
        case ErrorCode::BadInput:
        case ErrorCode::TooLarge:
        case ErrorCode::UnknownEvent: return {400, "invalid_argument"};
        case ErrorCode::TokenEmpty:
        case ErrorCode::TokenExpired:
        case ErrorCode::TokenMismatch: return {401, "unauthenticated"};
        case ErrorCode::HostExists:
        case ErrorCode::NotPermitted: return {403, "permission_denied"};
        case ErrorCode::NotFound:
        case ErrorCode::NotInRoom:
        case ErrorCode::RoomEnded: return {404, "not_found"};
        case ErrorCode::AlreadyInRoom: return {409, "already_exists"};
        case ErrorCode::RoomFull:
        case ErrorCode::RateLimited: return {429, "resource_exhausted"};
        default: return {500, "internal"};
    }
}

Json twirp_error_body(const TwirpError& error, const std::string& message) {
    return Json{{"code", error.code}, {"msg", message}};
}

Json room_json(const std::string& room_id, const RoomSettings* settings, const Room* live, int server_max) {
    const RoomSettings none;
    const RoomSettings& s = settings ? *settings : none;
    const std::int64_t created = live ? live->record().create_time : s.creation_time_ms;
    return Json{{"sid", "RM_" + room_id},
                {"name", room_id},
                {"emptyTimeout", s.empty_timeout_s},
                {"departureTimeout", s.departure_timeout_s},
                {"maxParticipants", s.max_participants > 0 ? std::min(s.max_participants, server_max) : server_max},
                {"creationTime", seconds_string(created)},
                {"metadata", s.metadata},
                {"numParticipants", live ? live->members().size() : 0}};
}

std::string track_sid(const std::string& user_id, Device device) {
    return "TR_" + user_id + (device == Device::Mic ? "_mic" : "_camera");
}

std::optional<Device> track_device(const std::string& user_id, const std::string& sid) {
    for (const Device d : {Device::Mic, Device::Camera})
        if (sid == track_sid(user_id, d)) return d;
    return std::nullopt;
}

Json track_json(const UserRecord& user, Device device) {
    const bool mic = device == Device::Mic;
    return Json{{"sid", track_sid(user.user_id, device)},
                {"type", mic ? "AUDIO" : "VIDEO"},
                {"source", mic ? kMicrophone.name : kCamera.name},
                {"name", mic ? "microphone" : "camera"},
                {"muted", (mic ? user.mic : user.camera) == 0}};
}

Json participant_json(const UserRecord& user) {
    const MemberPermission& p = user.permission;
    Json sources = Json::array();
    if (p.camera) sources.push_back(kCamera.name);
    if (p.mic) sources.push_back(kMicrophone.name);
    if (p.screen) sources.push_back(kScreenShare.name);
    Json tracks = Json::array();
    for (const Device d : {Device::Mic, Device::Camera})
        if (p.may_open(d) || (d == Device::Mic ? user.mic : user.camera) == 1) tracks.push_back(track_json(user, d));
    return Json{{"sid", "PA_" + user.user_id},
                {"identity", user.user_id},
                {"name", user.user_name},
                {"state", user.online ? "ACTIVE" : "DISCONNECTED"},
                {"metadata", user.metadata},
                {"attributes", user.attributes.is_object() ? user.attributes : Json::object()},
                {"joinedAt", seconds_string(user.join_time)},
                {"joinedAtMs", std::to_string(user.join_time)},
                {"permission",
                 Json{{"canSubscribe", true},
                      {"canPublish", p.mic || p.camera || p.screen},
                      {"canPublishData", p.data},
                      {"canPublishSources", std::move(sources)},
                      {"hidden", user.is_silence == 1}}},
                {"tracks", std::move(tracks)},
                {"isPublisher", user.mic == 1 || user.camera == 1}};
}

// [SECTION] request bodies

std::optional<std::string> read_string(const Json& body, const char* key, std::size_t max_bytes,
                                       std::string& error) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::string();
    if (!it->is_string()) {
        error = std::string(key) + " must be a string";
        return std::nullopt;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max_bytes) {
        error = std::string(key) + " is longer than " + std::to_string(max_bytes) + " bytes";
        return std::nullopt;
    }
    return s;
}

std::optional<int> read_uint32(const Json& body, const char* key, std::string& error) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return 0;
    long long v = -1;
    if (it->is_number_integer()) {
        v = it->get<long long>();
    } else if (it->is_string()) {  // proto3 JSON readers accept numbers as strings too
        const auto& s = it->get_ref<const std::string&>();
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) v = -1;
    }
    // Our fields are ints: up to about 68 years of seconds, far past any sensible timeout.
    if (v < 0 || v > 0x7FFFFFFF) {
        error = std::string(key) + " must be an unsigned integer";
        return std::nullopt;
    }
    return static_cast<int>(v);
}

std::optional<RoomSettings> read_room_settings(const Json& body, std::string& error) {
    RoomSettings s;
    const auto empty = read_uint32(body, "emptyTimeout", error);
    const auto departure = read_uint32(body, "departureTimeout", error);
    const auto max = read_uint32(body, "maxParticipants", error);
    const auto metadata = read_string(body, "metadata", kMaxMetadataBytes, error);
    if (!error.empty()) return std::nullopt;
    s.empty_timeout_s = *empty;
    s.departure_timeout_s = *departure;
    s.max_participants = *max;
    s.metadata = *metadata;
    return s;
}

std::optional<MemberPermission> read_permission(const Json& permission, std::string& error) {
    if (!permission.is_object()) {
        error = "permission must be an object";
        return std::nullopt;
    }
    const auto publish = read_bool(permission, "canPublish", error);
    const auto data = read_bool(permission, "canPublishData", error);
    if (!error.empty()) return std::nullopt;
    Json sources = Json::array();
    if (auto it = permission.find("canPublishSources"); it != permission.end() && !it->is_null()) {
        if (!it->is_array()) {
            error = "canPublishSources must be a list";
            return std::nullopt;
        }
        sources = *it;
    }
    for (const auto& v : sources) {
        if (!is_source(v, kCamera) && !is_source(v, kMicrophone) && !is_source(v, kScreenShare) &&
            !is_source(v, kScreenShareAudio)) {
            error = "canPublishSources: unknown source " + v.dump();
            return std::nullopt;
        }
    }
    const auto listed = [&](const Source& s) {
        if (sources.empty()) return true;
        for (const auto& v : sources)
            if (is_source(v, s)) return true;
        return false;
    };
    MemberPermission p;
    p.mic = *publish && listed(kMicrophone);
    p.camera = *publish && listed(kCamera);
    p.screen = *publish && listed(kScreenShare);
    p.data = *data;
    return p;
}

std::optional<MemberUpdate> read_member_update(const Json& body, std::string& error) {
    MemberUpdate u;
    const auto name = read_string(body, "name", kMaxUserNameBytes, error);
    if (!error.empty()) return std::nullopt;
    if (!name->empty()) u.user_name = *name;  // proto3 omits an empty name: unchanged
    if (auto it = body.find("metadata"); it != body.end() && !it->is_null()) {
        const auto metadata = read_string(body, "metadata", kMaxMetadataBytes, error);
        if (!metadata) return std::nullopt;
        u.metadata = *metadata;
    }
    if (auto it = body.find("attributes"); it != body.end() && !it->is_null()) {
        if (!it->is_object()) {
            error = "attributes must be an object of strings";
            return std::nullopt;
        }
        for (const auto& [k, v] : it->items()) {
            if (!v.is_string() || k.empty() || k.size() > kMaxAttributeBytes ||
                v.get_ref<const std::string&>().size() > kMaxAttributeBytes) {
                error = "attributes must map names to strings of at most " + std::to_string(kMaxAttributeBytes) +
                        " bytes";
                return std::nullopt;
            }
        }
        u.attributes = *it;
    }
    if (auto it = body.find("permission"); it != body.end() && !it->is_null()) {
        u.permission = read_permission(*it, error);
        if (!u.permission) return std::nullopt;
    }
    return u;
}

std::optional<std::vector<std::string>> read_string_list(const Json& body, const char* key, std::string& error) {
    std::vector<std::string> out;
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_array()) {
        error = std::string(key) + " must be a list of strings";
        return std::nullopt;
    }
    for (const auto& v : *it) {
        if (!v.is_string()) {
            error = std::string(key) + " must be a list of strings";
            return std::nullopt;
        }
        out.push_back(v.get<std::string>());
    }
    return out;
}

}  // namespace posemeet::livekit
