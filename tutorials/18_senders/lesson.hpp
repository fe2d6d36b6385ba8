#pragma once
// Lesson 18, Senders, C++26's way: issue 22's third lesson under the hood.

#include "tutorials/lesson.hpp"

namespace parity::tutorials {

Lesson senders_lesson();

}  // namespace parity::tutorials
