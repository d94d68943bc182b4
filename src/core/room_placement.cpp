// See room_placement.hpp.
#include "core/room_placement.hpp"

#include <algorithm>

namespace posemeet {

RoomPlacement::RoomPlacement(std::size_t threads) : load_(std::max<std::size_t>(threads, 1), 0) {}

std::size_t RoomPlacement::least_loaded() const {
    // The first of equals: placement is predictable (and testable).
    return static_cast<std::size_t>(std::min_element(load_.begin(), load_.end()) - load_.begin());
}

std::size_t RoomPlacement::place(const std::string& room_id) {
    std::size_t thread = 0;
    if (room_id.empty()) {
        thread = least_loaded();
    } else {
        auto [it, fresh] = rooms_.try_emplace(room_id);
        if (fresh) it->second.thread = least_loaded();
        ++it->second.connections;
        thread = it->second.thread;
    }
    ++load_[thread];
    return thread;
}

void RoomPlacement::release(const std::string& room_id, std::size_t thread) {
    if (!room_id.empty()) {
        auto it = rooms_.find(room_id);
        if (it == rooms_.end()) return;  // never placed
        if (--it->second.connections == 0) rooms_.erase(it);
    }
    if (thread < load_.size() && load_[thread] > 0) --load_[thread];
}

std::size_t RoomPlacement::rooms_on(std::size_t thread) const {
    std::size_t n = 0;
    for (const auto& [id, placed] : rooms_) n += placed.thread == thread ? 1 : 0;
    return n;
}

std::optional<std::size_t> RoomPlacement::thread_of(const std::string& room_id) const {
    auto it = rooms_.find(room_id);
    if (it == rooms_.end()) return std::nullopt;
    return it->second.thread;
}

}  // namespace posemeet
