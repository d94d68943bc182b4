// camera: the camera follows the room's record of our camera (whoever changed it), a
// camera that cannot be used turns our camera off in the room and keeps saying why, each
// camera estimate is sent once stamped with its capture time, and avatars with nothing
// driving them rest in the idle pose. Driven through the fake server of
// session_test_support.hpp and a scripted camera device.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "client/camera_control.hpp"
#include "client/camera_pose_source.hpp"
#include "core/idle_pose.hpp"
#include "core/pose_stream_codec.hpp"
#include "session_test_support.hpp"

using namespace posemeet;
using namespace posemeet::test;

namespace {

// Plays the platform's camera: records what it was asked and reports what the test says.
class ScriptedCamera final : public CameraDevice {
public:
    int starts = 0, stops = 0;
    double rate = 0;
    CameraDeviceState now;

    void start(const std::string& device_id, double rate_hz) override {
        ++starts;
        rate = rate_hz;
        now = {};
        now.device = device_id;
        now.state = CameraState::Starting;
    }
    void stop() override {
        ++stops;
        now.state = CameraState::Off;
        now.message.clear();
    }
    void set_rate(double rate_hz) override { rate = rate_hz; }
    CameraDeviceState state() const override { return now; }
    void report(CameraState s) {
        now.state = s;
        now.message = camera_message(s, "");
    }
};

struct CameraHarness {
    Harness h;
    ScriptedCamera device;
    CameraPoseSource source;
    CameraControl control{h.session, device, source, /*demo_avatar=*/false};

    CameraHarness() {
        h.session.set_pose_source_factory([this](const std::string& id) { return control.make_pose_source(id); });
    }
    void tick() {
        h.session.tick();
        control.tick();
    }
    int camera_off_requests() const {
        int n = 0;
        for (const auto& t : h.socket.sent_text) {
            const auto j = protocol::Json::parse(t);
            if (j["event_name"] == "vcOperateSelfCamera" && j["content"]["operate"] == 0) ++n;
        }
        return n;
    }
    std::size_t pose_frames_sent() const { return h.socket.sent_binary.size(); }
};

Pose pose_with_nose_at(float x) {
    Pose p = idle_pose(0);
    p[Landmark::Nose].x = x;
    return p;
}

}  // namespace

TEST_SUITE_BEGIN("camera");

TEST_CASE("the camera opens while the room says our camera is on, and closes when the host turns it off") {
    CameraHarness c;
    c.h.join_as_me({"u-host"});  // joins with camera 1 (join_req)
    c.tick();
    CHECK(c.device.starts == 1);
    c.device.report(CameraState::On);
    c.tick();
    CHECK(c.device.starts == 1);  // not restarted while it runs

    // The host (first member) turns our camera off: the device is released.
    Outcome off = c.h.room.operate_other_device("u-host", "u-me", Device::Camera, 0);
    REQUIRE(off.code == protocol::ErrorCode::Ok);
    c.h.deliver(off);
    c.tick();
    CHECK(c.device.stops == 1);
    CHECK(c.control.state().state == CameraState::Off);
    CHECK_FALSE(c.control.running());
}

TEST_CASE("a denied camera turns our camera off in the room once and keeps its message") {
    CameraHarness c;
    c.h.join_as_me({});
    c.tick();
    REQUIRE(c.device.starts == 1);
    c.device.report(CameraState::Denied);
    c.tick();
    c.tick();
    CHECK(c.camera_off_requests() == 1);
    // Unanswered (say it crossed a "camera on" in flight): asked again a second later.
    c.h.clock.now += 1000;
    c.tick();
    CHECK(c.camera_off_requests() == 2);
    // The room answers: camera off. The device is released, and the reason stays.
    Outcome off = c.h.room.operate_self_device("u-me", Device::Camera, 0);
    c.h.deliver(off);
    c.tick();
    CHECK(c.device.stops == 1);
    CHECK(c.control.state().state == CameraState::Denied);
    CHECK(c.control.state().message.find("blocked") != std::string::npos);
    // Trying again (camera on in the room) starts the device again and clears the reason.
    c.h.deliver(c.h.room.operate_self_device("u-me", Device::Camera, 1));
    c.tick();
    CHECK(c.device.starts == 2);
    CHECK(c.control.state().state == CameraState::Starting);
}

TEST_CASE("turning the camera off releases it at the click, before the room answers") {
    CameraHarness c;
    c.h.join_as_me({});
    c.tick();
    c.device.report(CameraState::On);
    c.source.push(pose_with_nose_at(0.4f), c.h.clock.media_time_ms());
    c.control.release_now();
    CHECK(c.device.stops == 1);
    CHECK_FALSE(c.source.pose_at_media_time(c.h.clock.media_time_ms()));  // nothing left to send
    c.tick();
    CHECK(c.device.starts == 1);  // the room still says on, but we do not reopen it
    c.h.deliver(c.h.room.operate_self_device("u-me", Device::Camera, 0));
    c.tick();
    c.h.deliver(c.h.room.operate_self_device("u-me", Device::Camera, 1));
    c.tick();
    CHECK(c.device.starts == 2);  // a later "on" opens it again
}

