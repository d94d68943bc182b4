// See server_config.hpp.
#include "server/server_config.hpp"

#include "server/http_url.hpp"

#include <charconv>
#include <cmath>
#include <type_traits>

namespace posemeet::server {
namespace {

// Parses a whole string as a number in [lo, hi]; returns an error text or "".
template <class T>
std::string parse_number(const std::string& text, T lo, T hi, T& out) {
    T value{};
    const char* first = text.data();
    const char* last = text.data() + text.size();
    const auto r = std::from_chars(first, last, value);
    if (text.empty() || r.ec != std::errc{} || r.ptr != last)
        return "'" + text + "' is not a number";
    if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value)) return "'" + text + "' is not a finite number";
    }
    if (value < lo || value > hi)
        return "'" + text + "' is out of range " + std::to_string(lo) + ".." + std::to_string(hi);
    out = value;
    return {};
}

struct Option {
    const char* flag;  // without the leading "--"
    const char* env;
    const char* value_name;  // nullptr = a switch without a value
    const char* help;
    std::function<std::string(ServerConfig&, const std::string&)> apply;
    const char* env_alias = nullptr;  // a second variable read when `env` is unset
};

// An option whose value is taken as it is (empty too).
std::function<std::string(ServerConfig&, const std::string&)> set_text(std::string ServerConfig::*field) {
    return [field](ServerConfig& c, const std::string& v) -> std::string {
        c.*field = v;
        return {};
    };
}

std::string parse_switch(const std::string& v, bool& out) {
    if (v.empty() || v == "1" || v == "true" || v == "yes" || v == "on") out = true;
    else if (v == "0" || v == "false" || v == "no" || v == "off") out = false;
    else return "'" + v + "' is not a boolean";
    return {};
}

