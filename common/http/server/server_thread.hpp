#pragma once
// A Server on a loop of its own, run on background threads until stop() or destruction: the
// upstream that `parity serve` embeds, and every test that needs a real server. Two steps,
// because some applications need the loop before they exist (a client running on it):
//
//   http::ServerThread thread;
//   Service service(thread.loop(), ...);
//   thread.start(service.application(), options);

#include "common/http/server/server.hpp"

#include <memory>
#include <string>
#include <thread>

namespace parity::http {

class ServerThread {
 public:
  ServerThread() = default;
  ~ServerThread() { stop(); }
  ServerThread(const ServerThread&) = delete;
  ServerThread& operator=(const ServerThread&) = delete;

  Loop& loop() { return loop_; }

  // Listens on host:port (0: any free port), then runs the loop on `threads` threads.
  void start(std::shared_ptr<const ServerDelegate> delegate, ServerOptions options,
             std::string host = "127.0.0.1", unsigned short port = 0, unsigned threads = 1) {
    host_ = std::move(host);
    server_ = std::make_unique<Server>(loop_, std::move(delegate), options);
    server_->listen(host_, port);
    thread_ = std::jthread([this, threads] { loop_.run(threads); });
  }

  // Stops the loop, waits for its threads, then destroys the server (with the loop stopped,
  // which closes what is still open). Safe to call twice.
  void stop() {
    loop_.stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  Server& server() { return *server_; }
  unsigned short port() const { return server_->port(); }
  std::string url(const std::string& path = "") const {
    return "http://" + host_ + ":" + std::to_string(port()) + path;
  }

 private:
  Loop loop_;
  std::string host_;
  std::unique_ptr<Server> server_;
  std::jthread thread_;
};

}  // namespace parity::http
