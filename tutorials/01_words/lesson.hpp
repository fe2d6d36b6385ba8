#pragma once
// Lesson 01, words first: seed 004's four definitions.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson words_lesson();

}  // namespace parity::tutorials
