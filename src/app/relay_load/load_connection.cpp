// See load_connection.hpp.
#include "app/relay_load/load_connection.hpp"

#include <chrono>
#include <utility>

#include "core/protocol.hpp"

namespace posemeet::relay_load {

namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {
constexpr const char* kJoinRequestId = "join";
}

LoadConnection::LoadConnection(boost::asio::io_context& io, std::string room, std::string user_name,
                               BinaryFn on_binary)
    : ws_(io),
      room_(std::move(room)),
      user_name_(std::move(user_name)),
      on_binary_(std::move(on_binary)) {}

void LoadConnection::start(const LoadEndpoint& endpoint, ReadyFn on_ready) {
    endpoint_ = endpoint;
    on_ready_ = std::move(on_ready);
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(20));
    beast::get_lowest_layer(ws_).async_connect(
        endpoint.address,
        beast::bind_front_handler(&LoadConnection::on_connect, shared_from_this()));
}

void LoadConnection::on_connect(beast::error_code ec) {
    if (ec) return report_ready(false, "connect: " + ec.message());
    beast::get_lowest_layer(ws_).socket().set_option(boost::asio::ip::tcp::no_delay(true));
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
    // The room in the query: the baseline relays by it; our server places the connection
    // on the room's thread by it (the join names the room again).
    const std::string path = endpoint_.target == RelayTarget::Baseline ? "/?room=" + room_
                             : endpoint_.room_hint                     ? "/ws?room=" + room_
                                                                       : "/ws";
    ws_.async_handshake(
        endpoint_.host, path,
        beast::bind_front_handler(&LoadConnection::on_handshake, shared_from_this()));
}

void LoadConnection::on_handshake(beast::error_code ec) {
    if (ec) return report_ready(false, "handshake: " + ec.message());
    beast::get_lowest_layer(ws_).expires_never();
    do_read();
    if (endpoint_.target == RelayTarget::Baseline) return report_ready(true, "");
    // Relay-only members (media_relay) may fill rooms past the peer-to-peer mesh size; mic
    // open so that audio is forwarded too.
    protocol::Json join = {{"v", 1},
                           {"event_name", protocol::event_name(protocol::Event::JoinRoom)},
                           {"request_id", kJoinRequestId},
                           {"content",
                            {{"room_id", room_},
                             {"user_name", user_name_},
                             {"media_relay", 1},
                             {"mic", 1},
                             {"camera", 1}}}};
    enqueue({join.dump(), false});
}

void LoadConnection::do_read() {
    ws_.async_read(buffer_,
                   beast::bind_front_handler(&LoadConnection::on_read, shared_from_this()));
}

void LoadConnection::on_read(beast::error_code ec, std::size_t) {
    if (ec) return report_ready(false, "read: " + ec.message());
    const auto* data = static_cast<const std::uint8_t*>(buffer_.data().data());
    if (ws_.got_binary()) {
        on_binary_(data, buffer_.size());
    } else if (on_ready_) {
        on_join_reply(beast::buffers_to_string(buffer_.data()));
    }  // later text (informs of the others joining) is not measured
    buffer_.consume(buffer_.size());
    do_read();
}

void LoadConnection::on_join_reply(const std::string& text) {
    const auto reply = protocol::Json::parse(text, nullptr, false);
    if (protocol::field_or(reply, "request_id", std::string()) != kJoinRequestId) return;
    const int code = protocol::field_or(reply, "code", 0);
    report_ready(code == 200, "join: " + std::to_string(code) + " " +
                                  protocol::field_or(reply, "message", std::string()));
}

bool LoadConnection::send(std::string message, std::size_t max_queued) {
    if (queue_.size() >= max_queued) return false;
    enqueue({std::move(message), true});
    return true;
}

void LoadConnection::enqueue(Outgoing message) {
    queue_.push_back(std::move(message));
    if (queue_.size() == 1) do_write();
}

void LoadConnection::do_write() {
    ws_.binary(queue_.front().binary);
    ws_.async_write(boost::asio::buffer(queue_.front().data),
                    beast::bind_front_handler(&LoadConnection::on_write, shared_from_this()));
}

void LoadConnection::on_write(beast::error_code ec, std::size_t) {
    if (ec) return report_ready(false, "write: " + ec.message());
    queue_.pop_front();
    if (!queue_.empty()) do_write();
}

void LoadConnection::report_ready(bool ok, const std::string& error) {
    if (!on_ready_) return;  // a later failure of a ready connection shows in the counts
    auto ready = std::move(on_ready_);
    on_ready_ = nullptr;
    ready(ok, error);
}

}  // namespace posemeet::relay_load
