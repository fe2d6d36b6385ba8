#include "common/http/server/session.hpp"

#include "common/http/server/access_log.hpp"
#include "common/http/wire/error_body.hpp"
#include "common/http/wire/header_bytes.hpp"
#include "common/http/wire/request_reading.hpp"
#include "common/http/wire/rfc9112.hpp"
#include "common/log/log.hpp"

#include <boost/asio/append.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace parity::http {

// ---- Session ----------------------------------------------------------------------------------

Session::Session(socket_type socket, std::shared_ptr<detail::ServerState> server)
    : socket_(std::move(socket)), server_(std::move(server)) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  peer_ = ec ? "unknown" : remote.address().to_string();
}

std::string Session::local_url() const {
  boost::system::error_code ec;
  auto local = socket_.local_endpoint(ec);
  if (ec) return {};
  auto address = local.address().to_string();
  if (local.address().is_v6()) address = "[" + address + "]";
  return "http://" + address + ":" + std::to_string(local.port());
}

Session::~Session() {
  server_->remove(this);
}

void Session::start() {
  asio::dispatch(get_executor(),
                 beast::bind_front_handler(&Session::read_header, shared_from_this()));
}

void Session::expire_if_due(Clock::time_point now) {
  if (deadline_.load(std::memory_order_relaxed) > now.time_since_epoch().count()) return;
  asio::dispatch(get_executor(), [self = shared_from_this()] {
    if (self->deadline_ > Clock::now().time_since_epoch().count() || self->state_ == State::closed)
      return;
    log::debug("http", "closing {}: timed out ({})", self->peer_,
               self->state_ == State::reading     ? "reading a request"
               : self->state_ == State::lingering ? "lingering after its last response"
                                                  : "writing a response");
    // The pending read or write completes with operation_aborted and the session ends there.
    self->close_now();
  });
}

void Session::shutdown() {
  asio::dispatch(get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    // Waiting for a request (or in the middle of one that has not been handed over): close.
    boost::system::error_code ignored;
    if (self->state_ == State::reading) self->socket_.cancel(ignored);
  });
}

void Session::force_close() {
  asio::dispatch(get_executor(), [self = shared_from_this()] { self->close_now(); });
}

void Session::close_now() {
  auto handler = std::exchange(handler_, {}).lock();
  close();
  if (handler && !handler->finished()) handler->connection_lost();
}

void Session::read_header() {
  if (closing_) return close();
  state_ = State::reading;
  if (exchange_ > 0 && buffer_.size() == 0)  // kept alive, nothing of the next request yet
    idle_since_.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
  parser_ = std::make_unique<bhttp::request_parser<bhttp::string_body>>();
  parser_->header_limit(static_cast<std::uint32_t>(server_->options.header_limit));
  parser_->body_limit(server_->options.body_limit);
  arm(server_->options.idle_timeout);
  scanned_ = 0;
  parse_header();
}

// Reads until the header is whole, then parses it at once (read_header_step says why).
void Session::parse_header() {
  auto step = read_header_step(buffer_, scanned_, *parser_, server_->options.header_limit);
  if (step.refusal) return reply_and_close(step.refusal->status, step.refusal->message);
  if (step.done) return on_header(step.ec);
  socket_.async_read_some(
      buffer_.prepare(beast::read_size(buffer_, 64 * KiB)),
      [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
        self->buffer_.commit(n);
        if (ec) return self->on_header(ec);  // closed, timed out or shut down: reject closes
        self->parse_header();
      });
}

// Answers what a read error calls for. Returns true if the connection is done with.
bool Session::reject_read_error(boost::system::error_code ec) {
  if (!ec) return false;
  const auto& o = server_->options;
  if (auto refusal = read_error_refusal(ec, o.header_limit, o.body_limit)) {
    reply_and_close(refusal->status, refusal->message);
  } else {
    // The client closed, the sweep closed us (idle, slowloris, slow body) or shutdown() cancelled.
    close();
  }
  return true;
}

void Session::on_header(boost::system::error_code ec) {
  idle_since_.store(Clock::time_point::max().time_since_epoch().count(), std::memory_order_relaxed);
  if (reject_read_error(ec)) return;
  const auto& header = parser_->get();
  if (auto refusal = check_parsed_header(header, server_->options.header_fields_limit))
    return reply_and_close(refusal->status, refusal->message);
  keep_alive_ = header.keep_alive();
  if (header.version() == 11 && beast::iequals(header[field::expect], "100-continue")) {
    // The client waits for our word before sending the body. Beast has already checked the
    // declared length against the limit.
    static const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
    arm(server_->options.write_timeout);
    asio::async_write(socket_, asio::buffer(continue_line),
                      [self = shared_from_this()](boost::system::error_code write_ec, std::size_t) {
                        if (write_ec) return self->close();
                        self->read_body();
                      });
    return;
  }
  read_body();
}

