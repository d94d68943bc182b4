// The served page's voice, in a Worker of its own (web/posemeet-voice-worker.js loads this
// module): a VoicePipeline (client/voice_pipeline.hpp) fed by the capture AudioWorklet and
// feeding the playback AudioWorklet through MessagePorts that bypass the page's main
// thread, so a page busy drawing, estimating a pose or running a long script never stalls
// the voice. Audio packets come and go without the main thread too: over the peer links'
// voice channels and over the server's WebSocket, which the worker script holds for the
// page (platform/web/worker_signaling_socket.hpp). The main thread
// (platform/web/worker_voice.hpp) tells this module the room, and gets back what it sent
// and a report of levels, speakers, heard frames and statistics.
//
// The worker script calls these C functions; strings and buffers passed in are the caller's
// (malloc'ed by the script, valid during the call); those returned stay valid until the next
// call of the same function.
#include <emscripten.h>
#include <opus.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "client/voice_pipeline.hpp"
#include "core/audio/audio_format.hpp"
#include "platform/web/web_clock.hpp"

namespace {

using posemeet::protocol::Json;
using posemeet::web::media_time_of_wall_ms;
std::unique_ptr<posemeet::VoicePipeline> g_voice;
std::uint16_t g_sequence = 0;           // of the audio packets we send
std::set<std::string> g_open_peers;     // members whose peer link's voice channel is open
std::uint64_t g_dropped_muted = 0;      // packets over a peer link from a member the room has muted
std::uint64_t g_rejected = 0;           // malformed, or not from the link's own peer

}  // namespace

// The worker script's sends (web/posemeet-voice-worker.js): over one peer's voice channel
// (false: backed up, dropped), over the server socket (false: not open), and the count for
// the main thread's statistics.
EM_JS(int, pmv_send_peer, (const char* user_id, const std::uint8_t* data, int size), {
    return pmvSendPeer(UTF8ToString(user_id), HEAPU8.subarray(data, data + size)) ? 1 : 0;
});
EM_JS(int, pmv_send_relay, (const std::uint8_t* data, int size), {
    return pmvSendRelay(HEAPU8.slice(data, data + size)) ? 1 : 0;
});
EM_JS(void, pmv_note_sent, (double bytes), { pmvNoteSent(bytes); });

// Every other member gets the packet: over their voice channel when it is open, else
// through the relay (the server forwards a relay frame to the members it names).
void send_to_room(const std::vector<std::uint8_t>& packet) {
    const posemeet::VoiceRoom& room = g_voice->room();
    std::size_t bytes = 0;
    std::vector<std::uint16_t> relay_targets;
    for (const auto& [media_id, user_id] : room.user_by_media_id) {
        if (!g_open_peers.count(user_id)) relay_targets.push_back(media_id);
        else if (pmv_send_peer(user_id.c_str(), packet.data(), static_cast<int>(packet.size())))
            bytes += packet.size();
    }
    for (std::size_t first = 0; first < relay_targets.size(); first += posemeet::kMaxRelayTargets) {
        const std::size_t last = std::min(relay_targets.size(), first + posemeet::kMaxRelayTargets);
        const auto frame = posemeet::encode_relay_frame(
            std::vector<std::uint16_t>(relay_targets.begin() + first, relay_targets.begin() + last), packet);
        if (pmv_send_relay(frame.data(), static_cast<int>(frame.size()))) bytes += frame.size();
    }
    pmv_note_sent(static_cast<double>(bytes));
}

