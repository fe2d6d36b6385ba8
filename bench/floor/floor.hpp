#pragma once
// The floor: the least Boost.Beast can do for a hello. One loop thread, keep-alive, a fixed body,
// no routing, no logging, no handler objects. Every style's /hello is measured against it, so the
// style's cost shows as a ratio, whatever this machine's speed is today.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <thread>

namespace parity::bench {

// Serves `Hello, world` to any request on 127.0.0.1:port (0: any free port) once `context` runs.
class FloorServer {
 public:
  FloorServer(boost::asio::io_context& context, unsigned short port);
  unsigned short port() const { return acceptor_.local_endpoint().port(); }

 private:
  void accept();
  boost::asio::ip::tcp::acceptor acceptor_;
};

// A floor on a thread of its own, for `parity compare`.
class FloorThread {
 public:
  FloorThread() : server_(context_, 0), thread_([this] { context_.run(); }) {}
  ~FloorThread() {
    context_.stop();
    thread_.join();
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }

 private:
  boost::asio::io_context context_{1};
  FloorServer server_;
  std::thread thread_;
};

}  // namespace parity::bench
