#pragma once
// Lesson 10, streams: seed 003 §3.6.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson streams_lesson();

}  // namespace parity::tutorials