extern "C" {

EMSCRIPTEN_KEEPALIVE void pmv_init(double test_loss, int test_jitter_ms, int test_seed) {
    posemeet::AudioEngineConfig config;
    config.test_loss = test_loss;
    config.test_jitter_ms = test_jitter_ms;
    config.test_seed = static_cast<std::uint32_t>(test_seed);
    // No fixed floor under the jitter buffer's target: the playback worklet pulls on the
    // audio clock, and the target follows the spread of arrivals and of those pulls.
    config.jitter.min_delay_ms = 0;
    g_voice = std::make_unique<posemeet::VoicePipeline>(
        config, [](const std::vector<std::uint8_t>& payload, std::uint32_t timestamp_ms) {
            posemeet::MediaHeader h;
            h.kind = posemeet::MediaKind::Audio;
            h.sender = g_voice->room().self_media_id;
            h.sequence = g_sequence++;
            h.timestamp_ms = timestamp_ms;
            send_to_room(posemeet::encode_media_packet(h, payload));
            return true;
        });
    g_voice->keep_heard_events();
}

// The room as the session sees it (VoiceRoom::to_json).
EMSCRIPTEN_KEEPALIVE void pmv_set_room(const char* room_json) {
    g_voice->set_room(posemeet::VoiceRoom::from_json(Json::parse(room_json, nullptr, false)));
}

// A block from the microphone; `end_wall_ms`: the wall-clock time of its last sample.
EMSCRIPTEN_KEEPALIVE void pmv_capture(const float* samples, int count, double end_wall_ms) {
    g_voice->on_capture(samples, static_cast<std::size_t>(count), media_time_of_wall_ms(end_wall_ms));
}

EMSCRIPTEN_KEEPALIVE void pmv_capture_stopped() { g_voice->capture_stopped(); }

// An audio packet of `user_id` the session received (header fields and payload).
EMSCRIPTEN_KEEPALIVE void pmv_packet(const char* user_id, int sequence, double timestamp_ms,
                                     const std::uint8_t* payload, int size, double now_ms, double wall_ms) {
    posemeet::MediaHeader header;
    header.kind = posemeet::MediaKind::Audio;
    header.sequence = static_cast<std::uint16_t>(sequence);
    header.timestamp_ms = static_cast<std::uint32_t>(timestamp_ms);
    g_voice->on_packet(user_id, header, payload, static_cast<std::size_t>(size), now_ms, media_time_of_wall_ms(wall_ms));
}

// Whether the voice channel of the peer link to `user_id` is open (the worker script says).
EMSCRIPTEN_KEEPALIVE void pmv_peer_state(const char* user_id, int open) {
    if (open) g_open_peers.insert(user_id);
    else g_open_peers.erase(user_id);
}

// A whole packet from the voice channel of the peer link to `link_user` (untrusted bytes).
EMSCRIPTEN_KEEPALIVE void pmv_receive(const char* link_user, const std::uint8_t* data, int size, double now_ms,
                                      double wall_ms) {
    auto parsed = posemeet::parse_media_packet(data, static_cast<std::size_t>(std::max(0, size)));
    const posemeet::VoiceRoom& room = g_voice->room();
    auto sender = parsed.packet ? room.user_by_media_id.find(parsed.packet->header.sender) : room.user_by_media_id.end();
    // Over a peer link only the peer itself may speak, and only audio comes this way.
    if (sender == room.user_by_media_id.end() || sender->second != link_user ||
        parsed.packet->header.kind != posemeet::MediaKind::Audio) {
        ++g_rejected;
        return;
    }
    // The room's mic rule holds on every path (as in MediaRouter::on_packet).
    auto member = room.remotes.find(sender->second);
    if (member == room.remotes.end() || !member->second) {
        ++g_dropped_muted;
        return;
    }
    const posemeet::MediaPacketView& p = *parsed.packet;
    g_voice->on_packet(sender->second, p.header, p.payload, p.payload_size, now_ms, media_time_of_wall_ms(wall_ms));
}

// A binary message from the server socket (untrusted bytes). Audio of a member is played
// here (1); anything else is the main thread's (0: the script passes it on). The server
// stamps the sender and applies the room's mic rule to what it relays; a packet from a
// member this worker does not know yet also goes to the main thread, which hands it back.
EMSCRIPTEN_KEEPALIVE int pmv_relay_in(const std::uint8_t* data, int size, double now_ms, double wall_ms) {
    auto parsed = posemeet::parse_media_packet(data, static_cast<std::size_t>(std::max(0, size)));
    if (!parsed.packet || parsed.packet->header.kind != posemeet::MediaKind::Audio) return 0;
    const posemeet::VoiceRoom& room = g_voice->room();
    auto sender = room.user_by_media_id.find(parsed.packet->header.sender);
    if (sender == room.user_by_media_id.end()) return 0;
    const posemeet::MediaPacketView& p = *parsed.packet;
    g_voice->on_packet(sender->second, p.header, p.payload, p.payload_size, now_ms, media_time_of_wall_ms(wall_ms));
    return 1;
}

// The next 20 ms for the speaker (960 floats), first heard `playout_delay_ms` after `now_ms`.
EMSCRIPTEN_KEEPALIVE const float* pmv_render(double now_ms, double wall_ms, double playout_delay_ms) {
    return g_voice->next_playback_frame(now_ms, media_time_of_wall_ms(wall_ms), playout_delay_ms).data();
}

// The number of the frame pmv_render returned last (frames count from 0).
EMSCRIPTEN_KEEPALIVE double pmv_rendered_number() { return static_cast<double>(g_voice->frames_rendered()) - 1; }

// After a change of the room or a volume: the frames from number `first` on, mixed again
// (VoicePipeline::revise_from). Returns how many (0: none changed); they are at
// pmv_revised_frames() (960 floats each) and start at number pmv_revised_first().
static posemeet::VoicePipeline::Revision g_revision;
static std::vector<float> g_revised_samples;
EMSCRIPTEN_KEEPALIVE int pmv_revise(double first) {
    g_revision = g_voice->revise_from(static_cast<std::uint64_t>(std::max(0.0, first)));
    g_revised_samples.clear();
    for (const auto& frame : g_revision.frames) g_revised_samples.insert(g_revised_samples.end(), frame.begin(), frame.end());
    return static_cast<int>(g_revision.frames.size());
}
EMSCRIPTEN_KEEPALIVE const float* pmv_revised_frames() { return g_revised_samples.data(); }
EMSCRIPTEN_KEEPALIVE double pmv_revised_first() { return static_cast<double>(g_revision.first); }

EMSCRIPTEN_KEEPALIVE void pmv_set_volume(const char* user_id, double gain) {
    g_voice->set_volume(user_id, static_cast<float>(gain));
}

EMSCRIPTEN_KEEPALIVE void pmv_tap_start(const char* frequencies_json) {
    g_voice->start_tap(posemeet::VoicePipeline::tap_frequencies(Json::parse(frequencies_json, nullptr, false)));
}

// What the main thread mirrors: levels and speakers, the heard frames since the last report
// (a run of silent frames only by its first: the page's copy of the timeline needs no more),
// the tap frames since the last report, and the full state when `full`. "" when nothing
// changed and `full` is 0: a quiet meeting costs the page no message then.
EMSCRIPTEN_KEEPALIVE const char* pmv_report(int full) {
    static std::string buffer, last_light;
    static std::map<std::string, bool> last_audible;  // per remote: was their last frame heard
    Json speaking = Json::object();
    for (const auto& [id, mic_on] : g_voice->room().remotes)
        if (g_voice->speaking(id)) speaking[id] = true;
    Json heard = Json::array();
    for (const auto& e : g_voice->take_heard_events()) {
        bool& was_audible = last_audible.try_emplace(e.user_id, true).first->second;
        if (e.audible || was_audible)
            heard.push_back(Json::array({e.user_id, e.heard_at_ms, e.audible, e.sender_ms}));
        was_audible = e.audible;
    }
    Json report{{"level", std::round(g_voice->input_level_dbfs())},
                {"self_speaking", g_voice->input_speaking()},
                {"speaking", std::move(speaking)},
                {"active", g_voice->active_speaker()}};
    std::string light = report.dump();
    if (!full && heard.empty() && !g_voice->tapping() && light == last_light) return "";
    last_light = std::move(light);
    report["heard"] = std::move(heard);
    if (g_voice->tapping()) report["tap"] = g_voice->take_tap();
    if (full) {
        report["state"] = g_voice->state_json();
        report["state"]["p2p_dropped_muted"] = g_dropped_muted;
        report["state"]["p2p_rejected"] = g_rejected;
        report["codec"] = opus_get_version_string();
    }
    buffer = report.dump();
    return buffer.c_str();
}

}  // extern "C"
