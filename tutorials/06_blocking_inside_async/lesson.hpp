#pragma once
// Lesson 06, blocking inside async code: seed 002, seed 001's notes, seed 003 §3.2–3.3.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson blocking_inside_async_lesson();

}  // namespace parity::tutorials
