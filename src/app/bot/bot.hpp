// One synthetic participant of posemeet-bot: a MeetingSession (the client code the browser
// runs) with its WebSocket, audio engine and WAV-file "microphone", plus what the stats
// lines measure against.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "client/audio_engine.hpp"
#include "client/meeting_session.hpp"
#include "platform/native/beast_signaling_socket.hpp"
#include "platform/native/file_audio_device.hpp"

namespace posemeet::bot {

// For packets_per_s: packets_received per remote at the previous stats line, and the rate
// printed then (reused when the final line follows a periodic one closely).
struct PacketRateWindow {
    std::map<std::string, std::pair<std::uint64_t, double>> previous;
    double since_ms = 0;
};

struct Bot {
    std::string name;
    std::string room;
    std::string token;  // the access token it joins with ("" = none)
    // Declared before the session: the session's destructor still closes the socket.
    std::unique_ptr<BeastSignalingSocket> socket;
    std::unique_ptr<MeetingSession> session;
    // After the session, which they hold on to (destroyed first).
    std::unique_ptr<AudioEngine> audio;
    std::unique_ptr<FileAudioDevice> audio_device;
    bool started = false;
    bool visible_due = false;  // --visible: membership changed, name the tiles again
    PacketRateWindow rates;
};

}  // namespace posemeet::bot
