#pragma once
// Lesson 18's senders: the SHAPE of P2300 std::execution (adopted for C++26; NVIDIA's stdexec is
// its reference implementation), written small enough to read in one sitting. It is not the
// standard library, and nothing outside tutorials/18_senders and exercises/17 uses it.
//
// The three words, as P2300 [exec.snd], [exec.recv] and [exec.opstate] define them:
//
//   a sender      describes work. Making one runs nothing.
//   a receiver    is told how the work ended, by exactly one call of its three members:
//                   set_value(values...)   it succeeded, with these values
//                   set_error(error)       it failed: a std::exception_ptr or an error_code
//                   set_stopped()          it was cancelled, and there is no value
//   connect       sender.connect(receiver) joins the two into an operation state: an object
//                 that holds everything the work needs while it runs. Still nothing has run.
//   start         op.start() runs it. The operation state must stay put (it is neither copied
//                 nor moved) until the receiver has been called.
//
// A sender names the values it sends, as `using values = Values<int, std::string>;` (P2300 says
// more: completion_signatures lists every set_value, set_error and set_stopped it may call).

#include <tuple>
#include <type_traits>
#include <utility>

namespace parity::senders {

template <class... Ts>
struct Values {};

// What connecting `Sender` to `Receiver` makes.
template <class Sender, class Receiver>
using operation_t = decltype(std::declval<Sender>().connect(std::declval<Receiver>()));

// What `f(values...)` makes, for a sender's Values<...>.
template <class F, class V>
struct invoke_values;
template <class F, class... Ts>
struct invoke_values<F, Values<Ts...>> {
  using type = std::invoke_result_t<F, Ts...>;
};
template <class F, class V>
using invoke_values_t = typename invoke_values<F, V>::type;

// A function's result as the values a sender sends: none for void, else that one.
template <class R>
using values_of = std::conditional_t<std::is_void_v<R>, Values<>, Values<R>>;

// `sender | then(f)` is `then(sender, f)`: the adaptor without its sender, applied later.
template <class MakeSender>
struct Closure {
  MakeSender make;
};
template <class MakeSender>
Closure(MakeSender) -> Closure<MakeSender>;

template <class Sender, class MakeSender>
auto operator|(Sender&& sender, Closure<MakeSender> closure) {
  return closure.make(std::forward<Sender>(sender));
}

// An operation state may not move: its receivers hold its address. `emplace_from(optional, f)`
// builds one in place from what f() returns, as std::optional::emplace cannot by itself.
template <class F>
struct Made {
  F make;
  operator std::invoke_result_t<F>() { return make(); }  // NOLINT: the conversion is the point
};
template <class F>
Made(F) -> Made<F>;

}  // namespace parity::senders
