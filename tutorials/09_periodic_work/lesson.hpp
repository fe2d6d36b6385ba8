#pragma once
// Lesson 09, periodic work: seed 003 §3.5.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson periodic_work_lesson();

}  // namespace parity::tutorials
