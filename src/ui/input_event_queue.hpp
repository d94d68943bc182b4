// The browser's keyboard, mouse-button and text events, held in arrival order and handed to
// Dear ImGui a frame at a time so that none is lost and their order survives.
//
// Why: ImGui 1.86 reads key and button *state* once per frame, while text is a queue. On a
// slow page (software WebGL draws at a few frames per second) a typist's "Eve<Tab>room" all
// arrives between two frames: fed directly, the text lands before the Tab is seen and the
// name field gets "Everoom", and a press+release inside one frame is never seen at all.
// So each frame takes events from the front until taking the next one would hide something:
//   - a key or button that already changed this frame (ImGui would miss the press), or
//   - a key or button after text, or text after a key or button (the order matters: text
//     typed after Tab belongs to the next field).
// And text waits (a few frames at most) while no text field is active: after Enter sends a
// chat line, or Tab moves to the next field, the field takes the keyboard a frame later,
// and characters applied meanwhile would be dropped by ImGui.
// This mirrors the "input trickling" that ImGui 1.87 later built in. It is pure, has no
// ImGui dependency, and is unit-tested natively (tests/unit/input_event_queue_test.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace posemeet::ui {

struct KeyModifiers {
    bool ctrl = false, shift = false, alt = false, super = false;
};

struct InputEvent {
    enum class Kind { kButton, kKey, kText };
    Kind kind = Kind::kKey;
    int code = 0;          // mouse button 0..2 or DOM keyCode (kButton, kKey)
    bool down = false;     // kButton, kKey
    KeyModifiers mods;     // kKey: the modifiers as they were at this event
    std::string text;      // kText: UTF-8
};

class InputEventQueue {
public:
    void push(InputEvent event) { pending_.push_back(std::move(event)); }
    bool empty() const { return pending_.empty(); }
    std::size_t size() const { return pending_.size(); }

    // How many frames text waits at most for a field to take it (then it goes in anyway and
    // ImGui drops it: it was typed with no field to type into).
    static constexpr int kMaxTextWaitFrames = 5;

    // The events for the next frame, oldest first. `text_field_active`: a text field was
    // active in the last frame (text applied now lands in it). Empty only while text waits.
    std::vector<InputEvent> take_frame(bool text_field_active = true) {
        std::vector<InputEvent> frame;
        if (!pending_.empty() && pending_.front().kind == InputEvent::Kind::kText && !text_field_active &&
            text_waited_frames_ < kMaxTextWaitFrames) {
            ++text_waited_frames_;
            return frame;
        }
        text_waited_frames_ = 0;
        std::vector<std::pair<InputEvent::Kind, int>> changed;  // keys/buttons seen this frame
        bool text_taken = false;
        std::size_t i = 0;
        for (; i < pending_.size(); ++i) {
            const InputEvent& e = pending_[i];
            if (e.kind == InputEvent::Kind::kText) {
                if (!changed.empty()) break;
                text_taken = true;
            } else {
                const std::pair<InputEvent::Kind, int> id{e.kind, e.code};
                bool seen = false;
                for (const auto& c : changed) seen = seen || c == id;
                if (seen || text_taken) break;
                changed.push_back(id);
            }
            frame.push_back(e);
        }
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(i));
        return frame;
    }

private:
    std::vector<InputEvent> pending_;
    int text_waited_frames_ = 0;
};

}  // namespace posemeet::ui
