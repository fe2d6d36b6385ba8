#pragma once
// Lesson 17, co_await from scratch: a task type and its awaiters over lesson 16's toy loop.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson co_await_from_scratch_lesson();

}  // namespace parity::tutorials
