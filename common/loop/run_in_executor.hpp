#pragma once
// run_in_executor(pool, work, token): blocking work as one asynchronous operation, as Tornado's
// IOLoop.run_in_executor and @run_on_executor. `work()` runs on a thread of `pool`; the operation
// completes on the token's executor (a handler's strand, the coroutine's, a Future's) with
//
//   void(std::exception_ptr, R)   where R is what work() returns (default-constructible), or
//   void(std::exception_ptr)      when work() returns nothing.
//
// What work() throws travels in the exception_ptr: use_awaitable rethrows it at the co_await, a
// Future holds it, a callback gets it as its first argument. Any completion token works, so the
// threadpool style awaits it and the other async styles use it for file I/O.
//
// The operation keeps the token's executor busy (a work guard) until it completes, so a loop
// does not run out of work while a pool thread is still busy for it. Started by a request's code,
// the time work() takes is billed to that request (its Server-Timing's `pool`).

#include "common/loop/work_meter.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace parity {

namespace asio = boost::asio;

namespace detail {

template <class R>
struct PoolSignature {
  using type = void(std::exception_ptr, R);
};
template <>
struct PoolSignature<void> {
  using type = void(std::exception_ptr);
};

// Runs work() and hands its outcome, or what it threw, to `done`.
template <class Work, class Done>
void run_and_complete(Work& work, Done&& done) {
  using R = std::invoke_result_t<Work&>;
  if constexpr (std::is_void_v<R>) {
    std::exception_ptr error;
    try {
      work();
    } catch (...) {
      error = std::current_exception();
    }
    std::forward<Done>(done)(error);
  } else {
    std::exception_ptr error;
    std::optional<R> result;
    try {
      result.emplace(work());
    } catch (...) {
      error = std::current_exception();
    }
    std::forward<Done>(done)(error, result ? std::move(*result) : R{});
  }
}

}  // namespace detail

template <class Pool, class Work, class CompletionToken>
auto run_in_executor(Pool& pool, Work work, CompletionToken&& token) {
  using R = std::invoke_result_t<Work&>;
  using Signature = typename detail::PoolSignature<R>::type;
  return asio::async_initiate<CompletionToken, Signature>(
      [&pool](auto handler, Work work) {
        auto keep_busy = asio::make_work_guard(asio::get_associated_executor(handler));
        std::weak_ptr<watch::WorkMeter> meter;
        if (auto* current = watch::this_thread_meter) meter = current->self;
        asio::post(pool, [handler = std::move(handler), work = std::move(work),
                          keep_busy = std::move(keep_busy), meter = std::move(meter)]() mutable {
          auto started = watch::Clock::now();
          detail::run_and_complete(work, [&](auto... outcome) {
            // Billed before the completion is dispatched, which then sees it.
            if (auto billed = meter.lock()) {
              billed->add_pool_time(watch::Clock::now() - started);
              if (watch::tracing.load(std::memory_order_relaxed))
                watch::trace_piece(&billed->label(), started);
            }
            auto executor = keep_busy.get_executor();
            asio::dispatch(executor, [handler = std::move(handler),
                                      ... outcome = std::move(outcome)]() mutable {
              std::move(handler)(std::move(outcome)...);
            });
          });
        });
      },
      token, std::move(work));
}

}  // namespace parity
