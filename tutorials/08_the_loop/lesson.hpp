#pragma once
// Lesson 08, the loop itself: seed 003 §3.2 and seed 004.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson the_loop_lesson();

}  // namespace parity::tutorials
