#pragma once
// Mistake: add_done_callback looks at done under one lock and adds the callback under another
// Fails with: a callback added while set_result ran was lost

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
    complete([&](State& s) { s.value = value; });
  }

  void set_exception(std::exception_ptr error) {
    complete([&](State& s) { s.error = std::move(error); });
  }

  bool done() const {
    std::lock_guard lock(state_->mutex);
    return state_->done;
  }

  // The value, or the exception rethrown. std::logic_error if not done yet.
  int result() const {
    std::lock_guard lock(state_->mutex);
    if (!state_->done) throw std::logic_error("IntFuture::result() before it is done");
    if (state_->error) std::rethrow_exception(state_->error);
    return *state_->value;
  }

  void add_done_callback(Callback callback) {
    bool done_already;
    {
      std::lock_guard lock(state_->mutex);
      done_already = state_->done;
    }
    if (done_already) return post(std::move(callback));
    std::lock_guard lock(state_->mutex);  // too late: set_result may have run in between
    state_->callbacks.push_back(std::move(callback));
  }

 private:
  // Sets the outcome once, then posts the callbacks, outside the lock: a callback may use the
  // future again.
  template <class Set>
  void complete(Set set) {
    std::vector<Callback> callbacks;
    {
      std::lock_guard lock(state_->mutex);
      if (state_->done) throw std::logic_error("IntFuture set twice");
      set(*state_);
      state_->done = true;
      callbacks.swap(state_->callbacks);
    }
    for (auto& callback : callbacks) post(std::move(callback));
  }
  void post(Callback callback) {
    asio::post(state_->loop, [callback = std::move(callback), self = *this] { callback(self); });
  }

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
