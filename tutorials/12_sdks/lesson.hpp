#pragma once
// Lesson 12, SDKs: seed 000.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson sdks_lesson();

}  // namespace parity::tutorials
