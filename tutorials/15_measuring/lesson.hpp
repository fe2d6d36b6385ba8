#pragma once
// Lesson 15, measuring: seed 001's siege runs, and Parity's own comparison.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson measuring_lesson();

}  // namespace parity::tutorials
