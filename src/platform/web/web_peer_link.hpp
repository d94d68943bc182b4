// PeerLink/PeerLinkFactory over the browser's RTCPeerConnection (library_webrtc.js).
#pragma once

#include "client/platform_services.hpp"

namespace posemeet::web {

class WebPeerLinkFactory final : public PeerLinkFactory {
public:
    static bool browser_supports_webrtc();
    std::unique_ptr<PeerLink> create(PeerLink::Handlers handlers) override;
};

}  // namespace posemeet::web
