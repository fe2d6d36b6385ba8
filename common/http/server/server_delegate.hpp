#pragma once
// What the server hands each request to, and what it asks of that request while it is answered.
// The server knows these two and nothing above them: the web framework implements them (the
// Application is the server's delegate, each RequestHandler an active request), as Tornado's
// Application is an HTTPServerConnectionDelegate and its handler dispatch an HTTPMessageDelegate.

#include "common/http/server/response_writer.hpp"
#include "common/http/wire/types.hpp"
#include "common/loop/loop.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace parity::http {

// A request handed over and not yet answered, as the connection it came on sees it.
class ActiveRequest {
 public:
  virtual const Request& request() const = 0;
  virtual bool finished() const = 0;
  // The client went away before the response was finished.
  virtual void connection_lost() = 0;

 protected:
  ~ActiveRequest() = default;
};

class ServerDelegate {
 public:
  virtual ~ServerDelegate() = default;

  // Starts answering `request`, the connection's `exchange`-th, whose response goes to `writer`;
  // called on the connection's strand. Every path gets an answer (a 404 for a path nothing
  // serves), and the result is never null. The server keeps only a weak reference to it: what the
  // answer waits for owns it, so that one let go of before finishing is noticed.
  virtual std::shared_ptr<ActiveRequest> start_request(std::shared_ptr<ResponseWriter> writer,
                                                       std::uint64_t exchange, Request request,
                                                       Clock::time_point start) const = 0;

  // Headers every response starts with, the server's own error answers included (Tornado's
  // set_default_headers, at the application's level). Read once, as the server starts.
  std::vector<std::pair<std::string, std::string>> default_headers{{"Server", "Parity/0.1"}};
};

}  // namespace parity::http
