#pragma once
// Lesson 11, the web framework: seed 003 §1.2.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson web_framework_lesson();

}  // namespace parity::tutorials
