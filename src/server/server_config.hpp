// Server settings: command-line flags, each also readable from a POSEMEET_* environment
// variable (the flag wins). `posemeet-server --help` prints the list.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace posemeet::server {

struct ServerConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;            // 0 = any free port
    std::string web_root = "build/wasm/web";  // relative to the working directory
    std::string db_path = "posemeet.db";  // ":memory:" = no file; "" = no store
    int max_participants = 16;
    // Rooms beyond the peer-to-peer mesh (16): on, a room that outgrows it switches to the
    // server relay for everyone and grows to max_participants, forwarded selectively (the
    // loudest speakers' audio; pose by each receiver's visible tiles). Off: while anyone is
    // peer to peer the 17th join is refused, and the relay forwards everything to everyone.
    bool large_rooms = true;
    std::size_t max_message_bytes = 64 * 1024;
    // Threads that carry the WebSockets (reads, control, relayed media, writes), rooms spread
    // over them; 0 = one per core. HTTP, the tick and webhooks keep a thread of their own.
    int threads = 0;
    // Relayed media held back up to this long so that a receiver's packets leave in one
    // write (server/media_write_window.hpp): less CPU (a fifth less in rooms of 10, two
    // thirds in a room of 100), up to the window more latency. 0 = off.
    int media_write_window_ms = 5;
    // Per-connection token buckets (messages per second, burst).
    double control_rate = 50, control_burst = 100;
    double media_rate = 200, media_burst = 400;
    // Open WebSockets at once, in all and from one client address (0 = no limit). Past
    // either, a new WebSocket is closed with 1013 "try again later" and a reason. Behind a
    // reverse proxy on the same host every client has the proxy's address: raise or drop
    // the per-address limit there.
    int max_connections = 1000;
    int max_connections_per_address = 256;
    // Per-connection outgoing queue cap; over it media is dropped, then control closes.
    std::size_t queue_max_messages = 1024;
    std::size_t queue_max_bytes = 4 * 1024 * 1024;
    // A WebSocket that sends nothing (not even a pong to our pings) for this long is dropped.
    int ws_idle_timeout_s = 10;
    // A member whose WebSocket drops without a close frame stays (offline) this long and
    // can resume with its token; an HTTP member that neither polls nor sends for this long
    // expires. 0 = a drop is an immediate leave.
    std::int64_t reconnect_grace_ms = 30000;
    std::int64_t ended_room_retention_s = 24 * 3600;
    // Informs queued per member without a WebSocket (HTTP members, dropped members); past
    // it the oldest are dropped and counted.
    std::size_t event_queue_max = 500;
    bool verbose = false;
    // Access tokens (server/access_keys.hpp). `api_keys` is filled from the rest by
    // resolve_access_keys() (key -> secret). Development mode (`dev`) adds the development
    // key, accepts joins without a token and serves GET /api/v1/dev/token on loopback.
    std::string api_key, api_secret, keys_file;
    bool dev = false;
    std::map<std::string, std::string> api_keys;
    // Webhook receivers (http://), each sent every event; a failed delivery is retried with
    // a doubling back-off up to this long between tries.
    std::vector<std::string> webhook_urls;
    std::int64_t webhook_retry_max_ms = 30000;

    // Messages larger than max_message_bytes get a 413 reply; beyond this hard cap the
    // connection is closed with 1009 (message too big) instead of reading on.
    std::size_t hard_message_limit() const { return max_message_bytes * 16; }
};

struct ConfigParseResult {
    std::optional<ServerConfig> config;  // set on success
    bool help = false;                   // --help was given
    std::string error;                   // set on failure
};

using EnvLookup = std::function<const char*(const char* name)>;

// `args` excludes argv[0]. Accepts "--flag value" and "--flag=value".
ConfigParseResult parse_server_config(const std::vector<std::string>& args, const EnvLookup& env);
std::string server_usage(const std::string& program);

}  // namespace posemeet::server
