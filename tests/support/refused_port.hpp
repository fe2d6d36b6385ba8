#pragma once
// A port on 127.0.0.1 that refuses connections for as long as this object lives: a socket bound
// to it and never listening. A port a server listened on and closed would not do: with tests
// running in parallel, another process may take it, or a connect to it from the ephemeral range
// may pick it as its own source port and connect to itself (TCP's simultaneous open).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>

namespace parity::test {

class RefusedPort {
 public:
  RefusedPort() : socket_(io_, boost::asio::ip::tcp::v4()) {
    socket_.bind({boost::asio::ip::make_address("127.0.0.1"), 0});
  }
  unsigned short port() const { return socket_.local_endpoint().port(); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

 private:
  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace parity::test
