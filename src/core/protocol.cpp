// See protocol.hpp.
#include "core/protocol.hpp"

#include <algorithm>
#include <unordered_map>

namespace posemeet::protocol {

const char* default_message(ErrorCode code) {
    switch (code) {
#define POSEMEET_X(name, num, text) \
    case ErrorCode::name:           \
        return text;
        POSEMEET_ERROR_CODES(POSEMEET_X)
#undef POSEMEET_X
    }
    return "error";
}

const std::vector<EventInfo>& control_events() {
    static const std::vector<EventInfo> table = {
#define POSEMEET_X(id, name, direction, sender, effect) \
    {Event::id, name, Direction::direction, Sender::sender, Effect::effect},
        POSEMEET_CONTROL_EVENTS(POSEMEET_X)
#undef POSEMEET_X
    };
    return table;
}

const EventInfo* find_event(std::string_view name) {
    static const auto by_name = [] {
        std::unordered_map<std::string_view, const EventInfo*> m;
        for (const auto& e : control_events()) m.emplace(e.name, &e);
        return m;
    }();
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
}

Event event_from_name(std::string_view name) {
    const EventInfo* e = find_event(name);
    return e ? e->id : Event::Unknown;
}

const char* event_name(Event event) {
    const auto& table = control_events();
    const auto i = static_cast<std::size_t>(event);
    return i < table.size() ? table[i].name : "";
}

std::size_t json_nesting_depth(std::string_view text) {
    std::size_t depth = 0, deepest = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            deepest = std::max(deepest, ++depth);
        } else if ((c == '}' || c == ']') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

std::variant<Request, RequestError> parse_request(std::string_view text) {
    if (json_nesting_depth(text) > kMaxJsonDepth)
        return RequestError{ErrorCode::BadInput, "JSON nested deeper than 32 levels", {}};
    Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return RequestError{ErrorCode::BadInput, "message is not valid JSON", {}};
    if (!j.is_object()) return RequestError{ErrorCode::BadInput, "message must be a JSON object", {}};

    Request r;
    if (auto it = j.find("request_id"); it != j.end()) {
        if (it->is_string()) r.request_id = it->get<std::string>();
        else if (it->is_number_integer()) r.request_id = std::to_string(it->get<std::int64_t>());
        else return RequestError{ErrorCode::BadInput, "request_id must be a string or integer", {}};
        if (r.request_id.size() > kMaxRequestIdLength)
            return RequestError{ErrorCode::BadInput, "request_id longer than 64 bytes", {}};
    }
    if (auto it = j.find("v"); it != j.end()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() != kVersion)
            return RequestError{ErrorCode::BadInput, "unsupported protocol version (expected 1)",
                                r.request_id};
    }
    auto ev = j.find("event_name");
    if (ev == j.end() || !ev->is_string() || ev->get_ref<const std::string&>().empty())
        return RequestError{ErrorCode::BadInput, "event_name must be a non-empty string", r.request_id};
    r.event_name = ev->get<std::string>();
    if (r.event_name.size() > kMaxEventNameLength)
        return RequestError{ErrorCode::BadInput, "event_name longer than 64 bytes", r.request_id};
    if (auto it = j.find("content"); it != j.end() && !it->is_null()) {
        if (!it->is_object())
            return RequestError{ErrorCode::BadInput, "content must be a JSON object", r.request_id};
        r.content = std::move(*it);
    }
    return r;
}

Json make_reply(const std::string& request_id, ErrorCode code, const std::string& message,
                Json response, std::int64_t timestamp_ms) {
    return Json{{"message_type", "return"},
                {"request_id", request_id},
                {"code", static_cast<int>(code)},
                {"message", message.empty() ? default_message(code) : message},
                {"timestamp", timestamp_ms},
                {"response", response.is_null() ? Json::object() : std::move(response)}};
}

Json make_inform(Event event, Json data, std::int64_t timestamp_ms) {
    return Json{{"message_type", "inform"},
                {"event", event_name(event)},
                {"timestamp", timestamp_ms},
                {"data", std::move(data)}};
}

std::optional<int> read_enum(const Json& content, const char* field, int max_value,
                             std::string& error) {
    auto it = content.find(field);
    if (it == content.end() || it->is_null()) return std::nullopt;
    long long v = -1;
    if (it->is_number_integer()) {
        v = it->get<long long>();
    } else if (it->is_boolean()) {
        v = it->get<bool>() ? 1 : 0;
    } else if (it->is_string()) {
        const auto& s = it->get_ref<const std::string&>();
        if (s.size() == 1 && s[0] >= '0' && s[0] <= '9') v = s[0] - '0';
    }
    if (v < 0 || v > max_value) {
        error = std::string(field) + " must be 0.." + std::to_string(max_value);
        return std::nullopt;
    }
    return static_cast<int>(v);
}

std::optional<std::string> read_string(const Json& content, const char* field,
                                       std::size_t max_bytes, std::string& error) {
    auto it = content.find(field);
    if (it == content.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) {
        error = std::string(field) + " must be a string";
        return std::nullopt;
    }
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > max_bytes) {
        error = std::string(field) + " longer than " + std::to_string(max_bytes) + " bytes";
        return std::nullopt;
    }
    if (!is_valid_utf8(s)) {
        error = std::string(field) + " is not valid UTF-8";
        return std::nullopt;
    }
    return s;
}

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
        else return false;
        if (i + extra >= s.size()) return false;  // truncated sequence
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Reject overlong forms, surrogates and out-of-range code points.
        if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

}  // namespace posemeet::protocol
