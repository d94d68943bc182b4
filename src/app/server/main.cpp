// posemeet-server: serves the web client, the /ws signaling + media relay endpoint, and
// the admin/health API. See `posemeet-server --help` for flags (and POSEMEET_* env vars).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "server/access_keys.hpp"
#include "server/log.hpp"
#include "server/server.hpp"
#include "server/server_config.hpp"

int main(int argc, char** argv) {
    using namespace posemeet::server;
    const std::vector<std::string> args(argv + 1, argv + argc);
    const auto parsed = parse_server_config(args, [](const char* name) { return std::getenv(name); });
    const std::string program = "posemeet-server";
    if (parsed.help) {
        std::cout << server_usage(program);
        return 0;
    }
    if (!parsed.config) {
        std::cerr << program << ": " << parsed.error << "\n\n" << server_usage(program);
        return 2;
    }

    ServerConfig config = *parsed.config;
    std::string key_error;
    if (!resolve_access_keys(config, key_error)) {
        std::cerr << program << ": " << key_error << "\n";
        return 2;
    }
    if (config.dev) {
        // Said first, so nobody runs it in production without knowing.
        std::printf(
            "DEVELOPMENT MODE (--dev): not for production. Joins without an access token are accepted,\n"
            "  and GET /api/v1/dev/token hands out join tokens to this machine (loopback) only.\n"
            "  Development API key: %s  secret: %s\n",
            kDevApiKey, kDevApiSecret);
    }
    std::printf("Access tokens: %zu API key(s)%s\n", config.api_keys.size(),
                config.dev ? " (the development key included)" : "");

    Server server(config);
    std::string error;
    if (!server.start(error)) {
        log_error(error);
        return 1;
    }
    std::string host = config.host;
    if (host.find(':') != std::string::npos) host = "[" + host + "]";  // IPv6 literal
    const std::string base = "http://" + host + ":" + std::to_string(server.port()) + "/";
    std::printf("PoseMeet server listening on %s  (open %s?room=demo&name=YourName)\n", base.c_str(),
                base.c_str());
    std::fflush(stdout);

    const int code = server.run();
    std::printf("PoseMeet server stopped\n");
    std::fflush(stdout);
    return code;
}
