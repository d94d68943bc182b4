// What a screen reader should say as the meeting changes: someone joined or left, a chat
// message came in, something happened to you (the host muted you, the meeting ended, the
// connection dropped). The canvas is silent to assistive technology, so the page reads
// these out through an ARIA live region (web/posemeet-api.js). Pure: compares each frame's
// MeetingView with the last one; unit-tested natively (tests/unit/announcements_test.cpp).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ui/meeting_view.hpp"

namespace posemeet::ui {

class Announcements {
public:
    // The sentences to say since the last call, oldest first.
    std::vector<std::string> update(const MeetingView& view);

private:
    std::string status_;
    std::string room_;
    std::vector<std::pair<std::string, std::string>> members_;  // id, name (others only)
    std::size_t chat_count_ = 0;
    std::string last_chat_;
    std::set<std::string> toasts_;  // on screen at the last call
};

}  // namespace posemeet::ui
