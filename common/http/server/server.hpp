#pragma once
// The HTTP/1.x server: accepts connections on the loop and gives each a Session (session.hpp),
// which hands each request it reads to the delegate (server_delegate.hpp: the Application).
// Limits and timeouts are in ServerOptions; shutdown() is the graceful stop.

#include "common/http/server/server_delegate.hpp"
#include "common/http/wire/types.hpp"
#include "common/loop/loop.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

namespace parity::http {

using namespace std::chrono_literals;

// The timeouts are per connection deadlines that a sweep checks four times per shortest timeout
// (at least once a second), so each is enforced within a quarter of itself.
struct ServerOptions {
  // Time allowed for a whole request header to arrive, and for an idle keep-alive connection to
  // send its next request (a slowloris client is closed when it runs out).
  std::chrono::milliseconds idle_timeout = 60s;
  std::chrono::milliseconds body_timeout = 60s;   // for the whole request body
  std::chrono::milliseconds write_timeout = 60s;  // for each write of the response
  std::size_t header_limit = 64 * KiB;            // over it: 431
  std::size_t header_fields_limit = 100;          // more fields: 431 (Apache's LimitRequestFields)
  std::size_t body_limit = 10 * MiB;              // over it: 413
  bool access_log = true;                         // one line per request
  // Connections open at once; 0: derived from the open-file limit (default_max_connections()).
  // At the cap, the longest-idle keep-alive connection is closed to make room; with none idle,
  // the new connection is closed at once, rather than leaving it to wait unserved.
  std::size_t max_connections = 0;
};

// Half the open-file limit, less a reserve, at least 16: each connection may hold an upstream
// connection too, and the process needs descriptors of its own (files, the pool, the log).
std::size_t default_max_connections();

namespace detail {
struct ServerState;
}

class Server {
 public:
  Server(Loop& loop, std::shared_ptr<const ServerDelegate> delegate, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts accepting. Port 0 picks a free port (see port()). Throws
  // std::system_error saying which address could not be used.
  void listen(std::string_view host, unsigned short port);
  // Accepts on a socket that is already bound and listening (a child of `--processes`).
  void adopt(int listening_socket);

  unsigned short port() const;
  std::size_t connection_count() const;

  // The graceful stop: stops accepting, closes idle connections, lets requests in flight finish
  // (their connections close after the response), and calls `done` on the loop when the last
  // connection is gone, or when `grace` ran out (the rest are then closed).
  void shutdown(Clock::duration grace, std::function<void()> done);

  // On SIGINT or SIGTERM: shutdown(grace), then stop the loop.
  void stop_on_signals(Clock::duration grace);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace parity::http
