// Fuzz target: a stored room state (ControlService::import_room) on arbitrary bytes. The
// store is the server's own file, but it outlives versions and can be edited or damaged:
// whatever it holds must be refused with an error or give a room that keeps the rules.
// Invariants on acceptance: at most one host (exactly one while members are present and
// the meeting runs), nobody resumes a stored member without its token (the store holds
// only digests), and exporting the imported room and importing that again gives the same
// state.
#include <cstdint>
#include <string>

#include "core/control_service.hpp"
#include "fuzz_check.hpp"

using namespace posemeet;
using protocol::Json;

namespace {
ControlService make_service() {
    int n = 0;
    return ControlService(ServiceConfig{}, [n]() mutable { return "fresh-" + std::to_string(n++); });
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Json state = Json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    ControlService svc = make_service();
    std::vector<MemberChange> changes;
    std::string error;
    if (!svc.import_room(state, 1'700'000'000'000, changes, error)) {
        FUZZ_CHECK(!error.empty());
        FUZZ_CHECK(changes.empty() && svc.room_count() == 0);
        return 0;
    }
    FUZZ_CHECK(svc.room_count() == 1);
    const Room& room = *svc.rooms().begin()->second;
    int hosts = 0;
    for (const UserRecord& u : room.members()) hosts += u.user_role == UserRole::Host ? 1 : 0;
    FUZZ_CHECK(hosts <= 1);
    FUZZ_CHECK(room.ended() || room.members().empty() || hosts == 1);
    FUZZ_CHECK(changes.size() == room.members().size());

    const auto exported = svc.export_room(room.record().room_id);
    FUZZ_CHECK(exported.has_value());
    ControlService again = make_service();
    std::vector<MemberChange> changes2;
    FUZZ_CHECK(again.import_room(*exported, 1'700'000'000'000, changes2, error));
    FUZZ_CHECK(again.export_room(room.record().room_id) == exported);

    for (const Json& s : (*exported)["sessions"]) {
        ConnectionState conn;
        protocol::Request resync;
        resync.event_name = "vcResync";
        resync.request_id = "r";
        // The digest itself is not the token: presenting it must fail like any wrong token.
        resync.content = Json{{"user_id", s["user_id"]}, {"token", s["token_sha256"]}};
        const ControlResult r = svc.handle(conn, resync, 1'700'000'001'000);
        FUZZ_CHECK(r.reply["code"] == 452);
    }
    return 0;
}
