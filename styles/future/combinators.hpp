#pragma once
// What Tornado builds on Futures: multi (gen.multi: wait for many), with_timeout
// (gen.with_timeout), sleep (gen.sleep) and run_in_executor (IOLoop.run_in_executor: blocking work
// on a pool).

#include "styles/future/use_future.hpp"

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <vector>

namespace parity {

// One future for many: its result is every result, in the order given. The first exception
// fails it; later ones are logged, as in Tornado.
template <class T>
Future<std::vector<T>> multi(const std::vector<Future<T>>& futures,
                             asio::any_io_executor executor) {
  Future<std::vector<T>> all(executor);
  struct Gather {
    std::vector<std::optional<T>> results;
    std::size_t left;
    bool failed = false;
  };
  auto gather = std::make_shared<Gather>(
      Gather{std::vector<std::optional<T>>(futures.size()), futures.size()});
  if (futures.empty()) all.set_result(std::vector<T>{});
  for (std::size_t i = 0; i < futures.size(); ++i) {
    // The callbacks run on each future's executor; with all of them on one strand (the handler's)
    // the shared counter needs no lock.
    futures[i].add_done_callback([gather, all, i](Future<T> done) mutable {
      if (auto error = done.exception()) {
        if (gather->failed) return log_callback_exception("multi (a later failure)", error);
        gather->failed = true;
        return all.set_exception(error);
      }
      gather->results[i].emplace(done.result());
      if (--gather->left == 0 && !gather->failed) {
        std::vector<T> values;
        values.reserve(gather->results.size());
        for (auto& r : gather->results) values.push_back(std::move(*r));
        all.set_result(std::move(values));
      }
    });
  }
  return all;
}

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

// A future that is done after `delay`, from a timer: nothing blocks.
inline Future<void> sleep(asio::any_io_executor executor, std::chrono::milliseconds delay) {
  auto timer = std::make_shared<asio::steady_timer>(executor, delay);
  auto done = timer->async_wait(use_future(executor));
  done.add_done_callback([timer](Future<void>) {});  // keeps the timer alive until it fires
  return done;
}

// Runs the blocking `work()` on `pool` and resolves the future with what it returns (or throws);
// the future's callbacks run on `executor`.
template <class Pool, class Work>
auto run_in_executor(Pool& pool, asio::any_io_executor executor, Work work) {
  using R = std::invoke_result_t<Work&>;
  Future<R> future(executor);
  asio::post(pool, [future, work = std::move(work)]() mutable {
    try {
      if constexpr (std::is_void_v<R>) {
        work();
        future.set_result();
      } else {
        future.set_result(work());
      }
    } catch (...) {
      future.set_exception(std::current_exception());
    }
  });
  return future;
}

}  // namespace parity
