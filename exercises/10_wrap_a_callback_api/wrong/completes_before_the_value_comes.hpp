#pragma once
// Mistake: the handler called right after legacy_lookup returns, as if it were a blocking call,
// with the value its callback has not given yet
// Fails with: hand legacy_lookup's value to the handler

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
        auto value = std::make_shared<std::string>();
        legacy_lookup(ex, k, [value](std::string v) { *value = std::move(v); });
        std::move(handler)(*value);  // legacy_lookup has only started: the value comes later
      },
      token, executor, key);
}

}  // namespace exercise