void Session::read_body() {
  if (parser_->is_done()) return on_body({});
  arm(server_->options.body_timeout);
  bhttp::async_read(socket_, buffer_, *parser_,
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->on_body(ec);
                    });
}

void Session::on_body(boost::system::error_code ec) {
  if (reject_read_error(ec)) return;
  hand_over();
}

void Session::hand_over() {
  disarm();
  state_ = State::handling;
  request_start_ = Clock::now();
  ++exchange_;
  Request request = parser_->release();
  parser_.reset();
  rfc9112::to_origin_form(request);
  if (buffer_.size() == 0) buffer_.shrink_to_fit();  // nothing pipelined: free it while handling

  // Held here until start_request() returns; after that, by what the answer waits for.
  auto handler = server_->delegate->start_request(shared_from_this(), exchange_, std::move(request),
                                                  request_start_);
  if (state_ == State::closed) return;  // it aborted the connection
  handler_ = handler;
  if (!handler->finished() && state_ == State::handling) watch_for_close();
}

// While a handler works nothing is read, so a client that goes away would go unnoticed. Waiting
// for readability (without reading) tells, but a wake-up is no proof: epoll may report an edge
// that was raised before the request's bytes were read (a client that connects and sends at
// once; with a second thread in epoll_wait, that stale edge arrives after this wait is armed).
// Only a peek that reads 0 bytes (EOF) or fails is a client gone; nothing to read means wait
// again, and bytes waiting are a pipelined request, read after this response.
void Session::watch_for_close() {
  if (watching_) return;
  watching_ = true;
  socket_.async_wait(socket_type::wait_read,
                     [self = shared_from_this(), exchange = exchange_](
                         boost::system::error_code ec) { self->on_readable(ec, exchange); });
}

Session::Peek Session::peek() {
  char byte;
  for (;;) {
    auto n = ::recv(socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (n > 0) return Peek::data;
    if (n == 0) return Peek::closed;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? Peek::nothing : Peek::closed;
  }
}

void Session::on_readable(boost::system::error_code ec, std::uint64_t exchange) {
  watching_ = false;
  if (ec == asio::error::operation_aborted || exchange != exchange_ || state_ == State::closed)
    return;
  if (state_ != State::handling && state_ != State::writing) return;
  if (!ec) {
    switch (peek()) {
      case Peek::data:
        return;  // a pipelined request arrived: it waits in the socket; we stop watching
      case Peek::nothing:
        return watch_for_close();  // a stale wake-up: the client is still there
      case Peek::closed:
        break;
    }
  }
  auto handler = handler_.lock();
  log::debug("http", "client {} went away {:.2f}ms into {} {}", peer_,
             std::chrono::duration<double, std::milli>(Clock::now() - request_start_).count(),
             handler ? std::string(handler->request().method_string()) : "?",
             handler ? std::string(handler->request().target()) : "?");
  handler.reset();
  close_now();
}

void Session::send_response(std::uint64_t exchange, Response response, const Timing* timing) {
  if (exchange != exchange_ || state_ != State::handling) return;
  state_ = State::writing;
  const bool keep_alive = keep_alive_ && !closing_;
  // Beast's setter rewrites the Connection field even when it already says so, at a cost.
  if (response.keep_alive() != keep_alive) response.keep_alive(keep_alive);
  write_response(std::move(response), keep_alive, timing);
}

// The header is serialized once and written with the body in one gather write: Beast's
// serializer (http::async_write of the message) costs several times more for the same bytes
// (bench/README.md has the figures behind the core's comments).
void Session::write_response(Response response, bool keep_alive, const Timing* timing) {
  written_ = std::make_unique<Written>(
      Written{header_bytes(response.base(), timing), std::move(response.body())});
  std::array<asio::const_buffer, 2> buffers{asio::buffer(written_->header),
                                            asio::buffer(written_->body)};
  arm(server_->options.write_timeout);
  asio::async_write(
      socket_, buffers,
      [self = shared_from_this(), keep_alive](boost::system::error_code ec, std::size_t) {
        self->on_response_written(ec, keep_alive);
      });
}

void Session::send_bytes(std::uint64_t exchange, std::string bytes, bool last, FlushHandler done) {
  if (!is_answering(exchange)) {
    if (done) complete_later(std::move(done), asio::error::not_connected, get_executor());
    return;
  }
  state_ = State::writing;
  outgoing_.push_back({std::move(bytes), last, std::move(done)});
  if (!writing_bytes_) write_next_bytes();
}

void Session::write_next_bytes() {
  writing_bytes_ = true;
  arm(server_->options.write_timeout);
  asio::async_write(socket_, asio::buffer(outgoing_.front().bytes),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      Outgoing item = std::move(self->outgoing_.front());
                      self->outgoing_.pop_front();
                      self->writing_bytes_ = false;
                      if (item.done) complete_later(std::move(item.done), ec, self->get_executor());
                      if (ec || item.last) {
                        // A streamed response keeps the connection only if it was framed
                        // (chunked or a declared length); the handler said so through `closing_`.
                        return self->on_response_written(ec, self->keep_alive_ && !self->closing_);
                      }
                      if (!self->outgoing_.empty()) return self->write_next_bytes();
                      self->disarm();           // between flushes the handler may take its time
                      self->watch_for_close();  // ... and its client may leave meanwhile
                    });
}

