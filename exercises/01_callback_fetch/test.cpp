// Exercise 01's parts, as README.md numbers them. exercise.hpp is found on the include path:
// yours (exercises/01_callback_fetch/), the starter's or the solution's.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file
#include "exercises/support/fetch_tests.hpp"

PARITY_FETCH_EXERCISE_TESTS(
    Exercise01, "Exercise 01", parity::exercises::Via::callback, WithACallback,
    "pass it a lambda wrapped in async_callback(...), and finish() inside it")
