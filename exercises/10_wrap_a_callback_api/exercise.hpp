#pragma once
// Exercise 10: wrap a function that takes a callback into an Asio operation, usable with any
// completion token: a callback, use_future, use_awaitable.
// The parts are in README.md; `parity learn check 10` runs their tests.

#include "exercises/support/world.hpp"
#include "common/future/use_future.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>

namespace exercise {

using namespace parity;

// The legacy library: it answers later, on `executor`, through a callback. Leave it as it is.
inline void legacy_lookup(asio::any_io_executor executor, int key,
                          std::function<void(std::string)> callback) {
  auto timer = std::make_shared<asio::steady_timer>(executor, std::chrono::milliseconds(10));
  timer->async_wait([timer, key, callback = std::move(callback)](boost::system::error_code) {
    callback("value of " + std::to_string(key));
  });
}

// async_lookup(executor, key, token): legacy_lookup as an initiating function. It completes with
// void(std::string), whatever the token makes of that.
template <class CompletionToken>
auto async_lookup(asio::any_io_executor executor, int key, CompletionToken&& token) {
  return asio::async_initiate<CompletionToken, void(std::string)>(
      [](auto handler, asio::any_io_executor ex, int k) {
        // TODO: call legacy_lookup(ex, k, ...) and hand the value it gives to `handler`
        // (std::move(handler)(value)). The handler is move-only: a std::function cannot hold
        // it directly; keep it in a std::shared_ptr and capture that.
        (void)handler;
        (void)ex;
        (void)k;
      },
      token, executor, key);
}

}  // namespace exercise
