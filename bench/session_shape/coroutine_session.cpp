#include "bench/session_shape/coroutine_session.hpp"

#include "common/http/wire/header_bytes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <sys/socket.h>

#include <array>
#include <cerrno>

namespace parity::bench {
namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

}  // namespace

CoroutineSession::CoroutineSession(tcp::socket socket, executor_type strand,
                                   std::shared_ptr<const http::ServerDelegate> delegate)
    : strand_(strand),
      socket_(std::move(socket)),
      delegate_(std::move(delegate)),
      default_headers_(http::resolve_headers(delegate_->default_headers)),
      answered_(strand) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  peer_ = ec ? "unknown" : remote.address().to_string();
}

// One request after another, top to bottom, as Beast's do_session.
asio::awaitable<void> CoroutineSession::run(std::shared_ptr<CoroutineSession> self) {
  auto& s = *self;
  for (;;) {
    auto parser = std::make_unique<Parser>();
    auto [read_ec, read_n] =
        co_await http::bhttp::async_read(s.socket_, s.buffer_, *parser, kAwait);
    if (read_ec) break;
    s.keep_alive_ = parser->get().keep_alive();
    if (s.buffer_.size() == 0) s.buffer_.shrink_to_fit();
    // What lives across a co_await lives in the frame: the request goes to the handler here.
    s.hand_over(std::move(parser));
    if (!s.response_) {  // the handler works on: wait for its answer, or for the client leaving
      s.watch_for_close();
      s.waiting_ = true;
      s.answered_.expires_at(asio::steady_timer::time_point::max());
      co_await s.answered_.async_wait(kAwait);  // cancelled either way
      s.waiting_ = false;
      if (!s.response_) break;  // the client left
    }
    s.header_ = http::header_bytes(s.response_->base(), s.timing_ ? &*s.timing_ : nullptr);
    std::array<asio::const_buffer, 2> buffers{asio::buffer(s.header_),
                                              asio::buffer(s.response_->body())};
    auto [write_ec, write_n] = co_await asio::async_write(s.socket_, buffers, kAwait);
    s.response_.reset();
    s.handler_.reset();
    if (s.watching_) {
      boost::system::error_code ignored;
      s.socket_.cancel(ignored);
    }
    if (write_ec || !s.keep_alive_) break;
  }
  s.close();
}

void CoroutineSession::hand_over(std::unique_ptr<Parser> parser) {
  http::Request request = parser->release();
  parser.reset();
  // Held here until start_request() returns; after that, by what the answer waits for.
  auto handler =
      delegate_->start_request(shared_from_this(), ++exchange_, std::move(request), Clock::now());
  handler_ = handler;
}

void CoroutineSession::send_response(std::uint64_t exchange, http::Response response,
                                     const http::Timing* timing) {
  if (exchange != exchange_ || response_) return;
  if (response.keep_alive() != keep_alive_) response.keep_alive(keep_alive_);
  response_ = std::move(response);
  timing_.reset();
  if (timing) timing_ = *timing;
  if (waiting_) answered_.cancel();
}

void CoroutineSession::send_bytes(std::uint64_t, std::string, bool, FlushHandler done) {
  if (done) http::complete_later(std::move(done), asio::error::operation_not_supported, strand_);
}

void CoroutineSession::abort(std::uint64_t exchange) {
  if (exchange == exchange_) close();
}

void CoroutineSession::abandoned(std::uint64_t exchange, http::AbandonedRequest request) {
  asio::post(strand_, [self = shared_from_this(), exchange, version = request.version] {
    http::Response response{http::bhttp::status::internal_server_error, version};
    response.prepare_payload();
    self->send_response(exchange, std::move(response), nullptr);
  });
}

// As the state machine's: a wake-up is no proof, only a peek reading EOF is a client gone.
void CoroutineSession::watch_for_close() {
  if (watching_) return;
  watching_ = true;
  socket_.async_wait(
      tcp::socket::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
        self->watching_ = false;
        if (ec || !self->waiting_) return;
        char byte;
        auto n = ::recv(self->socket_.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) return;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return self->watch_for_close();
        if (auto handler = self->handler_.lock(); handler && !handler->finished())
          handler->connection_lost();
        self->answered_.cancel();
      });
}

void CoroutineSession::close() {
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
}

}  // namespace parity::bench
