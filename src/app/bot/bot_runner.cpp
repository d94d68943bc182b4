// See bot_runner.hpp.
#include "app/bot/bot_runner.hpp"

#include <unistd.h>

#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <string>

#include "app/bot/bot_report.hpp"
#include "core/access_token.hpp"
#include "core/control_service.hpp"
#include "server/openssl_hmac.hpp"

namespace posemeet::bot {

using protocol::Json;

std::string BotRunner::bot_token(const std::string& room, int index) const {
    std::string identity;
    for (char c : options_.name) identity += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '-';
    identity += "-" + std::to_string(::getpid()) + "-" + std::to_string(index + 1);
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    AccessClaims c;
    c.api_key = options_.api_key;
    c.identity = identity.substr(0, kMaxIdentityBytes);
    c.not_before_s = now_s;
    c.expires_s = now_s + 24 * 3600;  // a long load run rejoins with it after a restart
    c.video.room_join = true;
    c.video.room = room;
    return sign_access_token(access_claims_json(c), options_.api_secret, server::openssl_hmac_sha256);
}

BotRunner::BotRunner(boost::asio::io_context& io, BotOptions options, std::vector<float> audio_in)
    : options_(std::move(options)), tick_timer_(io), signals_(io, SIGINT, SIGTERM) {
    SessionConfig config;
    config.server_url = options_.url;
    config.force_relay = true;  // no WebRTC on native anyway
    config.pose_rate_hz = options_.pose_rate_hz;
    config.join_with_mic = options_.mic;
    AudioEngineConfig audio_config;
    audio_config.test_loss = options_.test_loss;
    audio_config.test_jitter_ms = static_cast<int>(options_.test_jitter_ms);
    // No floor under the jitter buffer's delay: the bot's speaker pulls on a steady clock,
    // so the measured arrival and pull spreads (plus the margin) are all it needs. (The
    // served page's voice worker does the same; the file:// page, whose main thread pulls
    // playback in bursts, keeps the default floor.)
    audio_config.jitter.min_delay_ms = 0;
    for (int i = 0; i < options_.count; ++i) {
        auto bot = std::make_unique<Bot>();
        bot->name = i == 0 ? options_.name : options_.name + " " + std::to_string(i + 1);
        const int room_index = options_.room_size > 0 ? i / options_.room_size : 0;
        bot->room = room_index == 0 ? options_.room : options_.room + "-" + std::to_string(room_index + 1);
        bot->token = options_.token.empty() && !options_.api_key.empty() ? bot_token(bot->room, i) : options_.token;
        bot->socket = std::make_unique<BeastSignalingSocket>(io);
        bot->session = std::make_unique<MeetingSession>(config, *bot->socket, nullptr, clock_);
        bot->audio = std::make_unique<AudioEngine>(*bot->session, audio_config);
        if (!options_.audio_probe.empty()) bot->audio->start_tap(options_.audio_probe);
        bot->audio_device = std::make_unique<FileAudioDevice>(
            clock_, audio_in, /*record=*/i == 0 && !options_.audio_out.empty());
        bot->audio->attach_device(*bot->audio_device);
        bot->audio_device->start_capture({});  // the --audio-in file, when there is one
        Bot* b = bot.get();
        const bool quiet = options_.quiet;
        b->session->set_event_listener([b, quiet](const std::string& event, const Json& data) {
            if (event == "joined" || event == "resumed" || event == "participantJoined" || event == "participantLeft")
                b->visible_due = true;
            // --quiet still reports a failed join: it decides the exit code.
            if (!quiet || (event == "status" && data.value("status", std::string()) == "failed"))
                log_event(b->name, event, data);
        });
        bots_.push_back(std::move(bot));
    }
}

void BotRunner::start() {
    const int rooms = options_.room_size > 0 ? (options_.count + options_.room_size - 1) / options_.room_size : 1;
    std::fprintf(stderr, "posemeet-bot: %d bot%s -> %s room '%s'%s%s\n", options_.count,
                 options_.count == 1 ? "" : "s", options_.url.c_str(), options_.room.c_str(),
                 rooms > 1 ? (" (+" + std::to_string(rooms - 1) + " more)").c_str() : "",
                 options_.duration_s > 0 ? "" : " (until SIGINT/SIGTERM)");
    start_ms_ = clock_.now_ms();
    next_stats_ms_ = start_ms_ + options_.stats_interval_s * 1000.0;
    signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        std::fprintf(stderr, "posemeet-bot: %s, leaving\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        shutdown();
    });
    next_tick_ = std::chrono::steady_clock::now();
    on_tick();
}

