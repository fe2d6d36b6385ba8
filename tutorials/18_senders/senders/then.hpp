#pragma once
// then(sender, f): a sender that sends f(values...), the values `sender` sends. P2300
// [exec.then]. An error or a stop passes by without calling f; an exception f throws becomes
// the error.
//
// then needs no operation state of its own: connecting it connects `sender` to a receiver that
// calls f and hands the result on. The function runs in that receiver's set_value, so never
// before start(), and on whichever thread `sender` completes.

#include "tutorials/18_senders/senders/values.hpp"

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

namespace parity::senders {

// [excerpt: receiver]
template <class F, class Next>
struct ThenReceiver {
  F f;
  Next next;

  template <class... Ts>
  void set_value(Ts&&... values) noexcept {
    using R = std::invoke_result_t<F&, Ts...>;
    // f may throw; the next receiver is called once, outside the try, whatever happens.
    if constexpr (std::is_void_v<R>) {
      try {
        std::invoke(f, std::forward<Ts>(values)...);
      } catch (...) {
        return next.set_error(std::current_exception());
      }
      next.set_value();
    } else {
      std::optional<R> result;
      try {
        result.emplace(std::invoke(f, std::forward<Ts>(values)...));
      } catch (...) {
        return next.set_error(std::current_exception());
      }
      next.set_value(std::move(*result));
    }
  }
  template <class Error>
  void set_error(Error&& error) noexcept {
    next.set_error(std::forward<Error>(error));
  }
  void set_stopped() noexcept { next.set_stopped(); }
};
// [/excerpt]

template <class Sender, class F>
class Then {
 public:
  using values = values_of<invoke_values_t<F, typename Sender::values>>;

  Then(Sender sender, F f) : sender_(std::move(sender)), f_(std::move(f)) {}

  template <class Receiver>
  auto connect(Receiver receiver) && {
    return std::move(sender_).connect(
        ThenReceiver<F, Receiver>{std::move(f_), std::move(receiver)});
  }

 private:
  Sender sender_;
  F f_;
};

template <class Sender, class F>
Then<std::decay_t<Sender>, std::decay_t<F>> then(Sender&& sender, F&& f) {
  return {std::forward<Sender>(sender), std::forward<F>(f)};
}

// `sender | then(f)`.
template <class F>
auto then(F f) {
  return Closure{[f = std::move(f)](auto&& sender) mutable {
    return then(std::forward<decltype(sender)>(sender), std::move(f));
  }};
}

}  // namespace parity::senders
