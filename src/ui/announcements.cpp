// See announcements.hpp.
#include "ui/announcements.hpp"

#include <algorithm>

namespace posemeet::ui {
namespace {

std::string chat_sentence(const ChatLine& c) {
    if (c.mine) return {};  // you know what you wrote
    return c.to.empty() ? c.from + " says: " + c.text : c.from + " to you, privately: " + c.text;
}

std::string chat_key(const ChatLine& c) { return c.from + '\n' + c.to + '\n' + c.text; }

}  // namespace

std::vector<std::string> Announcements::update(const MeetingView& view) {
    std::vector<std::string> out;
    const bool joined = view.status == "joined";
    const bool was_joined = status_ == "joined";
    // Where you are.
    if (view.status != status_) {
        if (joined && status_ == "reconnecting") out.push_back("Reconnected.");
        else if (joined) out.push_back("You joined the meeting " + view.room_name + ".");
        else if (view.status == "reconnecting") out.push_back(view.error.empty() ? "Reconnecting." : view.error);
        else if (view.status == "ended") out.push_back("The meeting has ended.");
        else if (view.status == "failed" && !view.error.empty()) out.push_back(view.error);
        else if (view.status == "idle" && was_joined) out.push_back("You left the meeting.");
    }
    // Who came and went: not on the first sight of a room (everyone already there).
    std::vector<std::pair<std::string, std::string>> members;
    for (const TileView& t : view.tiles)
        if (!t.is_self) members.emplace_back(t.user_id, t.name);
    const bool same_meeting = joined && was_joined && view.room_name == room_;
    if (same_meeting) {
        for (const auto& m : members)
            if (std::none_of(members_.begin(), members_.end(), [&](const auto& o) { return o.first == m.first; }))
                out.push_back(m.second + " joined.");
        for (const auto& o : members_)
            if (std::none_of(members.begin(), members.end(), [&](const auto& m) { return m.first == o.first; }))
                out.push_back(o.second + " left.");
    }
    // New chat lines (the history that comes with joining is not read out).
    if (same_meeting || (joined && status_ == "reconnecting")) {
        std::size_t first_new = view.chat.size();
        if (view.chat.size() > chat_count_) first_new = chat_count_;
        else if (!view.chat.empty() && chat_key(view.chat.back()) != last_chat_) first_new = view.chat.size() - 1;
        for (std::size_t i = first_new; i < view.chat.size(); ++i)
            if (const std::string s = chat_sentence(view.chat[i]); !s.empty()) out.push_back(s);
    }
    // What happened to you (the toasts), each once while it is on screen.
    std::set<std::string> toasts(view.toasts.begin(), view.toasts.end());
    for (const std::string& t : view.toasts)
        if (!toasts_.count(t)) out.push_back(t);

    status_ = view.status;
    room_ = view.room_name;
    members_ = std::move(members);
    chat_count_ = view.chat.size();
    last_chat_ = view.chat.empty() ? std::string() : chat_key(view.chat.back());
    toasts_ = std::move(toasts);
    return out;
}

}  // namespace posemeet::ui
