#pragma once
// One client connection: reads requests in order (keep-alive, pipelining, 100-continue, chunked
// bodies), applies the limits and timeouts, hands each request to the server's delegate (the
// application), writes its response, and watches the socket while the handler works so that a
// client going away is noticed (ActiveRequest::connection_lost). Internal to the server.
//
// One request, in the order session.cpp has it:
//
//   reading   read_header -> parse_header (reads until the empty line; RFC 9112's checks)
//             -> on_header (limits, Host, 100-continue) -> read_body -> on_body
//   handling  hand_over: the delegate starts the request; watch_for_close while it works
//   writing   send_response (or send_bytes, streamed) -> on_response_written
//             -> reading again (keep-alive), or lingering_close
//   lingering lingering_close: the response is out, what the client still sends is dropped
//   closed    close(): from a read error, a refusal (reply_and_close), a write error, the
//             sweep's timeout (expire_if_due), shutdown, or a client gone (on_readable)
//
// The server's sweep enforces the deadline of the step under way (arm/disarm), not a timer per
// operation.
//
// Closing: which call, from where. Every way ends in close(), on the strand (*: or, once the loop
// has stopped, on the thread destroying the server).
//
//   call               called by                               thread   then
//   shutdown()         the server's graceful stop              any      close now if waiting for a
//                                                                       request, else after this
//                                                                       response (closing_)
//   force_close()      the server: room at the cap, the grace  any      close_now() on the strand
//                      ran out, its destructor
//   close_now()        the sweep's timeout, a client gone,     strand*  close(), then the request
//                      the server's destructor                          in flight hears
//                                                                       connection_lost()
//   abort(exchange)    the handler (abort_connection), or      strand   close(), for that request
//                      abandoned() for one let go of                    only
//                      mid-stream
//   reply_and_close()  reading: a request refused (400, 413,   strand   the error answer, then
//                      431, ...)                                        lingering_close()
//   lingering_close()  a response written without keep-alive   strand   stop sending, drain what
//                                                                       comes; the sweep closes it
//                                                                       after 2 s
//   close()            every path's end; a read or write       strand   shut the socket, fail the
//                      error                                            flushes still waiting
//
// Lingering is a state of its own, not `closed`, so that the sweep still enforces its deadline.
// Beside state_, four flags stay flags because each varies independently of it: closing_ (may be
// set in any state), keep_alive_ (the current request's), watching_ (an async_wait is pending
// while handling or writing) and writing_bytes_ (a streamed write is in flight while writing).

#include "common/http/server/response_writer.hpp"
#include "common/http/server/server_delegate.hpp"
#include "common/http/server/server_state.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <list>
#include <memory>

namespace parity::http {

class Session final : public ResponseWriter, public std::enable_shared_from_this<Session> {
 public:
  // The socket's executor is the connection's strand, by type: no type-erased executor and no
  // second copy of the strand in each connection, which every waiting request would carry.
  using socket_type = asio::basic_stream_socket<tcp, executor_type>;
  Session(socket_type socket, std::shared_ptr<detail::ServerState> server);
  ~Session();

  void start();
  // Called by the server's sweep, from any thread: closes the connection if its deadline (the
  // idle, body or write timeout under way) has passed.
  void expire_if_due(Clock::time_point now);
  // Since when this kept-alive connection has waited for its next request (max: it is busy, or
  // new). Read from any thread, by the server making room at its connection cap.
  Clock::time_point idle_since() const {
    return Clock::time_point(Clock::duration(idle_since_.load(std::memory_order_relaxed)));
  }
  // Graceful: closes the connection now if it waits for a request, else after this response.
  void shutdown();
  // Closes now; a request in flight hears connection_lost(). close_now() is the same, for a
  // caller already on the strand, or with the loop no longer running.
  void force_close();
  void close_now();

