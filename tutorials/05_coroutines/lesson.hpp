#pragma once
// Lesson 05, coroutines: seed 001's gen version, seed 003 §1.2.8 and §2 (run_sync).

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson coroutines_lesson();

}  // namespace parity::tutorials
