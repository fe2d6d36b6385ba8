#pragma once
// Where a request's response goes, as the request's handler sees the connection it came on: the
// answer, whole or streamed, and the little a handler asks of it. The session implements it; this
// is all of the session a handler can reach.

#include "common/http/wire/types.hpp"
#include "common/loop/loop.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace parity::http {

// What a request that was never finished leaves behind, for the connection to answer 500 with.
struct AbandonedRequest {
  std::string handler;  // names the request and its class, for the log line
  bool streaming;       // its header went out already: a 500 cannot follow, the connection ends
  unsigned version;
  std::string method;
  std::string target;
  Clock::time_point start;
};

// A header every response starts with (ServerDelegate::default_headers), its name looked up once
// when the server starts: Beast looks a name given as text up on every set.
struct DefaultHeader {
  field name;  // field::unknown for a name Beast does not know
  std::string text;
  std::string value;
};
std::vector<DefaultHeader> resolve_headers(
    const std::vector<std::pair<std::string, std::string>>& headers);
void set_headers(Response& response, const std::vector<DefaultHeader>& headers);

class ResponseWriter {
 public:
  using executor_type = asio::strand<asio::io_context::executor_type>;
  using FlushHandler = asio::any_completion_handler<void(boost::system::error_code)>;

  // The calls below come on this strand. `exchange` names the request (a connection serves them
  // in turn), so that a late call for an earlier request is ignored.
  virtual executor_type get_executor() const = 0;
  // `timing`, if any, goes out as the response's Server-Timing field (server_timing.hpp), written
  // with the header's bytes rather than made a field of `response`: a field costs an allocation
  // and a lookup of its name, on every request.
  virtual void send_response(std::uint64_t exchange, Response response, const Timing* timing) = 0;
  // Streams: the header and the body so far, then more; `last` ends the response. `done` runs
  // once the bytes are written (or could not be).
  virtual void send_bytes(std::uint64_t exchange, std::string bytes, bool last,
                          FlushHandler done) = 0;
  virtual void abort(std::uint64_t exchange) = 0;
  // From any thread, a destructor's included: posts, so that the answer is written later, on the
  // strand, and only if the connection still waits for it.
  virtual void abandoned(std::uint64_t exchange, AbandonedRequest request) = 0;
  // An unframed streamed response (HTTP/1.0, no Content-Length) ends when the connection does.
  virtual void close_after_response() = 0;
  virtual bool access_log_enabled() const = 0;
  virtual const std::vector<DefaultHeader>& default_headers() const = 0;
  // The client's address (127.0.0.1), kept by the connection for as long as it lives.
  virtual std::string_view peer() const = 0;
  // The address and port the client connected to, as a URL: http://127.0.0.1:8000.
  virtual std::string local_url() const = 0;

 protected:
  ~ResponseWriter() = default;
};

// Completes a flush handler with `ec` later (never inline), on its associated executor, or on
// `fallback` if it has none.
inline void complete_later(ResponseWriter::FlushHandler done, boost::system::error_code ec,
                           ResponseWriter::executor_type fallback) {
  asio::post(fallback, [done = std::move(done), ec, fallback]() mutable {
    auto executor = asio::get_associated_executor(done, fallback);
    asio::dispatch(executor, asio::append(std::move(done), ec));
  });
}

}  // namespace parity::http
