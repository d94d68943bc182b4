// PeerLink/PeerLinkFactory over the browser's RTCPeerConnection (JS half: library_webrtc.js).
// A WebPeerLink's send() returns false while is_open() is true when the data channel was
// backed up and the packet was dropped (not queued): callers count that as back-pressure.
#pragma once

#include "client/platform_services.hpp"

namespace posemeet::web {

// X(enumerator, value): what pm_rtc_send reports. Mirrored, names and values, by the
// SendResult table in library_webrtc.js (tests/unit/web_glue_tables_test.cpp checks it).
#define POSEMEET_RTC_SEND_RESULTS(X) \
    X(NotOpen, 0)                    \
    X(Sent, 1)                       \
    X(Dropped, 2)

enum class RtcSendResult : int {
#define POSEMEET_RTC_SEND_RESULT_ENUMERATOR(name, value) name = value,
    POSEMEET_RTC_SEND_RESULTS(POSEMEET_RTC_SEND_RESULT_ENUMERATOR)
#undef POSEMEET_RTC_SEND_RESULT_ENUMERATOR
};

class WebPeerLinkFactory final : public PeerLinkFactory {
public:
    static bool browser_supports_webrtc();
    std::unique_ptr<PeerLink> create(PeerLink::Handlers handlers) override;
};

}  // namespace posemeet::web
