#pragma once
// Lesson 14, more than one core: seed 000's server.start(n).

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson more_than_one_core_lesson();

}  // namespace parity::tutorials
