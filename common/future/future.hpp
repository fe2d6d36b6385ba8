#pragma once
// A Future as Tornado (and asyncio) have it: a result that arrives later, set once with
// set_result or set_exception, and add_done_callback to hear of it. Callbacks always run on the
// future's executor (the loop, or a handler's strand), never inline inside set_result, even when
// the future is done already: code after add_done_callback never races its callback.
//
// A Future is a handle: copies share one state, as Python references do. Thread-safe: a pool
// thread may set the result that the loop's callbacks then read.

#include "common/loop/loop.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <variant>
#include <vector>

namespace parity {

// Raised by Future::result() on a future that is not done (Python's InvalidStateError).
class InvalidStateError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

template <class T = void>
class Future {
 public:
  using value_type = T;
  using Callback = std::function<void(Future)>;

  explicit Future(asio::any_io_executor executor)
      : state_(std::make_shared<State>(std::move(executor))) {}

  bool done() const {
    std::lock_guard lock(state_->mutex);
    return state_->done;
  }

  template <class... V>
  void set_result(V&&... value) {
    static_assert(sizeof...(V) == (std::is_void_v<T> ? 0 : 1),
                  "set_result() takes the value, or nothing for Future<void>");
    complete([&](State& s) { s.value.emplace(std::forward<V>(value)...); });
  }
  void set_exception(std::exception_ptr error) {
    complete([&](State& s) { s.error = std::move(error); });
  }

  // The value, or the exception rethrown. Throws InvalidStateError if not done yet.
  T result() const {
    std::lock_guard lock(state_->mutex);
    if (!state_->done) throw InvalidStateError("Future::result() before the future is done");
    if (state_->error) std::rethrow_exception(state_->error);
    if constexpr (!std::is_void_v<T>) return *state_->value;
  }
  std::exception_ptr exception() const {
    std::lock_guard lock(state_->mutex);
    if (!state_->done) throw InvalidStateError("Future::exception() before the future is done");
    return state_->error;
  }

  // Queues `callback(*this)` on the executor once the future is done (at once if it is).
  void add_done_callback(Callback callback) const {
    std::unique_lock lock(state_->mutex);
    if (!state_->done) {
      state_->callbacks.push_back(std::move(callback));
      return;
    }
    lock.unlock();
    schedule(std::move(callback));
  }

  asio::any_io_executor get_executor() const { return state_->executor; }

 private:
  using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
  struct State {
    explicit State(asio::any_io_executor ex) : executor(std::move(ex)) {}
    asio::any_io_executor executor;
    std::mutex mutex;
    bool done = false;
    std::optional<Stored> value;
    std::exception_ptr error;
    std::vector<Callback> callbacks;
  };

  template <class Store>
  void complete(Store store) {
    std::vector<Callback> callbacks;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->done) throw InvalidStateError("the future is already done");
      store(*state_);
      state_->done = true;
      callbacks.swap(state_->callbacks);
    }
    for (auto& callback : callbacks) schedule(std::move(callback));
  }

  void schedule(Callback callback) const {
    asio::post(state_->executor, [callback = std::move(callback), self = *this] {
      try {
        callback(self);
      } catch (...) {
        log_callback_exception("Future done callback", std::current_exception());
      }
    });
  }

  std::shared_ptr<State> state_;
};

}  // namespace parity
