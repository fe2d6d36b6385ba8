#pragma once
// The HTTP client. async_fetch is written once as an Asio initiating function, so every style
// calls the same operation with its own completion token:
//
//   client.async_fetch(request, options, [](error_code ec, FetchResponse r) { ... });
//   Future<FetchResponse> f = client.async_fetch(request, options, use_future(executor));
//   FetchResponse r = co_await client.async_fetch(request, options, asio::use_awaitable);
//
// GCC 12 and use_awaitable: keep class-type temporaries out of the co_await expression. Write
//   FetchRequest request{"GET", url};
//   auto r = co_await client.async_fetch(request, options, asio::use_awaitable);
// not `co_await client.async_fetch({"GET", url}, {}, ...)`: GCC 12 destroys such temporaries
// wrongly across the suspension (a double free; tests/client_test.cpp keeps the right form).
//
// fetch_blocking() is its blocking twin for the sync and threadpool styles: the same operation,
// run to completion on the calling thread.
//
// Options follow Python's requests, as the seeds' SDK does: params, json, data, headers,
// timeout. max_clients caps the fetches in flight, as Tornado's simple client does (10 by
// default there): the rest wait in a queue, and their wait counts against their timeout.

#include "common/http/client/fetch_error.hpp"
#include "common/http/wire/arguments.hpp"
#include "common/http/wire/types.hpp"
#include "common/loop/initiate_throwing.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

namespace parity::http {

using namespace std::chrono_literals;

struct FetchRequest {
  std::string method = "GET";
  std::string url;  // http://host:port/path?query
};

struct FetchOptions {
  ArgumentList params;                     // added to the URL's query, percent-encoded
  std::optional<boost::json::value> json;  // the body as JSON (Content-Type: application/json)
  // The body as a form (application/x-www-form-urlencoded) or as raw bytes. Ignored with json.
  std::variant<std::monostate, ArgumentList, std::string> data;
  ArgumentList headers;                             // added to, or replacing, the defaults
  std::chrono::milliseconds timeout = 20s;          // the whole fetch, queue wait included
  std::chrono::milliseconds connect_timeout = 20s;  // the TCP connect, within `timeout`
  bool raise_error = true;  // a status >= 400 fails with FetchErrc::http_status
};

struct ClientOptions {
  std::size_t max_clients = 10;        // fetches in flight at once; 0 means no cap
  std::size_t max_queue = 10'000;      // fetches waiting for a slot; more fail with queue_full
  std::size_t max_idle_per_host = 64;  // kept-alive connections kept for reuse
  std::size_t max_body_size = 64 * MiB;
  std::string user_agent = "Parity/0.1";
  bool keep_alive = true;  // false: a new connection per fetch (Connection: close), as siege does
  // True when the executor's context runs on one thread only (as parity siege's does): the client
  // then skips the strand it otherwise serializes its state with, about a quarter of its cost.
  bool single_threaded = false;
};

class Client {
 public:
  using Signature = void(boost::system::error_code, FetchResponse);
  using Handler = asio::any_completion_handler<Signature>;

  explicit Client(asio::any_io_executor executor, ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Completes with the response, or an error code of FetchErrc (or operation_aborted when the
  // token's cancellation slot fired). For http_status the response is passed too.
  //
  // With asio::use_awaitable the operation completes with an exception_ptr instead of the code,
  // so that `co_await` throws the http::FetchError that fetch_blocking throws (Asio would throw
  // a plain system_error): a lesson's `catch (const http::FetchError&)` holds in every style.
  template <class CompletionToken>
  auto async_fetch(FetchRequest request, FetchOptions options, CompletionToken&& token) {
    return async_initiate_throwing<FetchResponse>(
        [](auto handler, std::shared_ptr<Impl> impl, FetchRequest r, FetchOptions o) {
          start(std::move(impl), std::move(r), std::move(o), Handler(std::move(handler)));
        },
        std::forward<CompletionToken>(token), impl_, std::move(request), std::move(options));
  }

  const ClientOptions& options() const;
  std::size_t active() const;  // fetches holding a slot
  std::size_t queued() const;  // fetches waiting for one

  struct Impl;

 private:
  static void start(std::shared_ptr<Impl> impl, FetchRequest request, FetchOptions options,
                    Handler handler);
  std::shared_ptr<Impl> impl_;
};

// The blocking twin: the same fetch, run on a private io_context on the calling thread, which it
// blocks until done. Keeps its connections alive per thread. Throws FetchError.
FetchResponse fetch_blocking(FetchRequest request, FetchOptions options = {});

}  // namespace parity::http
