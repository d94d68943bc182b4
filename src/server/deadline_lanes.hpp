// The deadlines of many waiters, kept so that one timer serves them all (every WebSocket
// session's idle ticks and close timeouts: server/session_timers.hpp). Each lane has one
// fixed delay, so a lane armed in time order stays sorted by deadline: arming, cancelling
// and finding the earliest deadline are O(1) per lane, with no allocation (the links live
// in the waiter, a Hook). No I/O and no clock: the caller passes the time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace posemeet::server {

class DeadlineLanes {
public:
    using Clock = std::chrono::steady_clock;

    // What a waiter embeds. Not copyable: the lanes point at it while it is armed, so the
    // waiter cancels it before it goes.
    class Hook {
    public:
        Hook() = default;
        Hook(const Hook&) = delete;
        Hook& operator=(const Hook&) = delete;
        bool armed() const { return lane_ != kNotArmed; }
        Clock::time_point deadline() const { return at_; }

    private:
        friend class DeadlineLanes;
        static constexpr std::uint8_t kNotArmed = 0xff;
        Hook* prev_ = nullptr;
        Hook* next_ = nullptr;
        Clock::time_point at_{};
        std::uint8_t lane_ = kNotArmed;
    };

    // One lane per delay (at most 255).
    explicit DeadlineLanes(std::vector<Clock::duration> delays);

    // `hook` falls due `delay` of `lane` after `now`; an earlier arming is cancelled. `now`
    // never goes back between calls (a steady clock), which keeps each lane sorted.
    void arm(Hook& hook, std::size_t lane, Clock::time_point now);
    void cancel(Hook& hook);
    // The earliest deadline armed, if any.
    std::optional<Clock::time_point> earliest() const;
    // The hook with the earliest deadline if it is due at `now`, disarmed; else nullptr.
    Hook* pop_due(Clock::time_point now);
    std::size_t armed() const { return armed_; }

private:
    struct Lane {
        Clock::duration delay;
        Hook* head = nullptr;  // earliest
        Hook* tail = nullptr;
    };
    // The head of the lane whose head falls due first; nullptr when nothing is armed.
    Hook* earliest_hook() const;

    std::vector<Lane> lanes_;
    std::size_t armed_ = 0;
};

}  // namespace posemeet::server