std::vector<Option> options() {
    using C = ServerConfig;
    return {
        {"host", "POSEMEET_HOST", "ADDR", "address to listen on (default 127.0.0.1; 0.0.0.0 = all)",
         [](C& c, const std::string& v) -> std::string {
             if (v.empty()) return "must not be empty";
             c.host = v;
             return {};
         }},
        {"port", "POSEMEET_PORT", "N", "TCP port (default 8080; 0 = pick a free port)",
         [](C& c, const std::string& v) {
             unsigned p = 0;
             auto e = parse_number<unsigned>(v, 0, 65535, p);
             if (e.empty()) c.port = static_cast<std::uint16_t>(p);
             return e;
         }},
        {"web-root", "POSEMEET_WEB_ROOT", "DIR",
         "folder of static files to serve (default build/wasm/web, relative to the working dir)",
         [](C& c, const std::string& v) -> std::string {
             if (v.empty()) return "must not be empty";
             c.web_root = v;
             return {};
         }},
        {"db", "POSEMEET_DB", "PATH",
         "SQLite audit database (default posemeet.db; :memory: = in memory, empty = none)",
         set_text(&C::db_path)},
        {"max-participants", "POSEMEET_MAX_PARTICIPANTS", "N",
         "participants per room (default 16; beyond 16 a room goes through the server relay, "
         "see --large-rooms)",
         [](C& c, const std::string& v) { return parse_number<int>(v, 1, 10000, c.max_participants); }},
        {"large-rooms", "POSEMEET_LARGE_ROOMS", "on|off",
         "a room that outgrows the peer-to-peer mesh (16) switches to the relay for everyone and is "
         "forwarded selectively (default on; off: the 17th peer-to-peer join is refused)",
         [](C& c, const std::string& v) { return parse_switch(v, c.large_rooms); }},
        {"threads", "POSEMEET_THREADS", "N",
         "threads for the WebSockets (control and the media relay), rooms spread over them (default "
         "0 = one per core); HTTP has a thread of its own",
         [](C& c, const std::string& v) { return parse_number<int>(v, 0, 256, c.threads); }},
        {"media-write-window-ms", "POSEMEET_MEDIA_WRITE_WINDOW_MS", "N",
         "hold relayed media up to N ms so that each receiver's packets leave in one write: less "
         "server CPU, up to N ms more latency (default 5; 0 = write at the end of each pass)",
         [](C& c, const std::string& v) { return parse_number<int>(v, 0, 100, c.media_write_window_ms); }},
        {"max-message-bytes", "POSEMEET_MAX_MESSAGE_BYTES", "N",
         "largest WebSocket message accepted (default 65536)",
         [](C& c, const std::string& v) {
             return parse_number<std::size_t>(v, 1024, 16 * 1024 * 1024, c.max_message_bytes);
         }},
        {"max-connections", "POSEMEET_MAX_CONNECTIONS", "N",
         "open WebSockets at once (default 1000; 0 = no limit)",
         [](C& c, const std::string& v) { return parse_number<int>(v, 0, 1000000, c.max_connections); }},
        {"max-connections-per-address", "POSEMEET_MAX_CONNECTIONS_PER_ADDRESS", "N",
         "open WebSockets at once from one client address (default 256; 0 = no limit; "
         "behind a reverse proxy every client has the proxy's address)",
         [](C& c, const std::string& v) {
             return parse_number<int>(v, 0, 1000000, c.max_connections_per_address);
         }},
        {"control-rate", "POSEMEET_CONTROL_RATE", "N", "control messages per second per connection (default 50)",
         [](C& c, const std::string& v) { return parse_number<double>(v, 0.1, 1e6, c.control_rate); }},
        {"control-burst", "POSEMEET_CONTROL_BURST", "N", "control message burst (default 100)",
         [](C& c, const std::string& v) { return parse_number<double>(v, 1, 1e6, c.control_burst); }},
        {"media-rate", "POSEMEET_MEDIA_RATE", "N", "relayed media packets per second per connection (default 200)",
         [](C& c, const std::string& v) { return parse_number<double>(v, 0.1, 1e6, c.media_rate); }},
        {"media-burst", "POSEMEET_MEDIA_BURST", "N", "media packet burst (default 400)",
         [](C& c, const std::string& v) { return parse_number<double>(v, 1, 1e6, c.media_burst); }},
        {"queue-max-messages", "POSEMEET_QUEUE_MAX_MESSAGES", "N",
         "outgoing messages queued per connection before dropping (default 1024)",
         [](C& c, const std::string& v) {
             return parse_number<std::size_t>(v, 16, 1000000, c.queue_max_messages);
         }},
        {"queue-max-bytes", "POSEMEET_QUEUE_MAX_BYTES", "N",
         "outgoing bytes queued per connection before dropping (default 4194304)",
         [](C& c, const std::string& v) {
             return parse_number<std::size_t>(v, 64 * 1024, std::size_t{1} << 32, c.queue_max_bytes);
         }},
        {"ws-idle-timeout", "POSEMEET_WS_IDLE_TIMEOUT", "SECONDS",
         "drop a WebSocket silent this long; pinged at half of it (default 10)",
         [](C& c, const std::string& v) { return parse_number<int>(v, 2, 3600, c.ws_idle_timeout_s); }},
        {"reconnect-grace-ms", "POSEMEET_RECONNECT_GRACE_MS", "MS",
         "keep a member whose connection dropped (no close frame) this long for it to resume; "
         "also how long an idle HTTP member lives (default 30000; 0 = a drop is a leave)",
         [](C& c, const std::string& v) {
             return parse_number<std::int64_t>(v, 0, 86400000, c.reconnect_grace_ms);
         }},
        {"ended-room-retention", "POSEMEET_ENDED_ROOM_RETENTION", "SECONDS",
         "an ended meeting refuses joins (422) this long, unless a join asks for a new meeting; "
         "then its room id is free again (default 86400)",
         [](C& c, const std::string& v) {
             return parse_number<std::int64_t>(v, 0, 365LL * 86400, c.ended_room_retention_s);
         }},
        {"event-queue-max", "POSEMEET_EVENT_QUEUE_MAX", "N",
         "informs queued per HTTP or dropped member before the oldest are dropped (default 500)",
         [](C& c, const std::string& v) {
             return parse_number<std::size_t>(v, 10, 100000, c.event_queue_max);
         }},
        {"verbose", "POSEMEET_VERBOSE", nullptr, "log every connection and request",
         [](C& c, const std::string& v) { return parse_switch(v, c.verbose); }},
        {"api-key", "POSEMEET_API_KEY", "KEY",
         "API key of access tokens (their `iss`); with --api-secret  [also LIVEKIT_API_KEY]",
         set_text(&C::api_key),
         "LIVEKIT_API_KEY"},
        {"api-secret", "POSEMEET_API_SECRET", "SECRET",
         "its secret, at least 32 characters (prefer the variable: flags show in `ps`)  "
         "[also LIVEKIT_API_SECRET]",
         set_text(&C::api_secret),
         "LIVEKIT_API_SECRET"},
        {"keys-file", "POSEMEET_KEYS_FILE", "PATH",
         "file of `key: secret` lines: several API keys at once, for rotation",
         set_text(&C::keys_file)},
        {"webhook-url", "POSEMEET_WEBHOOK_URL", "URL",
         "send LiveKit-format webhooks (room_started, participant_joined...) to this http:// URL; "
         "repeat the flag for several receivers",
         [](C& c, const std::string& v) -> std::string {
             std::string host, port, target;
             if (!parse_http_url(v, host, port, target))
                 return "'" + v + "' is not an http://host[:port]/path URL (for https, put a TLS proxy in front)";
             c.webhook_urls.push_back(v);
             return {};
         }},
        {"webhook-retry-max-ms", "POSEMEET_WEBHOOK_RETRY_MAX_MS", "MS",
         "longest wait between two tries of a webhook that failed (default 30000)",
         [](C& c, const std::string& v) {
             return parse_number<std::int64_t>(v, 100, 3600000, c.webhook_retry_max_ms);
         }},
        {"dev", "POSEMEET_DEV", nullptr,
         "development mode, NOT for production: joins without a token are accepted, the development key "
         "signs tokens, and GET /api/v1/dev/token hands them out on loopback",
         [](C& c, const std::string& v) { return parse_switch(v, c.dev); }},
    };
}

}  // namespace

