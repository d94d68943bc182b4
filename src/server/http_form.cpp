// See http_form.hpp.
#include "server/http_form.hpp"

#include <exception>

#include "core/protocol.hpp"
#include "server/log.hpp"
#include "server/operation_stats.hpp"
#include "server/server_clock.hpp"

namespace posemeet::server {
namespace {

using protocol::ErrorCode;
using protocol::Json;

// The HTTP form's body: {code, message, data} (+ request_id when the request had one).
Json http_body(ErrorCode code, const std::string& message, Json data,
               const std::string& request_id = {}) {
    Json body{{"code", static_cast<int>(code)},
              {"message", message.empty() ? protocol::default_message(code) : message},
              {"data", data.is_null() ? Json::object() : std::move(data)}};
    if (!request_id.empty()) body["request_id"] = request_id;
    return body;
}

// A "return" envelope from the service, in the HTTP form.
Json http_body_from_reply(const Json& reply) {
    return http_body(static_cast<ErrorCode>(protocol::field_or(reply, "code", 500)),
                     protocol::field_or(reply, "message", ""),
                     protocol::field_or(reply, "response", Json::object()),
                     protocol::field_or(reply, "request_id", ""));
}

}  // namespace

HttpForm::HttpForm(const ServerConfig& config, ControlService& service, const ServerClock& clock,
                   OperationStats& stats, SettleFn settle)
    : config_(config),
      service_(service),
      clock_(clock),
      stats_(stats),
      settle_(std::move(settle)) {}

bool HttpForm::admit(const std::string& room_id, const std::string& user_id,
                     const std::string& token, const std::string& client, std::int64_t mono) {
    std::string ignored;
    if (!user_id.empty() &&
        service_.authenticate(room_id, user_id, token, ignored) == ErrorCode::Ok)
        return member_buckets_.try_emplace(user_id, config_.control_rate, config_.control_burst)
            .first->second.take(mono);
    auto it = client_buckets_.find(client);
    if (it == client_buckets_.end())
        it = client_buckets_
                 .emplace(
                     client,
                     ClientBucket{TokenBucket(config_.control_rate, config_.control_burst), mono})
                 .first;
    it->second.last_used_ms = mono;
    return it->second.bucket.take(mono);
}

HttpForm::Answer HttpForm::message(std::string_view text, const std::string& client) {
    ControlCall call;
    call.started = ControlCall::Clock::now();
    const std::int64_t now = clock_.now_ms();
    const std::int64_t mono = ServerClock::mono_ms();
    try {
        auto parsed = protocol::parse_request(text);
        if (auto* err = std::get_if<protocol::RequestError>(&parsed)) {
            if (!admit("", "", "", client, mono))
                return {429, http_body(ErrorCode::RateLimited, "", {}, err->request_id)};
            return {400, http_body(err->code, err->message, {}, err->request_id)};
        }
        const auto& request = std::get<protocol::Request>(parsed);
        const auto& c = request.content;
        const std::string user = protocol::field_or(c, "user_id", "");
        const std::string room = protocol::field_or(c, "room_id", "");
        const std::string token = protocol::field_or(c, "token", "");
        if (!admit(room, user, token, client, mono))
            return {429, http_body(ErrorCode::RateLimited, "", {}, request.request_id)};
        call.request = &request;
        call.api = AuditApi::Http;
        std::string ignored;  // the audit log's actor: a member whose credentials check out
        if (!user.empty() && service_.authenticate(room, user, token, ignored) == ErrorCode::Ok) {
            call.actor = user;
            call.actor_room = room;
        }

        const auto handle_start = ControlCall::Clock::now();
        ControlResult result = service_.handle_http(request, now);
        call.in_service = ControlCall::Clock::now() - handle_start;
        call.member_touched = user;
        call.stats = &stats_;
        call.event_name = request.event_name;
        settle_(result, call);
        return {200, http_body_from_reply(result.reply)};
    } catch (const std::exception& e) {
        log_error(std::string("HTTP control message failed: ") + e.what());
        return {500, http_body(ErrorCode::Internal, "", {})};
    }
}

HttpForm::Answer HttpForm::events(const PollRequest& query, const std::string& client, bool charge,
                                  bool& wait) {
    const auto op_start = ControlCall::Clock::now();  // operation stats
    wait = false;
    const std::int64_t now = clock_.now_ms();
    try {
        if (charge &&
            !admit(query.room_id, query.user_id, query.token, client, ServerClock::mono_ms()))
            return {429, http_body(ErrorCode::RateLimited, "", {})};
        const auto handle_start = ControlCall::Clock::now();
        PollResult r = service_.poll(query, now);
        const auto poll_end = ControlCall::Clock::now();
        stats_.record("(poll)", poll_end - handle_start, poll_end - op_start,
                      r.code == ErrorCode::Ok);
        wait = r.code == ErrorCode::Ok && !r.has_events();
        return {200, http_body(r.code, r.message, std::move(r.data))};
    } catch (const std::exception& e) {
        log_error(std::string("HTTP poll failed: ") + e.what());
        return {500, http_body(ErrorCode::Internal, "", {})};
    }
}

std::uint64_t HttpForm::add_waiter(const std::string& user_id, std::function<void()> wake_fn) {
    wake({user_id});  // one long-poll per member: an older one answers now
    const std::uint64_t id = next_waiter_id_++;
    if (shutting_down_) {
        if (wake_fn) wake_fn();
        return id;
    }
    waiters_[user_id] = Waiter{id, std::move(wake_fn)};
    service_.touch(user_id, clock_.now_ms());
    return id;
}

void HttpForm::remove_waiter(const std::string& user_id, std::uint64_t waiter_id) {
    auto it = waiters_.find(user_id);
    if (it != waiters_.end() && it->second.id == waiter_id) {
        waiters_.erase(it);
        service_.touch(user_id, clock_.now_ms());
    }
}

void HttpForm::wake(const std::vector<std::string>& user_ids) {
    for (const auto& user : user_ids) {
        auto w = waiters_.find(user);
        if (w == waiters_.end()) continue;
        auto fn = std::move(w->second.wake);
        waiters_.erase(w);
        if (fn) fn();
    }
}

void HttpForm::forget(const std::vector<std::string>& user_ids) {
    for (const auto& user : user_ids) member_buckets_.erase(user);
    wake(user_ids);
}

void HttpForm::tick(std::int64_t now_ms) {
    for (const auto& [user, w] : waiters_) service_.touch(user, now_ms);
    const std::int64_t mono = ServerClock::mono_ms();
    if (mono - last_bucket_sweep_ms_ > 10000) {
        last_bucket_sweep_ms_ = mono;
        for (auto b = client_buckets_.begin(); b != client_buckets_.end();)
            b = mono - b->second.last_used_ms > 60000 ? client_buckets_.erase(b) : std::next(b);
    }
}

void HttpForm::shutdown() {
    shutting_down_ = true;
    std::vector<std::string> polling;
    for (const auto& [user, w] : waiters_) polling.push_back(user);
    wake(polling);
}

}  // namespace posemeet::server
