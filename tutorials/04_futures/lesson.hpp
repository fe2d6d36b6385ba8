#pragma once
// Lesson 04, Futures: seed 003 §2.2 and seed 004 (a Future by hand, gen.Task).

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson futures_lesson();

}  // namespace parity::tutorials
