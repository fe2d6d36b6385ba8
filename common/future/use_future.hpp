#pragma once
// parity::use_future(executor): the completion token that makes any Asio operation, the core's
// async_fetch included, return a parity::Future instead of calling a callback.
//
//   Future<FetchResponse> f = client.async_fetch(request, options, use_future(get_executor()));
//
// The operation completes on `executor` (a handler's strand), where the future's callbacks run.
// An error code becomes the future's exception (boost::system::system_error; for async_fetch,
// http::FetchError); an exception_ptr
// (run_in_executor's work threw) is the future's exception as it is. An operation that cannot
// fail, void(T), gives its value.

#include "common/future/future.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/system/system_error.hpp>

namespace parity {

struct use_future_t {
  asio::any_io_executor executor;
};

inline use_future_t use_future(asio::any_io_executor executor) {
  return {std::move(executor)};
}

namespace detail {

template <class... Args>
struct FutureHandler;

// The exception an error code becomes: boost::system::system_error, unless the value's own
// namespace has an exception_for of its own (http::exception_for makes a failed fetch the
// http::FetchError that fetch_blocking throws: one type to catch, whichever style).
template <class T>
std::exception_ptr exception_for(boost::system::error_code ec, T&&) {
  return std::make_exception_ptr(boost::system::system_error(ec));
}

template <class T>
struct FutureHandler<boost::system::error_code, T> {
  using executor_type = asio::any_io_executor;
  Future<T> future;
  executor_type get_executor() const noexcept { return future.get_executor(); }
  void operator()(boost::system::error_code ec, T value) {
    if (ec)
      future.set_exception(exception_for(ec, std::move(value)));
    else
      future.set_result(std::move(value));
  }
};

template <>
struct FutureHandler<boost::system::error_code> {
  using executor_type = asio::any_io_executor;
  Future<void> future;
  executor_type get_executor() const noexcept { return future.get_executor(); }
  void operator()(boost::system::error_code ec) {
    if (ec)
      future.set_exception(std::make_exception_ptr(boost::system::system_error(ec)));
    else
      future.set_result();
  }
};

template <class T>
struct FutureHandler<std::exception_ptr, T> {
  using executor_type = asio::any_io_executor;
  Future<T> future;
  executor_type get_executor() const noexcept { return future.get_executor(); }
  void operator()(std::exception_ptr error, T value) {
    if (error)
      future.set_exception(std::move(error));
    else
      future.set_result(std::move(value));
  }
};

// An operation that cannot fail, void(T): its value is the result.
template <class T>
struct FutureHandler<T> {
  using executor_type = asio::any_io_executor;
  Future<T> future;
  executor_type get_executor() const noexcept { return future.get_executor(); }
  void operator()(T value) { future.set_result(std::move(value)); }
};

template <>
struct FutureHandler<std::exception_ptr> {
  using executor_type = asio::any_io_executor;
  Future<void> future;
  executor_type get_executor() const noexcept { return future.get_executor(); }
  void operator()(std::exception_ptr error) {
    if (error)
      future.set_exception(std::move(error));
    else
      future.set_result();
  }
};

template <class... Args>
struct FutureValue;
template <class T>
struct FutureValue<boost::system::error_code, T> {
  using type = T;
};
template <>
struct FutureValue<boost::system::error_code> {
  using type = void;
};
template <class T>
struct FutureValue<std::exception_ptr, T> {
  using type = T;
};
template <>
struct FutureValue<std::exception_ptr> {
  using type = void;
};
template <class T>
struct FutureValue<T> {
  using type = T;
};

}  // namespace detail
}  // namespace parity

template <class R, class... Args>
struct boost::asio::async_result<parity::use_future_t, R(Args...)> {
  using value_type = typename parity::detail::FutureValue<std::decay_t<Args>...>::type;
  using return_type = parity::Future<value_type>;

  template <class Initiation, class... InitArgs>
  static return_type initiate(Initiation&& initiation, parity::use_future_t token,
                              InitArgs&&... args) {
    return_type future(token.executor);
    std::forward<Initiation>(initiation)(
        parity::detail::FutureHandler<std::decay_t<Args>...>{future},
        std::forward<InitArgs>(args)...);
    return future;
  }
};
