#pragma once
// The one event loop every style runs on: an asio::io_context with Tornado's IOLoop vocabulary
// (add_callback, spawn_callback, call_later, remove_timeout, run_sync), run on one or N threads.

#include "common/log/log.hpp"
#include "common/loop/work_scope.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace parity {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// Raised by run_sync when the operation does not finish in time (Tornado's TimeoutError).
class TimeoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What call_later/call_at return. cancel() may be called from any thread, before or after the
// callback fired; once it returns, a callback that has not started will not run.
class TimeoutHandle {
 public:
  TimeoutHandle() = default;
  void cancel() const;
  explicit operator bool() const { return state_ != nullptr; }

 private:
  friend class Loop;
  struct State;
  std::shared_ptr<State> state_;
};

// Logs an exception that escaped a callback, naming the callback. Never rethrows.
void log_callback_exception(std::string_view name, std::exception_ptr error);

class Loop {
 public:
  using executor_type = asio::io_context::executor_type;

  Loop() = default;
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  asio::io_context& context() { return context_; }
  executor_type get_executor() { return context_.get_executor(); }
  static Clock::time_point time() { return Clock::now(); }

  // The one cross-thread entry: queue `callback` to run on the loop. Safe from any thread.
  void add_callback(std::function<void()> callback) {
    spawn_callback("add_callback", std::move(callback));
  }

  // Fire and forget. `callback` is a plain function or returns asio::awaitable<void> (then it runs
  // as a coroutine). An exception it throws is logged with `name`; the loop keeps running.
  template <class Callback>
  void spawn_callback(std::string name, Callback callback);

  TimeoutHandle call_later(Clock::duration delay, std::function<void()> callback) {
    return call_at(Clock::now() + delay, std::move(callback));
  }
  TimeoutHandle call_at(Clock::time_point when, std::function<void()> callback);
  void remove_timeout(const TimeoutHandle& handle) { handle.cancel(); }

  // Tornado 4's blocking log: while run() runs, a piece of work that holds one of the loop's
  // threads longer than `threshold` is logged once, with whose work it was and the stack of the
  // thread where it was caught (blocking_log.hpp). Zero turns it off (the default). Takes effect
  // at the next run().
  void set_blocking_log_threshold(std::chrono::milliseconds threshold) {
    blocking_log_threshold_ = threshold;
  }
  std::chrono::milliseconds blocking_log_threshold() const { return blocking_log_threshold_; }

  // What a trace calls this loop's threads: "server" gives "server thread 1". Where one process
  // runs several loops (a server, its upstream, the load on it) the trace tells them apart. Takes
  // effect at the next run().
  void set_name(std::string name) { name_ = std::move(name); }

  // How many pieces of work each of run()'s threads has begun and ended so far, by thread (odd:
  // one is under way). Safe from any thread; empty while the loop does not run. The classroom's
  // race samples it to draw when each loop thread was busy.
  std::vector<std::uint64_t> activity() const;

  // Runs the loop on `threads` threads (this one included) until stop(). An exception escaping a
  // handler is logged and the loop goes on, as in Tornado.
  void run(unsigned threads = 1);
  // Stops run(), from any thread. As in Tornado, a stop() that comes before run() makes that
  // run() return at once.
  void stop() {
    stop_requested_ = true;
    context_.stop();
  }

  // One-shot: runs the loop until the coroutine made by `make_coroutine()` finishes, and returns
  // its value (or rethrows its exception). Throws TimeoutError, after cancelling the coroutine, if
  // it has not finished within `timeout`. Not for a loop that is already running.
  template <class MakeCoroutine>
  auto run_sync(MakeCoroutine make_coroutine, Clock::duration timeout);

 private:
  asio::io_context context_;
  std::atomic<bool> stop_requested_{false};
  std::chrono::milliseconds blocking_log_threshold_{0};
  std::string name_ = "loop";
  mutable std::mutex slots_mutex_;
  std::vector<const watch::ThreadSlot*> slots_;  // run()'s threads' slots, by thread, while it runs
};

// ---------------------------------------------------------------------------------------------

template <class Callback>
void Loop::spawn_callback(std::string name, Callback callback) {
  using Result = std::invoke_result_t<Callback&>;
  if constexpr (std::is_same_v<Result, asio::awaitable<void>>) {
    // co_spawn keeps the callable alive in its own frame while the coroutine runs.
    asio::co_spawn(context_, std::move(callback), [name = std::move(name)](std::exception_ptr e) {
      if (e) log_callback_exception(name, e);
    });
  } else {
    asio::post(context_, [name = std::move(name), callback = std::move(callback)]() mutable {
      watch::Label label{name, {}, {}, {}};  // the blocking log names the callback
      watch::LabelScope labelled(label);
      try {
        callback();
      } catch (...) {
        log_callback_exception(name, std::current_exception());
      }
    });
  }
}

template <class MakeCoroutine>
auto Loop::run_sync(MakeCoroutine make_coroutine, Clock::duration timeout) {
  using T = typename std::invoke_result_t<MakeCoroutine&>::value_type;
  using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  // Shared with the completion handler, which may outlive this frame if the coroutine ignores
  // cancellation after a timeout.
  struct Outcome {
    bool done = false;
    std::exception_ptr error;
    std::optional<Stored> value;
  };
  auto outcome = std::make_shared<Outcome>();
  asio::cancellation_signal cancel;
  asio::co_spawn(context_, std::move(make_coroutine),
                 asio::bind_cancellation_slot(cancel.slot(),
                                              [outcome](std::exception_ptr error, auto... value) {
                                                outcome->error = error;
                                                if constexpr (sizeof...(value) > 0)
                                                  outcome->value.emplace(std::move(value)...);
                                                outcome->done = true;
                                              }));

  context_.restart();
  const auto deadline = Clock::now() + timeout;
  while (!outcome->done && Clock::now() < deadline && !context_.stopped()) {
    context_.run_one_until(deadline);
  }
  if (!outcome->done) {
    cancel.emit(asio::cancellation_type::all);
    // Let the coroutine unwind: its pending operation completes with operation_aborted.
    while (!outcome->done && context_.run_one_for(std::chrono::seconds(1)) > 0) {
    }
    throw TimeoutError(
        "run_sync: the operation timed out after " +
        std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) +
        " ms");
  }
  if (outcome->error) std::rethrow_exception(outcome->error);
  if constexpr (!std::is_void_v<T>) return std::move(*outcome->value);
}

}  // namespace parity
