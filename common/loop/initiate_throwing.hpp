#pragma once
// async_initiate_throwing<T>: async_initiate for an operation that completes
// void(error_code, T), except that `co_await op(..., asio::use_awaitable)` throws the exception
// its blocking twin throws instead of Asio's plain system_error. The exception is
// exception_for(ec, value), found by argument-dependent lookup in T's namespace (as use_future
// finds it), so a lesson's `catch (const http::FetchError&)` holds whichever way it waits.
//
// Every other token sees the error code, as a callback does.

#include <boost/asio/async_result.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include <exception>
#include <type_traits>
#include <utility>

namespace parity {

namespace asio = boost::asio;

namespace detail {

template <class Token>
struct is_use_awaitable : std::false_type {};
template <class Executor>
struct is_use_awaitable<asio::use_awaitable_t<Executor>> : std::true_type {};
// Seen through the binders cancel_on_close() and bind_executor() put around it.
template <class Token, class Slot>
struct is_use_awaitable<asio::cancellation_slot_binder<Token, Slot>> : is_use_awaitable<Token> {};
template <class Token, class Executor>
struct is_use_awaitable<asio::executor_binder<Token, Executor>> : is_use_awaitable<Token> {};

// A void(exception_ptr, T) handler as a void(error_code, T) one, keeping the coroutine's
// executor and cancellation slot.
template <class T, class Handler>
auto throwing(Handler handler) {
  auto executor = asio::get_associated_executor(handler);
  auto slot = asio::get_associated_cancellation_slot(handler);
  return asio::bind_cancellation_slot(
      slot, asio::bind_executor(executor, [handler = std::move(handler)](
                                              boost::system::error_code ec, T value) mutable {
        if (!ec) return std::move(handler)(nullptr, std::move(value));
        auto error = exception_for(ec, std::move(value));
        std::move(handler)(std::move(error), T{});
      }));
}

}  // namespace detail

// `initiation(handler, args...)` starts the operation; `handler` takes void(error_code, T).
template <class T, class CompletionToken, class Initiation, class... Args>
auto async_initiate_throwing(Initiation initiation, CompletionToken&& token, Args&&... args) {
  if constexpr (detail::is_use_awaitable<std::decay_t<CompletionToken>>::value) {
    auto start_throwing = [initiation = std::move(initiation)](auto handler,
                                                               auto&&... arguments) mutable {
      initiation(detail::throwing<T>(std::move(handler)),
                 std::forward<decltype(arguments)>(arguments)...);
    };
    return asio::async_initiate<CompletionToken, void(std::exception_ptr, T)>(
        std::move(start_throwing), token, std::forward<Args>(args)...);
  } else {
    return asio::async_initiate<CompletionToken, void(boost::system::error_code, T)>(
        std::move(initiation), token, std::forward<Args>(args)...);
  }
}

}  // namespace parity
