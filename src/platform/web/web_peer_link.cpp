// See web_peer_link.hpp. JS calls back through static trampolines with the link as user
// data; the destructor closes the JS side first, which marks it deleted so no callback
// can arrive afterwards. Strings and bytes JS hands over are only valid during the call.
#include "platform/web/web_peer_link.hpp"

#include <string>

extern "C" {
int pm_rtc_available();
int pm_rtc_create(void* user_data, const char* remote_user_id, void (*on_signal)(void*, const char*), void (*on_open)(void*),
                  void (*on_message)(void*, const std::uint8_t*, int), void (*on_failed)(void*, const char*));
void pm_rtc_start(int id, int offerer);
void pm_rtc_signal(int id, const char* json);
int pm_rtc_send(int id, const std::uint8_t* data, int size);
int pm_rtc_is_open(int id);
void pm_rtc_close(int id);
}

namespace posemeet::web {
namespace {

class WebPeerLink final : public PeerLink {
public:
    explicit WebPeerLink(Handlers h) : handlers_(std::move(h)) {
        id_ = pm_rtc_create(this, handlers_.remote_user_id.c_str(), &WebPeerLink::signal_cb, &WebPeerLink::open_cb,
                            &WebPeerLink::message_cb, &WebPeerLink::failed_cb);
    }
    ~WebPeerLink() override { pm_rtc_close(id_); }

    void start(bool offerer) override { pm_rtc_start(id_, offerer ? 1 : 0); }
    void apply_remote_signal(const protocol::Json& signal) override {
        pm_rtc_signal(id_, signal.dump().c_str());
    }
    // False when the packet was not sent: the channel is not open, or (while is_open())
    // it was backed up and the packet was dropped rather than queued.
    bool send(const std::uint8_t* data, std::size_t size) override {
        return static_cast<RtcSendResult>(pm_rtc_send(id_, data, static_cast<int>(size))) == RtcSendResult::Sent;
    }
    bool is_open() const override { return pm_rtc_is_open(id_) != 0; }

private:
    static void signal_cb(void* self, const char* json) {
        auto j = protocol::Json::parse(json, nullptr, false);
        auto* link = static_cast<WebPeerLink*>(self);
        if (!j.is_discarded() && link->handlers_.on_local_signal) link->handlers_.on_local_signal(j);
    }
    static void open_cb(void* self) {
        auto* link = static_cast<WebPeerLink*>(self);
        if (link->handlers_.on_open) link->handlers_.on_open();
    }
    static void message_cb(void* self, const std::uint8_t* data, int size) {
        auto* link = static_cast<WebPeerLink*>(self);
        if (link->handlers_.on_message) link->handlers_.on_message(data, static_cast<std::size_t>(size));
    }
    static void failed_cb(void* self, const char* reason) {
        auto* link = static_cast<WebPeerLink*>(self);
        if (link->handlers_.on_failed) link->handlers_.on_failed(reason);
    }

    Handlers handlers_;
    int id_ = 0;  // 0 when the browser refused the connection: every call is then a no-op
};

}  // namespace

bool WebPeerLinkFactory::browser_supports_webrtc() { return pm_rtc_available() != 0; }

std::unique_ptr<PeerLink> WebPeerLinkFactory::create(PeerLink::Handlers handlers) {
    return std::make_unique<WebPeerLink>(std::move(handlers));
}

}  // namespace posemeet::web
