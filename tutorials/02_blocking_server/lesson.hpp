#pragma once
// Lesson 02, the blocking server: seed 001 §1 and seed 002 §1.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson blocking_server_lesson();

}  // namespace parity::tutorials
