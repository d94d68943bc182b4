// signaling_hub::on_session_thread, the one way anything reaches a session from wherever it
// runs (server/signaling_hub.hpp, "Threads"): a template, so that its callers (the hub's
// control path and its media path) pass their actions without a std::function allocation.
#pragma once

#include <memory>
#include <utility>

#include "server/media_threads.hpp"
#include "server/signaling_hub.hpp"
#include "server/websocket_session.hpp"

namespace posemeet::server {

template <class Action>
void signaling_hub::on_session_thread(std::weak_ptr<websocket_session> session, std::size_t thread, Action&& action) {
    if (MediaThreads::current() == thread) {
        if (auto s = session.lock()) action(*s);
        return;
    }
    net::post(media_executors_[thread], [session = std::move(session), action = std::forward<Action>(action)]() mutable {
        if (auto s = session.lock()) action(*s);
    });
}

}  // namespace posemeet::server
