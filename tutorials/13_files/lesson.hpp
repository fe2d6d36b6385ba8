#pragma once
// Lesson 13, files: seed 001's media handler.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson files_lesson();

}  // namespace parity::tutorials
