// See listener.hpp.
#include "server/listener.hpp"

#include "server/http_session.hpp"
#include "server/log.hpp"

namespace posemeet::server {

listener::listener(net::io_context& ioc, signaling_hub& hub, const ServerConfig& config,
                   MediaThreads& media)
    : ioc_(ioc),
      acceptor_(ioc),
      retry_timer_(ioc),
      hub_(hub),
      config_(config),
      media_(media) {}

bool listener::open(std::string& error) {
    error_code ec;
    tcp::endpoint endpoint;
    const auto address = net::ip::make_address(config_.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, config_.port);
    } else {
        tcp::resolver resolver(ioc_);
        const auto results = resolver.resolve(config_.host, std::to_string(config_.port),
                                              tcp::resolver::passive, ec);
        if (ec || results.empty()) {
            error = "cannot resolve host '" + config_.host + "': " + (ec ? ec.message() : "no address");
            return false;
        }
        endpoint = results.begin()->endpoint();
    }
    const auto fail = [&](const char* what) {
        error = std::string(what) + " " + endpoint.address().to_string() + ":" +
                std::to_string(endpoint.port()) + ": " + ec.message();
        error_code ignored;
        acceptor_.close(ignored);
        return false;
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) return fail("cannot open a socket for");
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return fail("cannot set SO_REUSEADDR on");
    acceptor_.bind(endpoint, ec);
    if (ec) return fail("cannot bind");
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) return fail("cannot listen on");
    return true;
}

tcp::endpoint listener::local_endpoint() const {
    error_code ec;
    return acceptor_.local_endpoint(ec);
}

void listener::run() { do_accept(); }

void listener::stop() {
    stopped_ = true;
    error_code ignored;
    retry_timer_.cancel();
    acceptor_.close(ignored);
}

void listener::do_accept() {
    if (stopped_) return;
    acceptor_.async_accept(ioc_, beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(error_code ec, tcp::socket socket) {
    if (stopped_) return;
    if (ec) {
        if (ec == net::error::operation_aborted) return;
        log_warn(std::string("accept failed: ") + ec.message());
        retry_timer_.expires_after(std::chrono::milliseconds(100));
        retry_timer_.async_wait([self = shared_from_this()](error_code e) {
            if (!e) self->do_accept();
        });
        return;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // small control and pose messages
    std::make_shared<http_session>(std::move(socket), hub_, config_, media_)->run();
    do_accept();
}

}  // namespace posemeet::server