void Session::on_response_written(boost::system::error_code ec, bool keep_alive) {
  disarm();
  written_.reset();
  handler_.reset();
  if (watching_) {
    boost::system::error_code ignored;
    socket_.cancel(ignored);  // no other operation is pending now
  }
  for (auto& item : outgoing_) {  // after a write error: tell those still waiting
    if (item.done)
      complete_later(std::move(item.done), ec ? ec : asio::error::operation_aborted,
                     get_executor());
  }
  outgoing_.clear();
  if (ec) return close();
  if (!keep_alive) return lingering_close();
  read_header();
}

void Session::abort(std::uint64_t exchange) {
  if (exchange != exchange_) return;
  handler_.reset();
  close();
}

// The last owner let go of a handler that never finished: its client would wait until it gave up.
// Answered 500 on the strand, where it is known whether the connection still waits for it; unless
// the loop has stopped and the answer could go nowhere.
void Session::abandoned(std::uint64_t exchange, AbandonedRequest request) {
  if (get_executor().get_inner_executor().context().stopped()) return;
  asio::post(get_executor(), [self = shared_from_this(), exchange, request = std::move(request)] {
    if (!self->is_answering(exchange)) return;  // the connection is gone already
    if (request.streaming) {  // a streamed response cannot turn into a 500: end the connection
      log::error("http", "{}: the handler was let go of before finish(), mid-stream",
                 request.handler);
      return self->abort(exchange);
    }
    log::error("http", "{}: the handler was let go of without finish() being called; answered 500",
               request.handler);
    auto response =
        self->error_response(500, request.version, "the handler never finished the response");
    if (self->access_log_enabled())
      log_access(500, request.method, request.target, self->peer_, Clock::now() - request.start);
    self->send_response(exchange, std::move(response), nullptr);
  });
}

// The server's own error answer: the delegate's default headers and error_body()'s JSON.
Response Session::error_response(unsigned status, unsigned version,
                                 std::string_view message) const {
  Response response{bhttp::int_to_status(status), version};
  set_headers(response, server_->default_headers);
  response.set(field::content_type, "application/json; charset=UTF-8");
  response.body() = error_body(status, message);
  response.prepare_payload();
  return response;
}

void Session::reply_and_close(unsigned status, std::string_view message) {
  state_ = State::writing;
  auto response = error_response(status, parser_ ? parser_->get().version() : 11, message);
  response.keep_alive(false);
  if (server_->options.access_log) {
    std::string method =
        parser_ && parser_->is_header_done() ? std::string(parser_->get().method_string()) : "-";
    std::string target =
        parser_ && parser_->is_header_done() ? std::string(parser_->get().target()) : "-";
    log_access(status, method, target, peer_, Clock::duration::zero());
  }
  write_response(std::move(response), /*keep_alive=*/false, nullptr);  // then lingering_close()
}

// Closing a socket that still has unread bytes makes the kernel send a reset, which can destroy
// the response before the client reads it (a 413 for a large upload, say). So: stop sending,
// read and drop what comes for a short while, then close: the sweep closes a client that neither
// sends nor closes when the while is up.
void Session::lingering_close() {
  state_ = State::lingering;
  boost::system::error_code ec;
  socket_.shutdown(socket_type::shutdown_send, ec);
  if (ec) return close();
  arm(std::chrono::seconds(2));
  auto drain = std::make_shared<std::array<char, 4096>>();
  struct Drainer {
    std::shared_ptr<Session> self;
    std::shared_ptr<std::array<char, 4096>> buffer;
    void operator()(boost::system::error_code read_ec = {}, std::size_t = 0) {
      if (read_ec) return self->close();
      self->socket_.async_read_some(asio::buffer(*buffer), std::move(*this));
    }
  };
  Drainer{shared_from_this(), drain}();
}

void Session::close() {
  state_ = State::closed;
  boost::system::error_code ec;
  socket_.shutdown(socket_type::shutdown_both, ec);
  socket_.close(ec);
  // A handler waiting for a flush holds this session, and the session holds its flush handler:
  // hand each its error now rather than when the write in progress completes, which never comes
  // if the loop has stopped (the server's destructor closes sessions then), and the two would
  // keep each other alive. The bytes stay: a write in progress still reads them.
  for (auto& item : outgoing_) {
    if (item.done)
      complete_later(std::move(item.done), asio::error::operation_aborted, get_executor());
  }
}

}  // namespace parity::http
