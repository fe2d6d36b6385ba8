#pragma once
// Lesson 16, an event loop from scratch: what io_context::run() does, in a toy of its own.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson loop_from_scratch_lesson();

}  // namespace parity::tutorials
