#pragma once
// async_on_pool: blocking work as an asynchronous operation. `work()` runs on a pool thread and
// the operation completes, with what it returned, through any completion token, on the token's
// executor. This is how the async styles keep file I/O off the loop; the threadpool style
// does the same by hand for a whole handler body.

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/error_code.hpp>

#include <type_traits>

namespace parity::demo {

namespace asio = boost::asio;

// Completes with (error_code{}, work()); `work` must not throw.
template <class Pool, class Work, class CompletionToken>
auto async_on_pool(Pool& pool, Work work, CompletionToken&& token) {
  using Result = std::invoke_result_t<Work&>;
  return asio::async_initiate<CompletionToken, void(boost::system::error_code, Result)>(
      [&pool, work = std::move(work)](auto handler) mutable {
        auto executor = asio::get_associated_executor(handler);
        auto keep_busy = asio::make_work_guard(executor);  // the loop waits for us
        asio::post(pool, [work = std::move(work), handler = std::move(handler),
                          keep_busy]() mutable {
          Result result = work();
          auto ex = keep_busy.get_executor();
          asio::dispatch(ex, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(boost::system::error_code{}, std::move(result));
          });
        });
      },
      token);
}

}  // namespace parity::demo
