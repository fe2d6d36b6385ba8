#pragma once
// just(values...): a sender that sends these values, at once, when started. P2300
// [exec.just]. Its operation state is the smallest there is: the values and the receiver.
// just_error(e) sends an error instead.

#include "tutorials/18_senders/senders/values.hpp"

#include <tuple>
#include <utility>

namespace parity::senders {

// [excerpt: just]
template <class... Ts>
class Just {
 public:
  using values = Values<Ts...>;

  explicit Just(Ts... values) : values_(std::move(values)...) {}

  template <class Receiver>
  struct Operation {
    std::tuple<Ts...> values;
    Receiver receiver;
    void start() noexcept {
      std::apply([this](Ts&... v) { receiver.set_value(std::move(v)...); }, values);
    }
  };

  // Nothing runs here: the values and the receiver are put together, and that is all.
  template <class Receiver>
  Operation<Receiver> connect(Receiver receiver) && {
    return {std::move(values_), std::move(receiver)};
  }

 private:
  std::tuple<Ts...> values_;
};
// [/excerpt]

template <class... Ts>
Just<std::decay_t<Ts>...> just(Ts&&... values) {
  return Just<std::decay_t<Ts>...>(std::forward<Ts>(values)...);
}

// Sends `error` (a std::exception_ptr, an error_code) through set_error. Declares no values:
// whatever follows it never gets any.
template <class Error>
class JustError {
 public:
  using values = Values<>;

  explicit JustError(Error error) : error_(std::move(error)) {}

  template <class Receiver>
  struct Operation {
    Error error;
    Receiver receiver;
    void start() noexcept { receiver.set_error(std::move(error)); }
  };

  template <class Receiver>
  Operation<Receiver> connect(Receiver receiver) && {
    return {std::move(error_), std::move(receiver)};
  }

 private:
  Error error_;
};

template <class Error>
JustError<std::decay_t<Error>> just_error(Error&& error) {
  return JustError<std::decay_t<Error>>(std::forward<Error>(error));
}

}  // namespace parity::senders
