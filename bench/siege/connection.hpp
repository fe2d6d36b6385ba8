#pragma once
// One siege user's own keep-alive connection, as wrk's are: the request's bytes made once per
// target, each response parsed for its status and body size only (no header stored, nothing
// allocated per request), the connection made again only when the server closes it. The load
// generator's path alone: the styles' client is http::Client, which `parity siege` uses for a
// new connection per request (--no-keepalive), where connecting costs more than any client.

#include "bench/siege/options.hpp"
#include "common/http/wire/types.hpp"
#include "common/loop/loop.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace parity::siege {

// A target ready to send: where it goes, and its whole request.
struct PreparedTarget {
  http::tcp::resolver::results_type endpoints;
  std::string bytes;
  bool head = false;  // a HEAD's answer has no body to read
};

// Resolves the target's host (once, before the run) and writes its request. Throws
// std::runtime_error for a URL it cannot use.
PreparedTarget prepare(const Target& target,
                       const std::vector<std::pair<std::string, std::string>>& headers);

struct Answer {
  int status = 0;  // 0: none (the error says why)
  std::uint64_t body_bytes = 0;
  std::string error;
};

class UserConnection {
 public:
  explicit UserConnection(asio::any_io_executor executor) : socket_(std::move(executor)) {}

  // Sends the request and reads its answer; never throws. A kept-alive connection the server
  // has closed meanwhile is made again once, as browsers and siege do.
  asio::awaitable<Answer> round_trip(const PreparedTarget& target);

  // Closes the connection if its round trip started before `started_before` (the run's sweep
  // enforces the per-request timeout so, rather than a timer per request).
  void expire(Clock::time_point started_before);

 private:
  asio::awaitable<Answer> attempt(const PreparedTarget& target, bool& worth_retrying);
  http::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  Clock::time_point started_ = Clock::time_point::max();  // max: no round trip in progress
  bool timed_out_ = false;
};

}  // namespace parity::siege
