#pragma once
// Lesson 07, many at once: seed 003 §3.4 and seed 004.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson many_at_once_lesson();

}  // namespace parity::tutorials
