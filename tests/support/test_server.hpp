#pragma once
// A server on port 0 with its own loop on background threads, for tests over real sockets.

#include "common/http/server.hpp"

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace parity::test {

class TestServer {
 public:
  explicit TestServer(std::shared_ptr<http::Application> app, http::ServerOptions options = quiet(),
                      unsigned threads = 1)
      : server_(std::make_unique<http::Server>(loop_, std::move(app), options)) {
    server_->listen("127.0.0.1", 0);
    thread_ = std::jthread([this, threads] { loop_.run(threads); });
  }
  ~TestServer() {
    loop_.stop();
    thread_.join();
    server_.reset();
  }

  static http::ServerOptions quiet() {
    http::ServerOptions options;
    options.access_log = false;
    return options;
  }

  Loop& loop() { return loop_; }
  http::Server& server() { return *server_; }
  unsigned short port() const { return server_->port(); }
  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(port()) + path;
  }

 private:
  Loop loop_;
  std::unique_ptr<http::Server> server_;
  std::jthread thread_;
};

}  // namespace parity::test
