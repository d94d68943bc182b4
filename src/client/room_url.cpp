// See room_url.hpp.
#include "client/room_url.hpp"

namespace posemeet {

std::string websocket_url_for_room(std::string_view server_url, std::string_view room_id) {
    std::string url(server_url);
    if (room_id.empty()) return url;
    // A fragment (never sent) would swallow the query: the hint goes before it.
    std::string fragment;
    if (const auto hash = url.find('#'); hash != std::string::npos) {
        fragment = url.substr(hash);
        url.resize(hash);
    }
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += "room=";
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (const char ch : room_id) {
        const auto c = static_cast<unsigned char>(ch);
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            url += ch;
        } else {
            url += '%';
            url += kHex[c >> 4];
            url += kHex[c & 15];
        }
    }
    return url + fragment;
}

}  // namespace posemeet
