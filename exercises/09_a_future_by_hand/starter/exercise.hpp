#pragma once
// Exercise 09: a Future, by hand.
// The parts are in README.md; `parity learn check 09` runs their tests.

#include "exercises/support/world.hpp"

#include <boost/asio/post.hpp>

#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace exercise {

using namespace parity;

// A result that comes later, as Tornado's Future: one side sets it, once; the other adds
// callbacks, which run on the loop (never inside add_done_callback or set_result), also when
// added after the result came. Copies share one state, and every member may be called from any
// thread.
class IntFuture {
 public:
  using Callback = std::function<void(IntFuture)>;

  explicit IntFuture(asio::any_io_executor loop) : state_(std::make_shared<State>(loop)) {}

  void set_result(int value) {
    // TODO: keep the value, mark the future done and post every callback added so far to the
    // loop (asio::post(state_->loop, ...)), each called with a copy of this future.
    (void)value;
    throw std::logic_error("not written yet: IntFuture::set_result");
  }

  void set_exception(std::exception_ptr error) {
    // TODO: the same as set_result, with an exception instead of a value.
    (void)error;
    throw std::logic_error("not written yet: IntFuture::set_exception");
  }

  bool done() const {
    std::lock_guard lock(state_->mutex);
    return state_->done;
  }

  // The value, or the exception rethrown. std::logic_error if not done yet.
  int result() const {
    // TODO
    throw std::logic_error("not written yet: IntFuture::result");
  }

  void add_done_callback(Callback callback) {
    // TODO: keep it for later, or post it to the loop at once if the future is done already.
    (void)callback;
    throw std::logic_error("not written yet: IntFuture::add_done_callback");
  }

 private:
  struct State {
    explicit State(asio::any_io_executor l) : loop(std::move(l)) {}
    asio::any_io_executor loop;
    // A std::mutex that the tests can watch (exercises/support/world.hpp): lock it as one.
    mutable exercises::CheckedMutex mutex;
    bool done = false;
    std::optional<int> value;
    std::exception_ptr error;
    std::vector<Callback> callbacks;
  };
  std::shared_ptr<State> state_;
};

}  // namespace exercise
