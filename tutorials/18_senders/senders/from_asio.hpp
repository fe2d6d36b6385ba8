#pragma once
// from_asio<T>(initiate): the sender of an Asio operation that completes void(error_code, T),
// as every operation of Parity's core does (common/http/client/client.hpp,
// app/demo/upstream_api.hpp). `initiate(token)` starts the operation with `token`; the token this
// sender passes is a lambda that calls the receiver. So the core's operations plug into senders
// with no change to the core: a completion token is the whole bridge.
//
//   from_asio<UpstreamAnswer>([&](auto token) { upstream.async_delay(params, std::move(token)); })
//
// The error code picks the channel: none is set_value(T); operation_aborted (the operation was
// cancelled) is set_stopped(); any other is set_error, with the exception the blocking twin
// would throw: exception_for(ec, value), found by argument-dependent lookup in T's namespace as
// use_future finds it (an http::FetchError for the core's fetches), else a system_error.

#include "tutorials/18_senders/senders/values.hpp"

#include <boost/asio/error.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <exception>
#include <utility>

namespace parity::senders {

template <class T>
std::exception_ptr exception_for(boost::system::error_code ec, T&&) {
  return std::make_exception_ptr(boost::system::system_error(ec));
}

template <class T, class Initiate>
class FromAsio {
 public:
  using values = Values<T>;

  explicit FromAsio(Initiate initiate) : initiate_(std::move(initiate)) {}

  template <class Receiver>
  class Operation {
   public:
    Operation(Initiate initiate, Receiver receiver)
        : initiate_(std::move(initiate)), receiver_(std::move(receiver)) {}
    Operation(const Operation&) = delete;  // the token holds its address
    Operation& operator=(const Operation&) = delete;

    // [excerpt: start]
    // Asio never calls a completion handler inside the initiating function, so the receiver is
    // called later, from the loop, never from within start().
    void start() noexcept {
      try {
        initiate_(
            [this](boost::system::error_code ec, T value) { complete(ec, std::move(value)); });
      } catch (...) {
        receiver_.set_error(std::current_exception());
      }
    }
    // [/excerpt]

   private:
    // [excerpt: complete]
    void complete(boost::system::error_code ec, T value) {
      if (ec == boost::asio::error::operation_aborted) return receiver_.set_stopped();
      if (ec) return receiver_.set_error(exception_for(ec, std::move(value)));
      receiver_.set_value(std::move(value));
    }
    // [/excerpt]

    Initiate initiate_;
    Receiver receiver_;
  };

  template <class Receiver>
  Operation<Receiver> connect(Receiver receiver) && {
    return {std::move(initiate_), std::move(receiver)};
  }

 private:
  Initiate initiate_;
};

template <class T, class Initiate>
FromAsio<T, std::decay_t<Initiate>> from_asio(Initiate&& initiate) {
  return FromAsio<T, std::decay_t<Initiate>>(std::forward<Initiate>(initiate));
}

}  // namespace parity::senders
