#pragma once
// when_all(a, b): a sender that starts both, and sends a's values then b's once both have sent
// theirs. P2300 [exec.when.all]. If either fails, it sends the first error once both have
// finished (the real one also asks the other to stop; see the lesson's README); else, if either
// was stopped, it stops.
//
// Both are started in start(), one after the other, without waiting: a and b run at once as
// far as they allow (two senders scheduled on a two-thread loop run on both threads). So the
// two children may complete on two threads at the same time, and the count of those still
// running is atomic: the one that brings it to zero, and only that one, completes when_all.

#include "tutorials/18_senders/senders/values.hpp"

#include <boost/system/error_code.hpp>

#include <atomic>
#include <exception>
#include <optional>
#include <tuple>
#include <utility>
#include <variant>

namespace parity::senders {

template <class A, class B, class Receiver, class VA = typename A::values,
          class VB = typename B::values>
class WhenAllOperation;

template <class A, class B, class Receiver, class... As, class... Bs>
class WhenAllOperation<A, B, Receiver, Values<As...>, Values<Bs...>> {
 public:
  WhenAllOperation(A a, B b, Receiver receiver)
      : receiver_(std::move(receiver)),
        a_(std::move(a).connect(Child<0>{this})),
        b_(std::move(b).connect(Child<1>{this})) {}
  WhenAllOperation(const WhenAllOperation&) = delete;  // the children hold its address
  WhenAllOperation& operator=(const WhenAllOperation&) = delete;

  void start() noexcept {
    a_.start();
    b_.start();
  }

 private:
  // What child I (0 for a, 1 for b) completes into.
  template <int I>
  struct Child {
    WhenAllOperation* op;
    template <class... Ts>
    void set_value(Ts&&... values) noexcept {
      if constexpr (I == 0)
        op->a_values_.emplace(std::forward<Ts>(values)...);
      else
        op->b_values_.emplace(std::forward<Ts>(values)...);
      op->one_finished();
    }
    template <class Error>
    void set_error(Error&& error) noexcept {
      op->fail(std::forward<Error>(error));
      op->one_finished();
    }
    void set_stopped() noexcept {
      op->stopped_.store(true, std::memory_order_relaxed);  // published by one_finished's acq_rel
      op->one_finished();
    }
  };

  using Failure = std::variant<std::monostate, std::exception_ptr, boost::system::error_code>;

  // The first error is kept; a second is dropped (one receiver, one completion). A stop is kept
  // apart: an error wins over it, whichever came first, as in P2300.
  template <class Error>
  void fail(Error&& error) noexcept {
    if (failed_.exchange(true)) return;
    if constexpr (std::is_same_v<std::decay_t<Error>, std::exception_ptr> ||
                  std::is_same_v<std::decay_t<Error>, boost::system::error_code>)
      failure_ = std::forward<Error>(error);
    else
      failure_ = std::make_exception_ptr(std::forward<Error>(error));
  }

  // [excerpt: count]
  // acq_rel: the last one to finish sees what the other wrote before its own decrement.
  void one_finished() noexcept {
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (auto* error = std::get_if<std::exception_ptr>(&failure_))
      return receiver_.set_error(*error);
    if (auto* code = std::get_if<boost::system::error_code>(&failure_))
      return receiver_.set_error(*code);
    if (stopped_.load(std::memory_order_relaxed)) return receiver_.set_stopped();
    std::apply(
        [this](auto&... a) {
          std::apply([&](auto&... b) { receiver_.set_value(std::move(a)..., std::move(b)...); },
                     *b_values_);
        },
        *a_values_);
  }
  // [/excerpt]

  Receiver receiver_;
  std::optional<std::tuple<As...>> a_values_;
  std::optional<std::tuple<Bs...>> b_values_;
  std::atomic<int> remaining_{2};
  std::atomic<bool> failed_{false};
  std::atomic<bool> stopped_{false};
  Failure failure_;
  operation_t<A, Child<0>> a_;
  operation_t<B, Child<1>> b_;
};

template <class A, class B>
class WhenAll {
  template <class... As, class... Bs>
  static Values<As..., Bs...> joined(Values<As...>, Values<Bs...>);

 public:
  using values = decltype(joined(typename A::values{}, typename B::values{}));

  WhenAll(A a, B b) : a_(std::move(a)), b_(std::move(b)) {}

  template <class Receiver>
  WhenAllOperation<A, B, Receiver> connect(Receiver receiver) && {
    return {std::move(a_), std::move(b_), std::move(receiver)};
  }

 private:
  A a_;
  B b_;
};

template <class A, class B>
WhenAll<std::decay_t<A>, std::decay_t<B>> when_all(A&& a, B&& b) {
  return {std::forward<A>(a), std::forward<B>(b)};
}

}  // namespace parity::senders
