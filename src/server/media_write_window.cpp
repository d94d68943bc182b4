// See media_write_window.hpp.
#include "server/media_write_window.hpp"

namespace posemeet::server {

MediaWriteWindow::MediaWriteWindow(net::any_io_executor executor, std::chrono::milliseconds window)
    : window_(window), timer_(std::move(executor)) {}

void MediaWriteWindow::hold(std::shared_ptr<Writer> writer) {
    held_.push_back(std::move(writer));
    if (open_) return;
    open_ = true;
    closes_at_ = std::chrono::steady_clock::now() + window_;
    timer_.expires_at(closes_at_);
    // A wait cancelled by this object's end (with its media thread's lane) touches nothing.
    timer_.async_wait([this](error_code ec) {
        if (ec != net::error::operation_aborted) close_window();
    });
}

void MediaWriteWindow::close_window() {
    open_ = false;
    using std::chrono::duration_cast, std::chrono::milliseconds;
    const auto now = std::chrono::steady_clock::now();
    late_ms_.store(duration_cast<milliseconds>(now - closes_at_).count(), std::memory_order_relaxed);
    closed_at_ms_.store(duration_cast<milliseconds>(now.time_since_epoch()).count(), std::memory_order_relaxed);
    // Writing may hold a session again (a write that completes at once and finds more): into
    // the next window, not this one.
    writing_.swap(held_);
    for (auto& writer : writing_) writer->write_held_media();
    writing_.clear();
}

}  // namespace posemeet::server