ConfigParseResult parse_server_config(const std::vector<std::string>& args, const EnvLookup& env) {
    ConfigParseResult result;
    ServerConfig config;
    const auto opts = options();

    // Environment first, then flags on top (the flag wins).
    if (env) {
        for (const auto& o : opts) {
            const char* name = o.env;
            const char* v = env(name);
            if (!v && o.env_alias) v = env(name = o.env_alias);
            if (!v) continue;
            if (auto e = o.apply(config, v); !e.empty()) {
                result.error = std::string(name) + ": " + e;
                return result;
            }
        }
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h") {
            result.help = true;
            return result;
        }
        if (arg.rfind("--", 0) != 0) {
            result.error = "unexpected argument '" + arg + "'";
            return result;
        }
        std::string name = arg.substr(2);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name.resize(eq);
        }
        const Option* opt = nullptr;
        for (const auto& o : opts)
            if (name == o.flag) opt = &o;
        if (!opt) {
            result.error = "unknown flag --" + name;
            return result;
        }
        if (!value) {
            if (opt->value_name) {
                if (i + 1 >= args.size()) {
                    result.error = "--" + name + " needs a value";
                    return result;
                }
                value = args[++i];
            } else {
                value = "";
            }
        }
        if (auto e = opt->apply(config, *value); !e.empty()) {
            result.error = "--" + name + ": " + e;
            return result;
        }
    }
    result.config = config;
    return result;
}

std::string server_usage(const std::string& program) {
    std::string out = "Usage: " + program + " [flags]\n\nPoseMeet signaling, relay and static file server.\n\nFlags (each also from the environment variable shown; the flag wins):\n";
    for (const auto& o : options()) {
        std::string left = std::string("  --") + o.flag + (o.value_name ? std::string(" ") + o.value_name : "");
        if (left.size() < 30) left.resize(30, ' ');
        out += left + " " + o.help + "  [" + o.env + "]\n";
    }
    out += "  --help                       this text\n";
    return out;
}

}  // namespace posemeet::server
