#pragma once
// Mistake: then passes the values to f, and f's result on, as lvalues: copies, so a move-only value does not compile
// Fails with: then copied the value
//
// The lesson's library gives you the rest (tutorials/18_senders/senders/): Values, just,
// just_error, schedule, operation_t and `sender | adaptor`. Its own then.hpp and when_all.hpp
// are the answers: do not include them.

#include "exercises/support/world.hpp"
#include "tutorials/18_senders/senders/just.hpp"
#include "tutorials/18_senders/senders/schedule.hpp"
#include "tutorials/18_senders/senders/values.hpp"

#include <boost/system/system_error.hpp>

#include <atomic>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <utility>

namespace exercise {

using namespace parity::senders;

// ---- Part 1 to 3: then ------------------------------------------------------------------------

// What the sender before then completes into. `f` returns a value (never void, in these tests);
// `next` is the receiver then was connected to.
template <class F, class Next>
struct ThenReceiver {
  F f;
  Next next;

  template <class... Ts>
  void set_value(Ts&&... values) noexcept {
    // f runs here, when the value comes: never when the sender is made.
    std::optional<std::invoke_result_t<F&, Ts&...>> result;
    try {
      result.emplace(std::invoke(f, values...));
    } catch (...) {
      return next.set_error(std::current_exception());
    }
    next.set_value(*result);
  }
  template <class Error>
  void set_error(Error&& error) noexcept {
    next.set_error(std::forward<Error>(error));  // f is not called: the error passes by
  }
  void set_stopped() noexcept { next.set_stopped(); }
};

template <class Sender, class F>
class Then {
 public:
  using values = Values<invoke_values_t<F, typename Sender::values>>;

  Then(Sender sender, F f) : sender_(std::move(sender)), f_(std::move(f)) {}

  // then has no operation state of its own: the sender before it is connected to then's receiver.
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
auto then(Sender sender, F f) {
  return Then<Sender, F>(std::move(sender), std::move(f));
}

// ---- Part 4 to 6: when_all of two senders, each sending one value ------------------------------

// The one value a sender sends.
template <class Sender>
struct single_value;
template <class T>
struct single_value<Values<T>> {
  using type = T;
};
template <class Sender>
using value_t = typename single_value<typename Sender::values>::type;

// An error of either kind (exception_ptr, error_code) as an exception_ptr.
template <class Error>
std::exception_ptr as_exception(Error&& error) {
  if constexpr (std::is_same_v<std::decay_t<Error>, std::exception_ptr>)
    return error;
  else if constexpr (std::is_same_v<std::decay_t<Error>, boost::system::error_code>)
    return std::make_exception_ptr(boost::system::system_error(error));
  else
    return std::make_exception_ptr(std::forward<Error>(error));
}

template <class A, class B, class Receiver>
class WhenAllOperation {
 public:
  WhenAllOperation(A a, B b, Receiver receiver)
      : receiver_(std::move(receiver)),
        a_(std::move(a).connect(ChildA{this})),
        b_(std::move(b).connect(ChildB{this})) {}
  WhenAllOperation(const WhenAllOperation&) = delete;  // the children hold its address
  WhenAllOperation& operator=(const WhenAllOperation&) = delete;

  // Both now, neither waiting for the other.
  void start() noexcept {
    a_.start();
    b_.start();
  }

 private:
  struct ChildA {
    WhenAllOperation* op;
    void set_value(value_t<A> value) noexcept {
      op->a_value_.emplace(std::move(value));
      op->one_finished();
    }
    template <class Error>
    void set_error(Error&& error) noexcept {
      op->fail(as_exception(std::forward<Error>(error)));
      op->one_finished();
    }
    void set_stopped() noexcept {
      op->stopped_ = true;
      op->one_finished();
    }
  };
  struct ChildB {
    WhenAllOperation* op;
    void set_value(value_t<B> value) noexcept {
      op->b_value_.emplace(std::move(value));
      op->one_finished();
    }
    template <class Error>
    void set_error(Error&& error) noexcept {
      op->fail(as_exception(std::forward<Error>(error)));
      op->one_finished();
    }
    void set_stopped() noexcept {
      op->stopped_ = true;
      op->one_finished();
    }
  };

  // Each child calls this once, as it finishes; the two may call it on two threads at once.
  void one_finished() noexcept {
    // fetch_sub is one indivisible step: of two children finishing at once, exactly one sees 1.
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
    if (error_) return receiver_.set_error(error_);
    if (stopped_) return receiver_.set_stopped();
    receiver_.set_value(std::move(*a_value_), std::move(*b_value_));
  }

  // The first error is kept, a second dropped: one receiver, one completion.
  void fail(std::exception_ptr error) noexcept {
    if (!failed_.exchange(true)) error_ = std::move(error);
  }

  Receiver receiver_;
  std::optional<value_t<A>> a_value_;
  std::optional<value_t<B>> b_value_;
  std::exception_ptr error_;         // the first error, if any
  std::atomic<bool> failed_{false};  // whether error_ is taken
  std::atomic<bool> stopped_{false};
  std::atomic<int> remaining_{2};  // children still running
  operation_t<A, ChildA> a_;
  operation_t<B, ChildB> b_;
};

template <class A, class B>
class WhenAll {
 public:
  using values = Values<value_t<A>, value_t<B>>;

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
auto when_all(A a, B b) {
  return WhenAll<A, B>(std::move(a), std::move(b));
}

}  // namespace exercise
