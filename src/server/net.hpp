// Boost.Asio / Beast aliases shared by the server files, and the one place that decides
// which I/O errors are "benign" (a peer going away) and so are not logged as failures.
#pragma once

#include <string>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange unincluded

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace posemeet::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

// True for errors that only mean "the other side closed or went away" (or we cancelled).
bool is_benign_error(const error_code& ec);

// "ip:port" of a socket's peer, or "?" when it is no longer connected.
std::string remote_address(const tcp::socket& socket);
// The peer's IP address alone (what per-client limits count by), or "?".
std::string remote_ip(const tcp::socket& socket);
// The peer is this machine (127.0.0.0/8, ::1, or IPv4-mapped loopback).
bool is_loopback_peer(const tcp::socket& socket);

}  // namespace posemeet::server
