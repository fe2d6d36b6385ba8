// Exercise 03's parts, as README.md numbers them. exercise.hpp is found on the include path:
// yours (exercises/03_coroutine_fetch/), the starter's or the solution's.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file
#include "exercises/support/fetch_tests.hpp"

PARITY_FETCH_EXERCISE_TESTS(
    Exercise03, "Exercise 03", parity::exercises::Via::awaitable, CoAwaited,
    "make get() an asio::awaitable<void> and co_await async_fetch(..., asio::use_awaitable)")
