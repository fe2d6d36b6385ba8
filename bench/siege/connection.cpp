#include "bench/siege/connection.hpp"

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/url/parse.hpp>

#include <stdexcept>

namespace parity::siege {
namespace {

namespace bhttp = boost::beast::http;
using boost::beast::error_code;
using boost::beast::string_view;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

// Keeps only what a siege counts: the status and how many body bytes came. No field is stored.
class CountingParser final : public bhttp::basic_parser<false> {
 public:
  int status = 0;
  std::uint64_t body_bytes = 0;

 private:
  void on_request_impl(bhttp::verb, string_view, string_view, int, error_code&) override {}
  void on_response_impl(int code, string_view, int, error_code&) override { status = code; }
  void on_field_impl(bhttp::field, string_view, string_view, error_code&) override {}
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view body, error_code&) override {
    body_bytes += body.size();
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    body_bytes += body.size();
    return body.size();
  }
  void on_finish_impl(error_code&) override {}
};

constexpr std::uint64_t kBodyLimit = 64 * http::MiB;  // counted, never stored

}  // namespace

PreparedTarget prepare(const Target& target,
                       const std::vector<std::pair<std::string, std::string>>& headers) {
  auto url = boost::urls::parse_uri(target.url);
  if (!url || url->scheme() != "http" || url->host().empty())
    throw std::runtime_error("not an http:// URL: " + target.url);
  std::string host = url->host();
  std::string port = url->has_port() ? std::string(url->port()) : "80";
  std::string path = url->encoded_resource().empty() ? "/" : std::string(url->encoded_resource());
  if (!path.starts_with('/')) path = "/" + path;
  asio::io_context io;
  http::tcp::resolver resolver(io);
  PreparedTarget prepared;
  prepared.endpoints = resolver.resolve(host, port);
  prepared.head = target.method == "HEAD";
  std::string& out = prepared.bytes;
  out = fmt::format("{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: parity-siege\r\nAccept: */*\r\n",
                    target.method, path, std::string_view(url->encoded_host_and_port()));
  bool has_content_type = false;
  for (const auto& [name, value] : headers) {
    out += fmt::format("{}: {}\r\n", name, value);
    has_content_type = has_content_type || boost::beast::iequals(name, "Content-Type");
  }
  if (!target.body.empty() || target.method == "POST" || target.method == "PUT") {
    if (!has_content_type) out += "Content-Type: application/x-www-form-urlencoded\r\n";  // siege's
    out += fmt::format("Content-Length: {}\r\n", target.body.size());
  }
  out += "\r\n" + target.body;
  return prepared;
}

asio::awaitable<Answer> UserConnection::round_trip(const PreparedTarget& target) {
  started_ = Clock::now();
  timed_out_ = false;
  bool worth_retrying = false;
  Answer answer = co_await attempt(target, worth_retrying);
  if (worth_retrying) answer = co_await attempt(target, worth_retrying);
  started_ = Clock::time_point::max();
  co_return answer;
}

asio::awaitable<Answer> UserConnection::attempt(const PreparedTarget& target,
                                                bool& worth_retrying) {
  Answer answer;
  const bool reused = socket_.is_open();
  worth_retrying = false;
  auto fail = [&](const char* what, error_code ec) {
    socket_.close(ec);
    buffer_.clear();
    answer.error = timed_out_ ? "timed out" : fmt::format("{}: {}", what, ec.message());
  };
  // The end of the run cancels the user; a cancellation that comes between two operations
  // reaches neither (Asio forwards it to the one pending only), so look before each.
  auto state = co_await asio::this_coro::cancellation_state;
  auto cut_off = [&] {
    if (state.cancelled() == asio::cancellation_type::none) return false;
    fail("cut off", asio::error::operation_aborted);
    return true;
  };
  if (cut_off()) co_return answer;
  if (!reused) {
    auto [ec, endpoint] = co_await asio::async_connect(socket_, target.endpoints, use_tuple);
    if (ec) {
      fail("connect", ec);
      co_return answer;
    }
    socket_.set_option(http::tcp::no_delay(true), ec);
    if (cut_off()) co_return answer;
  }
  auto [write_ec, written] =
      co_await asio::async_write(socket_, asio::buffer(target.bytes), use_tuple);
  if (write_ec) {
    worth_retrying = reused && !timed_out_ && !cut_off();  // closed by the server while idle
    fail("write", write_ec);
    co_return answer;
  }
  if (cut_off()) co_return answer;
  CountingParser parser;
  parser.body_limit(kBodyLimit);
  parser.skip(target.head);
  auto [read_ec, read] = co_await bhttp::async_read(socket_, buffer_, parser, use_tuple);
  if (read_ec) {
    // Nothing at all came back on a kept-alive connection: the server closed it first.
    worth_retrying = reused && !timed_out_ && !parser.got_some() && !cut_off() &&
                     (read_ec == bhttp::error::end_of_stream || read_ec == asio::error::eof ||
                      read_ec == asio::error::connection_reset);
    fail("read", read_ec);
    co_return answer;
  }
  answer.status = parser.status;
  answer.body_bytes = parser.body_bytes;
  if (!parser.keep_alive()) {
    error_code ignored;
    socket_.close(ignored);
    buffer_.clear();
  }
  co_return answer;
}

void UserConnection::expire(Clock::time_point started_before) {
  if (started_ >= started_before) return;
  timed_out_ = true;
  error_code ignored;
  socket_.close(ignored);  // the round trip's operation ends with operation_aborted
}

}  // namespace parity::siege
