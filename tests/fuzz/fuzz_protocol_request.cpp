// Fuzz target: a control message as the server receives it (protocol::parse_request), then
// the dispatcher (ControlService::handle) on the parsed request - once from a fresh
// connection and once from a member of a populated room - so every event handler sees
// arbitrary content. Checks the reply envelope, who may receive deliveries, and that no
// room outlives its members.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "core/control_service.hpp"
#include "core/protocol.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;
using protocol::Json;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

bool known_code(int code) {
    switch (code) {
#define POSEMEET_X(name, num, text) case num:
        POSEMEET_ERROR_CODES(POSEMEET_X)
#undef POSEMEET_X
        return true;
    }
    return false;
}

void check_reply(const Json& reply, const std::string& request_id) {
    FUZZ_CHECK(reply.is_object());
    FUZZ_CHECK(reply.size() == 6);
    FUZZ_CHECK(reply.value("message_type", "") == "return");
    FUZZ_CHECK(reply.value("request_id", "") == request_id);
    FUZZ_CHECK(reply["code"].is_number_integer() && known_code(reply["code"].get<int>()));
    FUZZ_CHECK(reply["message"].is_string() && !reply["message"].get_ref<const std::string&>().empty());
    FUZZ_CHECK(reply["timestamp"] == kNow);
    FUZZ_CHECK(reply["response"].is_object());
    (void)reply.dump();  // what the server sends; throws on invalid UTF-8
}

void check_delivery(const Delivery& d) {
    FUZZ_CHECK(!d.user_id.empty());
    FUZZ_CHECK(d.message.value("message_type", "") == "inform");
    FUZZ_CHECK(d.message["event"].is_string());
    FUZZ_CHECK(d.message["data"].is_object());
    (void)d.message.dump();
}

ControlService make_service(int& ids) {
    ServiceConfig config;
    config.room_limits.max_participants = 4;
    return ControlService(config, [&ids] { return "fz-" + std::to_string(++ids); });
}

void join(ControlService& svc, ConnectionState& conn, const char* room, int relay) {
    protocol::Request r;
    r.event_name = "vcJoinRoom";
    r.request_id = "setup";
    r.content = Json{{"room_id", room}, {"user_name", "setup"}, {"media_relay", relay}};
    const ControlResult res = svc.handle(conn, r, kNow);
    FUZZ_CHECK(res.reply["code"] == 200);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = protocol::parse_request(text);
    if (const auto* err = std::get_if<protocol::RequestError>(&parsed)) {
        FUZZ_CHECK(err->code == protocol::ErrorCode::BadInput);
        FUZZ_CHECK(!err->message.empty());
        FUZZ_CHECK(err->request_id.size() <= protocol::kMaxRequestIdLength);
        // The server answers a bad envelope with a reply echoing what it could read.
        check_reply(protocol::make_reply(err->request_id, err->code, err->message, nullptr, kNow),
                    err->request_id);
        return 0;
    }
    const protocol::Request& req = std::get<protocol::Request>(parsed);
    FUZZ_CHECK(!req.event_name.empty() && req.event_name.size() <= protocol::kMaxEventNameLength);
    FUZZ_CHECK(req.request_id.size() <= protocol::kMaxRequestIdLength);
    FUZZ_CHECK(req.content.is_object());

    // 1. A fresh connection: only vcJoinRoom can succeed.
    {
        int ids = 0;
        ControlService svc = make_service(ids);
        ConnectionState conn;
        ControlResult r = svc.handle(conn, req, kNow);
        check_reply(r.reply, req.request_id);
        const int code = r.reply["code"];
        if (req.event_name != "vcJoinRoom") {
            FUZZ_CHECK(code == 420);
            FUZZ_CHECK(!conn.joined());
        } else if (code == 200) {
            FUZZ_CHECK(conn.joined());
            FUZZ_CHECK(svc.room_count() == 1 && svc.participant_count() == 1);
            FUZZ_CHECK(r.reply["response"]["user"]["user_id"] == conn.user_id);
        } else {
            FUZZ_CHECK(!conn.joined());
            FUZZ_CHECK(svc.room_count() == 0);
        }
        FUZZ_CHECK(r.deliveries.empty());  // nobody else is connected
        svc.disconnect(conn, kNow + 1);
        FUZZ_CHECK(svc.room_count() == 0 && svc.participant_count() == 0);
    }

    // 2. From member fz-1 of "fuzz-room" (with fz-2), while fz-3 sits in "other-room".
    {
        int ids = 0;
        ControlService svc = make_service(ids);
        ConnectionState a, b, c;
        join(svc, a, "fuzz-room", 1);
        join(svc, b, "fuzz-room", 0);
        join(svc, c, "other-room", 0);
        FUZZ_CHECK(a.user_id == "fz-1" && b.user_id == "fz-2" && c.user_id == "fz-3");

        ControlResult r = svc.handle(a, req, kNow);
        check_reply(r.reply, req.request_id);
        const int code = r.reply["code"];
        if (req.event_name == "vcJoinRoom") FUZZ_CHECK(code == 421);
        for (const Delivery& d : r.deliveries) {
            check_delivery(d);
            // Only the other member of a's room may hear about a's request.
            FUZZ_CHECK(d.user_id == b.user_id);
        }
        if (code != 200) FUZZ_CHECK(r.deliveries.empty());
        if (req.event_name == "vcSignal" && code == 200) {
            FUZZ_CHECK(r.deliveries.size() == 1);
            FUZZ_CHECK(r.deliveries[0].message["data"]["from_user_id"] == "fz-1");
        }
        FUZZ_CHECK(a.joined() == (req.event_name != "vcLeaveRoom" || code != 200));

        for (ConnectionState* conn : {&a, &b, &c}) {
            for (const Delivery& d : svc.disconnect(*conn, kNow + 1)) check_delivery(d);
        }
        FUZZ_CHECK(svc.room_count() == 0 && svc.participant_count() == 0);
    }
    return 0;
}
