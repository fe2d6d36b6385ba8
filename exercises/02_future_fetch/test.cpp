// Exercise 02's parts, as README.md numbers them. exercise.hpp is found on the include path:
// yours (exercises/02_future_fetch/), the starter's or the solution's.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file
#include "exercises/support/fetch_tests.hpp"

PARITY_FETCH_EXERCISE_TESTS(
    Exercise02, "Exercise 02", parity::exercises::Via::future, ReturningAFuture,
    "pass it use_future(get_executor()) and finish() in the Future's done callback")