TEST_CASE("each camera estimate is sent once, stamped with its capture time") {
    CameraHarness c;
    c.h.join_as_me({"u-other"});
    c.tick();
    c.device.report(CameraState::On);
    const std::size_t before = c.pose_frames_sent();
    const std::uint32_t captured = c.h.clock.media_time_ms() - 70;  // estimated 70 ms after capture
    c.source.push(pose_with_nose_at(0.42f), captured);
    c.h.run(200);  // six 30 Hz send slots
    REQUIRE(c.pose_frames_sent() == before + 1);
    const Bytes& frame = c.h.socket.sent_binary.back();
    auto relay = parse_relay_frame(frame.data(), frame.size());
    REQUIRE(relay.frame);
    auto packet = parse_media_packet(relay.frame->packet, relay.frame->packet_size);
    REQUIRE(packet.packet);
    CHECK(packet.packet->header.timestamp_ms == captured);
    PoseStreamDecoder decoder;
    auto pose = decoder.decode(packet.packet->header.sequence, packet.packet->header.timestamp_ms,
                               packet.packet->payload, packet.packet->payload_size);
    REQUIRE(pose.status == PoseStreamDecoder::Status::Decoded);
    CHECK(pose.pose[Landmark::Nose].x == doctest::Approx(0.42f).epsilon(0.01));
}

TEST_CASE("the camera seeing nobody, or a stale estimate, sends nothing and shows no pose") {

    CameraPoseSource s;
    s.push(pose_with_nose_at(0.5f), 10'000);
    CHECK(s.pose_at_media_time(10'500));
    CHECK_FALSE(s.pose_at_media_time(10'000 + CameraPoseSource::kStaleAfterMs + 1));
    s.push_nobody(10'600);
    CHECK_FALSE(s.pose_at_media_time(10'600));
    CHECK_FALSE(s.next_pose_to_send(10'600));
    // Across the 32-bit media clock's wrap.
    s.push(pose_with_nose_at(0.5f), 0xFFFFFF00u);
    CHECK(s.pose_at_media_time(0x00000010u));
}

TEST_CASE("the demo avatar sends synthetic motion without a camera") {
    CameraHarness c;
    c.control.set_demo_avatar(true);
    c.h.join_as_me({"u-other"});
    c.tick();
    CHECK(c.device.starts == 0);  // no camera is used
    const std::size_t before = c.pose_frames_sent();
    c.h.run(1000);
    CHECK(c.pose_frames_sent() - before >= 25);  // ~30 poses a second
    // Camera off in the room: the demo avatar rests too.
    c.h.deliver(c.h.room.operate_self_device("u-me", Device::Camera, 0));
    c.tick();
    const std::size_t resting = c.pose_frames_sent();
    c.h.run(500);
    CHECK(c.pose_frames_sent() == resting);
    CHECK_FALSE(c.h.session.local_pose());
}

TEST_CASE("the idle pose is a calm upright figure that only breathes") {
    const Pose a = idle_pose(0), b = idle_pose(2000);
    // Upright: head above shoulders above hips above ankles; left on the image's right.
    CHECK(a[Landmark::Nose].y < a[Landmark::LeftShoulder].y);
    CHECK(a[Landmark::LeftShoulder].y < a[Landmark::LeftHip].y);
    CHECK(a[Landmark::LeftHip].y < a[Landmark::LeftAnkle].y);
    CHECK(a[Landmark::LeftShoulder].x > a[Landmark::RightShoulder].x);
    // Breathing moves the chest a little, never the feet.
    float largest = 0;
    for (int i = 0; i < kLandmarkCount; ++i)
        largest = std::max(largest, std::abs(a.landmarks[i].y - b.landmarks[i].y));
    CHECK(largest > 0.001f);
    CHECK(largest < 0.01f);
    CHECK(a[Landmark::LeftAnkle].y == b[Landmark::LeftAnkle].y);
}

TEST_CASE("camera states have words, and the page's names map back") {
    for (CameraState s : {CameraState::Denied, CameraState::NoCamera, CameraState::Busy, CameraState::ModelFailed,
                          CameraState::NeedsHttp}) {
        CHECK(camera_failed(s));
        CHECK_FALSE(camera_message(s, "").empty());
        CHECK(camera_state_from_name(to_string(s)) == s);
    }
    CHECK(camera_state_from_name("something new") == CameraState::Error);
    CHECK(camera_message(CameraState::NeedsHttp, "").find("http") != std::string::npos);
}

TEST_SUITE_END();
