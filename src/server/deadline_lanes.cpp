// See deadline_lanes.hpp.
#include "server/deadline_lanes.hpp"

namespace posemeet::server {

DeadlineLanes::DeadlineLanes(std::vector<Clock::duration> delays) {
    lanes_.reserve(delays.size());
    for (const auto delay : delays) lanes_.push_back(Lane{delay});
}

void DeadlineLanes::arm(Hook& hook, std::size_t lane_index, Clock::time_point now) {
    cancel(hook);
    Lane& lane = lanes_[lane_index];
    hook.at_ = now + lane.delay;
    hook.lane_ = static_cast<std::uint8_t>(lane_index);
    hook.prev_ = lane.tail;
    hook.next_ = nullptr;
    (lane.tail ? lane.tail->next_ : lane.head) = &hook;
    lane.tail = &hook;
    ++armed_;
}

void DeadlineLanes::cancel(Hook& hook) {
    if (!hook.armed()) return;
    Lane& lane = lanes_[hook.lane_];
    (hook.prev_ ? hook.prev_->next_ : lane.head) = hook.next_;
    (hook.next_ ? hook.next_->prev_ : lane.tail) = hook.prev_;
    hook.prev_ = hook.next_ = nullptr;
    hook.lane_ = Hook::kNotArmed;
    --armed_;
}

DeadlineLanes::Hook* DeadlineLanes::earliest_hook() const {
    Hook* best = nullptr;
    for (const Lane& lane : lanes_)
        if (lane.head && (!best || lane.head->at_ < best->at_)) best = lane.head;
    return best;
}

std::optional<DeadlineLanes::Clock::time_point> DeadlineLanes::earliest() const {
    const Hook* hook = earliest_hook();
    return hook ? std::optional(hook->at_) : std::nullopt;
}

DeadlineLanes::Hook* DeadlineLanes::pop_due(Clock::time_point now) {
    Hook* hook = earliest_hook();
    if (!hook || hook->at_ > now) return nullptr;
    cancel(*hook);
    return hook;
}

}  // namespace posemeet::server