  // ---- ResponseWriter: what the request's handler calls (response_writer.hpp) ------------------
  executor_type get_executor() const override { return socket_.get_executor(); }
  void send_response(std::uint64_t exchange, Response response, const Timing* timing) override;
  void send_bytes(std::uint64_t exchange, std::string bytes, bool last, FlushHandler done) override;
  void abort(std::uint64_t exchange) override;
  void abandoned(std::uint64_t exchange, AbandonedRequest request) override;
  void close_after_response() override { closing_ = true; }
  bool access_log_enabled() const override { return server_->options.access_log; }
  const std::vector<DefaultHeader>& default_headers() const override {
    return server_->default_headers;
  }
  std::string_view peer() const override { return peer_; }
  // Asked of the socket when wanted (rarely: the classroom's race) rather than kept per connection.
  std::string local_url() const override;

 private:
  enum class State { reading, handling, writing, lingering, closed };

  void read_header();
  void parse_header();
  void on_header(boost::system::error_code ec);
  void read_body();
  void on_body(boost::system::error_code ec);
  void hand_over();
  void watch_for_close();
  void on_readable(boost::system::error_code ec, std::uint64_t exchange);
  enum class Peek { data, nothing, closed };
  Peek peek();  // what the socket holds, without reading it or blocking
  void write_response(Response response, bool keep_alive, const Timing* timing);
  void write_next_bytes();
  void on_response_written(boost::system::error_code ec, bool keep_alive);
  // Whether the connection still waits for the answer to `exchange` (or is streaming it).
  bool is_answering(std::uint64_t exchange) const {
    return exchange == exchange_ && (state_ == State::handling || state_ == State::writing);
  }
  Response error_response(unsigned status, unsigned version, std::string_view message) const;
  void reply_and_close(unsigned status, std::string_view message);
  void lingering_close();
  void close();
  bool reject_read_error(boost::system::error_code ec);
  // The deadline of the I/O under way, enforced by the server's sweep (not a timer per operation,
  // which would cost three timer round trips per request).
  void arm(std::chrono::milliseconds timeout) {
    deadline_ = (Clock::now() + timeout).time_since_epoch().count();
  }
  void disarm() { deadline_ = Clock::time_point::max().time_since_epoch().count(); }

  struct Outgoing {
    std::string bytes;
    bool last;
    FlushHandler done;
  };

  mutable socket_type socket_;  // mutable for get_executor(), which Asio's socket has non-const
  std::atomic<Clock::rep> deadline_{Clock::time_point::max().time_since_epoch().count()};
  std::atomic<Clock::rep> idle_since_{Clock::time_point::max().time_since_epoch().count()};
  std::shared_ptr<detail::ServerState> server_;
  std::string peer_;
  // While a handler works, a connection keeps only what it needs to answer: the buffer is let go
  // of when empty and the parser is on the heap, made per request, so that a request waiting on
  // an upstream or a timer costs what its handler holds and little more (`parity sweep` measures
  // it; bench/README.md has the parser's and the buffer's sizes).
  beast::flat_buffer buffer_;
  std::unique_ptr<bhttp::request_parser<bhttp::string_body>> parser_;
  std::size_t scanned_ = 0;  // how far the request's header has been scanned for its end
  State state_ = State::reading;
  bool closing_ = false;        // close after the response in progress
  bool keep_alive_ = true;      // what the current request asked for
  bool watching_ = false;       // an async_wait for readability is pending
  std::uint64_t exchange_ = 0;  // counts the requests of this connection
  Clock::time_point request_start_;
  // The request being answered (its handler), not owned: what it waits for owns it (a callback, a
  // coroutine), so that one let go of before finishing is noticed (abandoned() answers 500).
  std::weak_ptr<ActiveRequest> handler_;
  // The response being written, as its header's bytes and its body.
  struct Written {
    std::string header;
    std::string body;
  };
  std::unique_ptr<Written> written_;
  // Streamed bytes waiting to be written, in order. A list, which costs nothing empty (a deque
  // allocates a block as it is made, in every connection).
  std::list<Outgoing> outgoing_;
  bool writing_bytes_ = false;
};

}  // namespace parity::http
