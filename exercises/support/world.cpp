#include "exercises/support/world.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace parity::exercises {

std::string closed_upstream() {
  asio::io_context io;
  asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
  return "http://127.0.0.1:" + std::to_string(probe.local_endpoint().port());
}

}  // namespace parity::exercises
