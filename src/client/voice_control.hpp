// What the app (the UI and the page API) uses of the client's voice, wherever the voice
// runs: in the session's thread (client/audio_engine.hpp: bots, the file:// page) or in the
// served page's voice worker (platform/web/worker_voice.hpp), so a busy page cannot stall
// it. Everything here is answered at once, from the engine or from the worker's latest report.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/protocol.hpp"

namespace posemeet {

class VoiceControl {
public:
    virtual ~VoiceControl() = default;

    // Output volume for one participant, 0 (silent) to 2 (double); 1 by default.
    virtual void set_volume(const std::string& user_id, float gain) = 0;
    virtual float volume(const std::string& user_id) const = 0;

    virtual float input_level_dbfs() const = 0;
    virtual bool speaking(const std::string& user_id) const = 0;
    virtual std::string active_speaker() const = 0;

    // state().audio of the JS API and the bot's stats (without the device's fields).
    virtual protocol::Json state_json() const = 0;

    // Test hook: from now on, analyse every played frame of every remote at these
    // frequencies (Goertzel), keeping the last `max_frames` per remote. take_tap() returns
    // { user_id: [{t, kind, rms, mag: [...]}, ...], "_mix": [...] } and clears what it
    // returned. Per remote: their decoded voice before volume; _mix: what the speaker gets.
    virtual void start_tap(std::vector<float> frequencies, std::size_t max_frames = 3000) = 0;
    virtual protocol::Json take_tap() = 0;
};

}  // namespace posemeet
