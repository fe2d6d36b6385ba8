#pragma once
// A server on port 0 with its own loop on background threads, for tests over real sockets.

#include "common/http/server/server_thread.hpp"

namespace parity::test {

class TestServer : public http::ServerThread {
 public:
  explicit TestServer(std::shared_ptr<const http::ServerDelegate> app,
                      http::ServerOptions options = quiet(), unsigned threads = 1) {
    start(std::move(app), options, "127.0.0.1", 0, threads);
  }

  static http::ServerOptions quiet() {
    http::ServerOptions options;
    options.access_log = false;
    return options;
  }
};

}  // namespace parity::test
