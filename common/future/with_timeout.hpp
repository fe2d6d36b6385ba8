#pragma once
// with_timeout(future, timeout): a Future's outcome or TimeoutError, as Tornado's gen.with_timeout.

#include "common/future/future.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <string>

namespace parity {

// The future's outcome, or TimeoutError after `timeout`, whichever comes first.
template <class T>
Future<T> with_timeout(Future<T> future, std::chrono::milliseconds timeout) {
  Future<T> bounded(future.get_executor());
  auto timer = std::make_shared<asio::steady_timer>(future.get_executor(), timeout);
  timer->async_wait([bounded, timeout](boost::system::error_code ec) mutable {
    if (ec || bounded.done()) return;
    bounded.set_exception(std::make_exception_ptr(
        TimeoutError("timed out after " + std::to_string(timeout.count()) + " ms")));
  });
  future.add_done_callback([bounded, timer](Future<T> done) mutable {
    timer->cancel();
    if (bounded.done()) {
      if (auto error = done.exception())
        log_callback_exception("with_timeout (after the timeout)", error);
      return;
    }
    if (auto error = done.exception()) return bounded.set_exception(error);
    if constexpr (std::is_void_v<T>)
      bounded.set_result();
    else
      bounded.set_result(done.result());
  });
  return bounded;
}

}  // namespace parity
