// posemeet-server: serves the web client, the /ws signaling + media relay endpoint, and
// the admin/health API. See `posemeet-server --help` for flags (and POSEMEET_* env vars).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

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

    Server server(*parsed.config);
    std::string error;
    if (!server.start(error)) {
        log_error(error);
        return 1;
    }
    std::string host = parsed.config->host;
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
