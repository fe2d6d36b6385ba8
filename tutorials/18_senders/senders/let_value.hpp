#pragma once
// let_value(sender, f): f(values...) returns a *sender*, which runs next; what it sends is what
// let_value sends. P2300 [exec.let]. It is how one step's result decides the next step: the
// sender world's `co_await` of one operation after another.
//
// Its operation state holds three things in turn: the first operation, the values it sent (kept
// alive, since the next sender may refer to them), and the operation f's sender makes, which
// exists only once those values are known.

#include "tutorials/18_senders/senders/values.hpp"

#include <exception>
#include <optional>
#include <tuple>
#include <utility>

namespace parity::senders {

template <class Sender, class F, class Receiver, class V = typename Sender::values>
class LetValueOperation;

template <class Sender, class F, class Receiver, class... Ts>
class LetValueOperation<Sender, F, Receiver, Values<Ts...>> {
  using Next = std::invoke_result_t<F&, Ts&...>;

 public:
  LetValueOperation(Sender sender, F f, Receiver receiver)
      : f_(std::move(f)),
        receiver_(std::move(receiver)),
        first_(std::move(sender).connect(First{this})) {}
  LetValueOperation(const LetValueOperation&) = delete;  // First holds its address
  LetValueOperation& operator=(const LetValueOperation&) = delete;

  void start() noexcept { first_.start(); }

 private:
  // What the first sender completes into.
  struct First {
    LetValueOperation* op;
    template <class... Us>
    void set_value(Us&&... values) noexcept {
      op->first_done(std::forward<Us>(values)...);
    }
    template <class Error>
    void set_error(Error&& error) noexcept {
      op->receiver_.set_error(std::forward<Error>(error));
    }
    void set_stopped() noexcept { op->receiver_.set_stopped(); }
  };

  // The next sender completes straight into let_value's own receiver.
  template <class... Us>
  void first_done(Us&&... values) noexcept {
    try {
      auto& kept = values_.emplace(std::forward<Us>(values)...);
      second_.emplace(Made{[&] {
        return std::apply([this](Ts&... v) { return f_(v...); }, kept)
            .connect(std::move(receiver_));
      }});
    } catch (...) {
      return receiver_.set_error(std::current_exception());
    }
    second_->start();
  }

  F f_;
  Receiver receiver_;
  operation_t<Sender, First> first_;
  std::optional<std::tuple<Ts...>> values_;
  std::optional<operation_t<Next, Receiver>> second_;
};

template <class Sender, class F>
class LetValue {
  template <class... Ts>
  static auto next_values(Values<Ts...>) -> typename std::invoke_result_t<F&, Ts&...>::values;

 public:
  using values = decltype(next_values(typename Sender::values{}));

  LetValue(Sender sender, F f) : sender_(std::move(sender)), f_(std::move(f)) {}

  template <class Receiver>
  LetValueOperation<Sender, F, Receiver> connect(Receiver receiver) && {
    return {std::move(sender_), std::move(f_), std::move(receiver)};
  }

 private:
  Sender sender_;
  F f_;
};

template <class Sender, class F>
LetValue<std::decay_t<Sender>, std::decay_t<F>> let_value(Sender&& sender, F&& f) {
  return {std::forward<Sender>(sender), std::forward<F>(f)};
}

template <class F>
auto let_value(F f) {
  return Closure{[f = std::move(f)](auto&& sender) mutable {
    return let_value(std::forward<decltype(sender)>(sender), std::move(f));
  }};
}

}  // namespace parity::senders
