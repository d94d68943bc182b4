// A first-in first-out list that allocates nothing until its first push. std::deque
// allocates ~600 bytes as it is made, and the server keeps such queues per connection and
// per member (the outgoing queue's pose and audio FIFOs, each member's event inbox): on an
// idle connection that was most of their memory. Pops move a head index; the storage is
// compacted when the head passes its half (O(1) amortised), and given back when it empties
// after having grown past kKeptCapacity, so a burst does not pin its memory to an idle queue.
#pragma once

#include <cstddef>
#include <iterator>
#include <utility>
#include <vector>

namespace posemeet {

template <class T>
class LazyFifo {
public:
    // Emptied with at most this many slots allocated, the storage is kept for the next push.
    static constexpr std::size_t kKeptCapacity = 64;

    using const_iterator = typename std::vector<T>::const_iterator;

    bool empty() const { return head_ == items_.size(); }
    std::size_t size() const { return items_.size() - head_; }
    const T& front() const { return items_[head_]; }
    const T& back() const { return items_.back(); }
    // Oldest first.
    const_iterator begin() const { return items_.begin() + static_cast<std::ptrdiff_t>(head_); }
    const_iterator end() const { return items_.end(); }
    // Whether any storage is allocated (tests, and what an idle queue costs).
    bool holds_memory() const { return items_.capacity() > 0; }

    void push_back(T item) { items_.push_back(std::move(item)); }
    void pop_front() {
        if (++head_ == items_.size()) {
            if (items_.capacity() > kKeptCapacity)
                std::vector<T>().swap(items_);
            else
                items_.clear();
            head_ = 0;
        } else if (head_ * 2 >= items_.size()) {
            items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    // Moves every item out, oldest first, and empties the list (its storage given back).
    std::vector<T> take_all() {
        std::vector<T> out;
        if (head_ == 0) {
            out.swap(items_);
        } else {
            out.assign(std::make_move_iterator(begin_mutable()),
                       std::make_move_iterator(items_.end()));
            std::vector<T>().swap(items_);
        }
        head_ = 0;
        return out;
    }
    void clear() {
        std::vector<T>().swap(items_);
        head_ = 0;
    }

private:
    typename std::vector<T>::iterator begin_mutable() {
        return items_.begin() + static_cast<std::ptrdiff_t>(head_);
    }

    std::vector<T> items_;
    std::size_t head_ = 0;
};

}  // namespace posemeet
