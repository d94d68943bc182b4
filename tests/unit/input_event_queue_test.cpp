// input_event_queue: what a fast typist on a slow page types reaches ImGui complete and in
// order, one frame at a time (the failure it prevents: "Eve<Tab>room" became "Everoom").
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ui/input_event_queue.hpp"

using posemeet::ui::InputEvent;
using posemeet::ui::InputEventQueue;

namespace {

constexpr int kTab = 9, kEnter = 13, kCtrl = 17, kA = 65;

InputEvent text(const std::string& t) {
    InputEvent e;
    e.kind = InputEvent::Kind::kText;
    e.text = t;
    return e;
}

InputEvent key(int code, bool down, bool ctrl = false) {
    InputEvent e;
    e.kind = InputEvent::Kind::kKey;
    e.code = code;
    e.down = down;
    e.mods.ctrl = ctrl;
    return e;
}

InputEvent button(int code, bool down) {
    InputEvent e;
    e.kind = InputEvent::Kind::kButton;
    e.code = code;
    e.down = down;
    return e;
}

void type(InputEventQueue& q, const std::string& s) {
    for (char c : s) q.push(text(std::string(1, c)));
}

// A stand-in for the part of ImGui that matters here: per-frame key state, a text queue,
// and a form whose focused field takes the frame's text and moves on when Tab is *seen down*
// at a frame (as ImGui 1.86 reads io.KeysDown once per frame).
struct Form {
    std::vector<std::string> fields{"", ""};
    int focus = 0;
    bool tab_down = false, ctrl = false, a_down = false, enter_down = false;
    bool submitted = false;

    void frame(const std::vector<InputEvent>& events) {
        const bool tab_was = tab_down, a_was = a_down, enter_was = enter_down;
        std::string chars;
        for (const InputEvent& e : events) {
            if (e.kind == InputEvent::Kind::kText) chars += e.text;
            if (e.kind != InputEvent::Kind::kKey) continue;
            if (e.code == kTab) tab_down = e.down;
            if (e.code == kA) a_down = e.down;
            if (e.code == kEnter) enter_down = e.down;
            ctrl = e.mods.ctrl;
        }
        if (tab_down && !tab_was) focus = (focus + 1) % 2;
        if (a_down && !a_was && ctrl) fields[focus].clear();  // select all, then typing replaces
        fields[focus] += chars;
        if (enter_down && !enter_was) submitted = true;
    }
};

int run_frames(InputEventQueue& q, Form& form) {
    int frames = 0;
    while (!q.empty()) {
        const std::vector<InputEvent> events = q.take_frame();
        REQUIRE_FALSE(events.empty());  // always progresses
        form.frame(events);
        ++frames;
    }
    return frames;
}

}  // namespace

TEST_SUITE("input_event_queue") {
    TEST_CASE("name, Tab, Ctrl+A, room, Enter typed between two frames fill both fields") {
        InputEventQueue q;
        type(q, "Eve");
        q.push(key(kTab, true));
        q.push(key(kTab, false));
        q.push(key(kCtrl, true, true));
        q.push(key(kA, true, true));
        q.push(key(kA, false, true));
        q.push(key(kCtrl, false));
        type(q, "resilience");
        q.push(key(kEnter, true));
        q.push(key(kEnter, false));

        Form form;
        form.fields[1] = "demo";  // the room field's preset, replaced by Ctrl+A then typing
        const int frames = run_frames(q, form);
        CHECK(form.fields[0] == "Eve");
        CHECK(form.fields[1] == "resilience");
        CHECK(form.submitted);
        CHECK(frames <= 8);  // a handful of frames, not one per character
    }

    TEST_CASE("a press and release inside one frame are seen as a press, then a release") {
        InputEventQueue q;
        q.push(key(kTab, true));
        q.push(key(kTab, false));
        const auto first = q.take_frame();
        REQUIRE(first.size() == 1);
        CHECK(first[0].down);
        const auto second = q.take_frame();
        REQUIRE(second.size() == 1);
        CHECK_FALSE(second[0].down);
    }

    TEST_CASE("a quick click is a press one frame and a release the next") {
        InputEventQueue q;
        q.push(button(0, true));
        q.push(button(0, false));
        q.push(button(1, true));
        CHECK(q.take_frame().size() == 1);
        const auto second = q.take_frame();
        REQUIRE(second.size() == 2);  // left release and right press do not collide
        CHECK(second[1].code == 1);
    }

    TEST_CASE("text never overtakes an earlier key, nor a key earlier text") {
        InputEventQueue q;
        type(q, "ab");
        q.push(key(kEnter, true));
        type(q, "c");
        const auto f1 = q.take_frame();
        CHECK(f1.size() == 2);
        CHECK(f1.back().text == "b");
        const auto f2 = q.take_frame();
        REQUIRE(f2.size() == 1);
        CHECK(f2[0].code == kEnter);
        const auto f3 = q.take_frame();
        REQUIRE(f3.size() == 1);
        CHECK(f3[0].text == "c");
        CHECK(q.empty());
    }

    TEST_CASE("a long run of plain text goes in at once, any script") {
        InputEventQueue q;
        for (const char* s : {"陈", "小", "明", " ", "a"}) q.push(text(s));
        const auto frame = q.take_frame();
        CHECK(frame.size() == 5);
        CHECK(q.empty());
        CHECK(q.take_frame().empty());
    }

    TEST_CASE("modifiers travel with their key, so Ctrl released later does not undo Ctrl+A") {
        InputEventQueue q;
        q.push(key(kCtrl, true, true));
        q.push(key(kA, true, true));
        q.push(key(kA, false, true));
        q.push(key(kCtrl, false, false));
        const auto f1 = q.take_frame();
        REQUIRE(f1.size() == 2);
        CHECK(f1[1].code == kA);
        CHECK(f1[1].mods.ctrl);
        const auto f2 = q.take_frame();
        REQUIRE(f2.size() == 2);
        CHECK_FALSE(f2[1].mods.ctrl);
    }

    TEST_CASE("text waits a few frames for a field to take it (Enter sent, the field comes back)") {
        InputEventQueue q;
        q.push(text("n"));
        q.push(text("ext"));
        q.push(key(kEnter, true));
        CHECK(q.take_frame(false).empty());  // no field active: it waits
        CHECK(q.take_frame(false).empty());
        const auto frame = q.take_frame(true);  // the field took the keyboard
        REQUIRE(frame.size() == 2);
        CHECK(frame[0].text == "n");
        CHECK(q.take_frame(false).size() == 1);  // a key does not wait
    }

    TEST_CASE("text typed with no field to type into goes on after the wait, and later events flow") {
        InputEventQueue q;
        q.push(text("x"));
        q.push(key(kTab, true));
        for (int i = 0; i < InputEventQueue::kMaxTextWaitFrames; ++i) CHECK(q.take_frame(false).empty());
        CHECK(q.take_frame(false).size() == 1);  // released (ImGui drops it)
        CHECK(q.take_frame(false).size() == 1);  // Tab
        CHECK(q.empty());
    }
}
