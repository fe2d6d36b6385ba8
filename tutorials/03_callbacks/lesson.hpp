#pragma once
// Lesson 03, callbacks: seed 001 §2–4.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson callbacks_lesson();

}  // namespace parity::tutorials
