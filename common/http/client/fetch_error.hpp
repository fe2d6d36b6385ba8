#pragma once
// How a fetch fails, as an error code callers can tell apart (Tornado folds most of these into
// HTTPClientError 599; the seeds' SDK needs to tell a network failure from a bad answer).

#include "common/http/wire/types.hpp"

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>

namespace parity::http {

enum class FetchErrc {
  invalid_url = 1,     // not an http:// URL we can reach
  connect_failed,      // refused, unreachable, no such host
  connect_timeout,     // connect_timeout ran out while connecting
  queue_timeout,       // waited in the max_clients queue until the timeout ran out
  queue_full,          // the max_clients queue is at its limit
  request_timeout,     // the timeout ran out while sending or receiving
  connection_closed,   // the server closed the connection before the response was complete
  malformed_response,  // the bytes received are not an HTTP response
  response_too_large,  // the body is over ClientOptions::max_body_size
  http_status,         // the status is >= 400 (the response is attached)
  invalid_json,        // FetchResponse::json() on a body that is not JSON
};

const boost::system::error_category& fetch_category();
boost::system::error_code make_error_code(FetchErrc e);

// Any of the three timeouts.
bool is_timeout(boost::system::error_code ec);

struct FetchResponse {
  unsigned status = 0;
  bhttp::fields headers;
  std::string body;
  std::string url;                               // the URL fetched, query included
  std::chrono::duration<double> request_time{};  // from the call to the last byte, queue included

  // The body as JSON; throws FetchError(invalid_json) if it is not.
  boost::json::value json() const;
};

// What fetch_blocking throws, and what a Future or coroutine sees: the code and, for
// http_status, the response.
class FetchError : public boost::system::system_error {
 public:
  FetchError(boost::system::error_code ec, std::string what,
             std::optional<FetchResponse> response = {})
      : boost::system::system_error(ec, what), response_(std::move(response)) {}
  const std::optional<FetchResponse>& response() const { return response_; }

 private:
  std::optional<FetchResponse> response_;
};

// The one exception a failed fetch becomes, whichever way it is awaited: what fetch_blocking
// throws, what `co_await async_fetch(..., asio::use_awaitable)` throws and what a Future's
// result() rethrows. Its what() is the URL (and the status for http_status); the response is
// attached for http_status and invalid_json. Found by argument-dependent lookup, which is how
// use_future turns an error code with a FetchResponse into it.
std::exception_ptr exception_for(boost::system::error_code ec, FetchResponse response);

}  // namespace parity::http

template <>
struct boost::system::is_error_code_enum<parity::http::FetchErrc> : std::true_type {};
