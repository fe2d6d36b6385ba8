#pragma once
// A measurement, not part of the core: Parity's connection written in Beast's do_session shape,
// one coroutine per connection (read, await the handler or the client leaving, write), serving
// the same Application through the same interfaces as common/http/server/session.hpp. It
// exists so that `bench/run.sh shape` can count what the shape costs next to the state machine:
// instructions per request and memory per waiting request. It leaves out what the measured paths
// never reach (streaming, 100-continue, RFC 9112's refusals, timeouts, the graceful stop).

#include "common/http/server/response_writer.hpp"
#include "common/http/server/server_delegate.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include <memory>
#include <optional>

namespace parity::bench {

using http::tcp;

class CoroutineSession final : public http::ResponseWriter,
                               public std::enable_shared_from_this<CoroutineSession> {
 public:
  CoroutineSession(tcp::socket socket, executor_type strand,
                   std::shared_ptr<const http::ServerDelegate> delegate);
  // The connection's one coroutine: co_spawn it on the strand.
  static asio::awaitable<void> run(std::shared_ptr<CoroutineSession> self);

  executor_type get_executor() const override { return strand_; }
  void send_response(std::uint64_t exchange, http::Response response,
                     const http::Timing* timing) override;
  void send_bytes(std::uint64_t exchange, std::string bytes, bool last, FlushHandler done) override;
  void abort(std::uint64_t exchange) override;
  void abandoned(std::uint64_t exchange, http::AbandonedRequest request) override;
  void close_after_response() override { keep_alive_ = false; }
  bool access_log_enabled() const override { return true; }
  const std::vector<http::DefaultHeader>& default_headers() const override {
    return default_headers_;
  }
  std::string_view peer() const override { return peer_; }
  std::string local_url() const override { return {}; }

 private:
  using Parser = http::bhttp::request_parser<http::bhttp::string_body>;
  void hand_over(std::unique_ptr<Parser> parser);
  void watch_for_close();
  void close();

  executor_type strand_;
  tcp::socket socket_;
  std::shared_ptr<const http::ServerDelegate> delegate_;
  std::vector<http::DefaultHeader> default_headers_;
  std::string peer_;
  boost::beast::flat_buffer buffer_;
  asio::steady_timer answered_;  // cancelled when the response is there, or the client left
  std::optional<http::Response> response_;
  std::optional<http::Timing> timing_;  // its Server-Timing, written with the header
  std::string header_;  // the response's header bytes, while they are written
  std::weak_ptr<http::ActiveRequest> handler_;
  std::uint64_t exchange_ = 0;
  bool waiting_ = false;   // the coroutine waits on answered_
  bool watching_ = false;  // an async_wait for readability is pending
  bool keep_alive_ = true;
};

}  // namespace parity::bench
