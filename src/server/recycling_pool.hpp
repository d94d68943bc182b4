// A bounded free list of objects that are needed only while something is in progress (a
// WebSocket write's batch and buffers): a connection takes one when it starts and gives it
// back when it goes idle, so idle connections hold none and busy ones reuse the memory of
// those that went before instead of allocating it again. Single-threaded (one per I/O thread).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace posemeet::server {

template <class T>
class RecyclingPool {
public:
    // Keeps at most `max_kept` objects for reuse; more given back are freed.
    explicit RecyclingPool(std::size_t max_kept) : max_kept_(max_kept) {}

    // One kept earlier (in the state it was given back in), or a new one.
    std::unique_ptr<T> take() {
        if (kept_.empty()) return std::make_unique<T>();
        std::unique_ptr<T> object = std::move(kept_.back());
        kept_.pop_back();
        return object;
    }
    // The caller resets what must not be seen by the next taker before giving it back.
    void give_back(std::unique_ptr<T> object) {
        if (object && kept_.size() < max_kept_) kept_.push_back(std::move(object));
    }
    std::size_t kept() const { return kept_.size(); }

private:
    std::size_t max_kept_;
    std::vector<std::unique_ptr<T>> kept_;
};

}  // namespace posemeet::server