void BotRunner::on_tick() {
    const double now = clock_.now_ms();
    const double elapsed_ms = now - start_ms_;
    bool any_alive = false;
    for (std::size_t i = 0; i < bots_.size(); ++i) {
        Bot& b = *bots_[i];
        if (!b.started && elapsed_ms >= static_cast<double>(i) * options_.join_interval_ms) {
            b.started = true;
            b.rates.since_ms = now;
            b.session->join(b.room, b.name, false, b.token);
        }
        b.session->tick();
        if (b.started) b.audio_device->pump();
        if (b.visible_due && options_.visible >= 0) name_visible(b);
        if (!b.started || b.session->status() != ConnectionStatus::Failed) any_alive = true;
    }
    if (options_.stats_interval_s > 0 && now >= next_stats_ms_) {
        print_stats_lines(bots_, options_, clock_.now_ms(), start_ms_, false);
        next_stats_ms_ += options_.stats_interval_s * 1000.0;
        if (next_stats_ms_ <= now) next_stats_ms_ = now + options_.stats_interval_s * 1000.0;
    }
    if (!any_alive) {
        std::fprintf(stderr, "posemeet-bot: every bot failed to join\n");
        return shutdown();
    }
    if (options_.duration_s > 0 && elapsed_ms >= options_.duration_s * 1000.0) {
        std::fprintf(stderr, "posemeet-bot: %.1f s elapsed, leaving\n", options_.duration_s);
        return shutdown();
    }
    // Fixed cadence; after a stall, resume from now instead of bursting to catch up.
    const auto period = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double, std::milli>(options_.tick_ms));
    next_tick_ += period;
    const auto steady_now = std::chrono::steady_clock::now();
    if (next_tick_ <= steady_now) next_tick_ = steady_now + period;
    tick_timer_.expires_at(next_tick_);
    tick_timer_.async_wait([this](const boost::system::error_code& ec) {
        if (!ec && !stopping_) on_tick();
    });
}

void BotRunner::shutdown() {
    if (stopping_) return;
    stopping_ = true;
    tick_timer_.cancel();
    boost::system::error_code ignored;
    signals_.cancel(ignored);
    signals_.clear(ignored);  // a second Ctrl-C kills the process the default way
    print_stats_lines(bots_, options_, clock_.now_ms(), start_ms_, true);
    write_recording();
    for (auto& b : bots_) {
        if (b->session->status() == ConnectionStatus::Failed) any_failed_ = true;
        b->session->leave();
    }
}

void BotRunner::write_recording() {
    if (options_.audio_out.empty() || bots_.empty()) return;
    std::string error;
    const auto& samples = bots_.front()->audio_device->recording();
    if (write_wav_file_48k_mono(options_.audio_out, samples, error))
        std::fprintf(stderr, "posemeet-bot: wrote %.1f s of what %s heard to %s\n",
                     static_cast<double>(samples.size()) / 48000.0, bots_.front()->name.c_str(),
                     options_.audio_out.c_str());
    else
        std::fprintf(stderr, "posemeet-bot: %s\n", error.c_str());
}

void BotRunner::name_visible(Bot& b) {
    if (b.session->status() != ConnectionStatus::Joined || !b.session->self()) return;
    Json ids = Json::array();
    for (const UserRecord* u : b.session->participants_in_order()) {
        if (static_cast<int>(ids.size()) >= options_.visible) break;
        if (u->user_id != b.session->self()->user_id) ids.push_back(u->user_id);
    }
    b.visible_due = false;
    b.session->request("vcSetMediaReceive", Json{{"visible", std::move(ids)}});
}

}  // namespace posemeet::bot
