// See net.hpp.
#include "server/net.hpp"

namespace posemeet::server {

bool is_benign_error(const error_code& ec) {
    return ec == net::error::operation_aborted || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::connection_aborted ||
           ec == net::error::broken_pipe || ec == net::error::not_connected ||
           ec == net::error::bad_descriptor || ec == websocket::error::closed ||
           ec == http::error::end_of_stream || ec == http::error::partial_message ||
           ec == beast::error::timeout;
}

std::string remote_address(const tcp::socket& socket) {
    error_code ec;
    const auto ep = socket.remote_endpoint(ec);
    if (ec) return "?";
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

std::string remote_ip(const tcp::socket& socket) {
    error_code ec;
    const auto ep = socket.remote_endpoint(ec);
    return ec ? "?" : ep.address().to_string();
}

bool is_loopback_peer(const tcp::socket& socket) {
    error_code ec;
    const auto address = socket.remote_endpoint(ec).address();
    if (ec) return false;
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()).is_loopback();
    return address.is_loopback();
}

}  // namespace posemeet::server
