// media_write_window: the relay holds a media thread's writes for --media-write-window-ms,
// on a real io_context and its clock - everything held in one window is written together,
// no sooner than the window after the first hold (so a receiver's packets of that time
// leave in one write), and a writer that holds again while the window closes goes into the
// next window rather than being dropped or written twice.
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/media_write_window.hpp"

using posemeet::server::MediaWriteWindow;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {
// Records when it was told to write; optionally holds itself again from inside the write.
struct RecordingWriter : MediaWriteWindow::Writer {
    std::vector<Clock::time_point> writes;
    MediaWriteWindow* hold_again_in = nullptr;
    std::shared_ptr<RecordingWriter> self;
    std::function<void()> on_write;
    void write_held_media() override {
        writes.push_back(Clock::now());
        if (on_write) on_write();
        if (hold_again_in) {
            hold_again_in->hold(self);
            hold_again_in = nullptr;
        }
    }
};
}  // namespace

TEST_SUITE("media_write_window") {

TEST_CASE("a window of 0 is off") {
    asio::io_context ioc;
    CHECK(!MediaWriteWindow(ioc.get_executor(), 0ms).enabled());
    CHECK(MediaWriteWindow(ioc.get_executor(), 5ms).enabled());
}

TEST_CASE("what is held in one window is written together, once the window has passed") {
    asio::io_context ioc;
    MediaWriteWindow window(ioc.get_executor(), 30ms);
    auto a = std::make_shared<RecordingWriter>(), b = std::make_shared<RecordingWriter>();
    // Whether b was written in the same pass as a: before anything a's write posts runs.
    bool b_in_same_pass = false;
    a->on_write = [&] { asio::post(ioc, [&] { b_in_same_pass = b->writes.size() == 1; }); };
    const auto first_hold = Clock::now();
    window.hold(a);
    // A second receiver's packet comes 10 ms later, still inside the same window.
    asio::steady_timer later(ioc, 10ms);
    later.async_wait([&](auto) { window.hold(b); });
    ioc.run();
    REQUIRE(a->writes.size() == 1);
    REQUIRE(b->writes.size() == 1);
    CHECK(a->writes[0] - first_hold >= 30ms);  // never sooner than the window
    CHECK(b_in_same_pass);
}

TEST_CASE("a writer held again while the window closes is written in the next window") {
    asio::io_context ioc;
    MediaWriteWindow window(ioc.get_executor(), 20ms);
    auto a = std::make_shared<RecordingWriter>();
    a->self = a;
    a->hold_again_in = &window;
    window.hold(a);
    ioc.run();
    a->self.reset();
    REQUIRE(a->writes.size() == 2);
    CHECK(a->writes[1] - a->writes[0] >= 20ms);
}

TEST_CASE("the window keeps a held writer alive until it writes") {
    asio::io_context ioc;
    MediaWriteWindow window(ioc.get_executor(), 5ms);
    auto a = std::make_shared<RecordingWriter>();
    std::weak_ptr<RecordingWriter> watch = a;
    window.hold(std::move(a));
    CHECK(!watch.expired());  // the connection's last other owner may be gone by now
    ioc.run();
    CHECK(watch.expired());   // written, then let go
}

TEST_CASE("a thread busy past its window's end: the window tells how late it closed") {
    asio::io_context ioc;
    MediaWriteWindow window(ioc.get_executor(), 5ms);
    CHECK(window.late_ms() == 0);  // no window has closed yet
    auto a = std::make_shared<RecordingWriter>();
    window.hold(a);
    // The thread is busy with other handlers for 120 ms (what a backlog of reads does).
    asio::post(ioc, [] { std::this_thread::sleep_for(120ms); });
    ioc.run();
    REQUIRE(a->writes.size() == 1);
    CHECK(window.late_ms() >= 100);  // at least 120 - 5 ms late
}

}  // TEST_SUITE
