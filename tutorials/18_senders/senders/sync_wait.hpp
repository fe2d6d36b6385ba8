#pragma once
// sync_wait(sender): connects the sender to a receiver of its own, starts it, and blocks this
// thread until the receiver is called. P2300 [exec.sync.wait]: it returns
// std::optional<std::tuple<values...>>, empty if the work was stopped, and rethrows an error
// (an error_code as boost::system::system_error).
//
// It is the bridge from senders back to plain code, for main() and for tests. It only waits:
// the work must run somewhere else, on a loop's threads (schedule), or at once (just). The
// real one runs a small loop of its own on this thread meanwhile (a run_loop).

#include "tutorials/18_senders/senders/values.hpp"

#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>

namespace parity::senders {

template <class V>
struct SyncWaitState;

template <class... Ts>
struct SyncWaitState<Values<Ts...>> {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::optional<std::tuple<Ts...>> value;
  std::exception_ptr error;

  void complete() {
    std::lock_guard lock(mutex);
    done = true;
    finished.notify_one();
  }
};

template <class V>
struct SyncWaitReceiver {
  SyncWaitState<V>* state;
  template <class... Us>
  void set_value(Us&&... values) noexcept {
    state->value.emplace(std::forward<Us>(values)...);
    state->complete();
  }
  void set_error(std::exception_ptr error) noexcept {
    state->error = std::move(error);
    state->complete();
  }
  void set_error(boost::system::error_code ec) noexcept {
    state->error = std::make_exception_ptr(boost::system::system_error(ec));
    state->complete();
  }
  void set_stopped() noexcept { state->complete(); }
};

template <class Sender, class V = typename std::decay_t<Sender>::values>
auto sync_wait(Sender&& sender) {
  SyncWaitState<V> state;
  auto op = std::forward<Sender>(sender).connect(SyncWaitReceiver<V>{&state});
  op.start();
  std::unique_lock lock(state.mutex);
  state.finished.wait(lock, [&] { return state.done; });
  if (state.error) std::rethrow_exception(state.error);
  return std::move(state.value);
}

}  // namespace parity::senders
