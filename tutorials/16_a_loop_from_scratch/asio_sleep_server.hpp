#pragma once
// Lesson 16's server again, on the project's loop (common/loop, an asio::io_context) instead of
// the toy: the same callbacks, the same parse and barrier (sleep_server.hpp), Asio's sockets and
// parity::Loop::call_later where the toy had epoll and its heap.

#include "common/loop/loop.hpp"
#include "tutorials/16_a_loop_from_scratch/sleep_server.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <memory>

namespace parity::tutorials {

class AsioSleepServer {
 public:
  // Listens on a free port of 127.0.0.1. Destroy it only once its loop has stopped.
  explicit AsioSleepServer(Loop& loop, int together = 0, toy::Limits limits = {});
  int port() const { return port_; }
  const toy::Waits& waits() const { return waits_; }

 private:
  struct Connection {
    explicit Connection(asio::ip::tcp::socket s, std::shared_ptr<std::size_t> c)
        : socket(std::move(s)), count(std::move(c)) {
      ++*count;
    }
    ~Connection() { --*count; }
    asio::ip::tcp::socket socket;
    std::shared_ptr<std::size_t> count;  // shared: a handler may outlive the server
    std::array<char, 1024> buffer;
    std::string in, out;
    bool waiting = false;
    bool refused = false;
  };
  void accept();
  void read(std::shared_ptr<Connection> connection);
  void answer(std::shared_ptr<Connection> connection, int status, std::string body);

  Loop& loop_;
  toy::Limits limits_;
  toy::Waits waits_;
  asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::shared_ptr<std::size_t> connections_ = std::make_shared<std::size_t>(0);
};

}  // namespace parity::tutorials
