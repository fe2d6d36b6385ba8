#pragma once
// Mistake: the timer callback resumes the handle and then destroys it, "to free the frame"
// Fails with: the awaiter destroyed the coroutine (handle.destroy())

#include "exercises/support/world.hpp"
#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"
#include "tutorials/17_co_await_from_scratch/task.hpp"

#include <coroutine>
#include <stdexcept>

namespace exercise {

using parity::toy::Clock;
using parity::toy::Loop;

// `co_await exercise::sleep_for(loop, 100ms)` in a toy Task: the coroutine suspends, the loop runs
// other things meanwhile, and the loop resumes it once the time has passed.
struct SleepFor {
  Loop& loop;
  Clock::duration delay;

  // Whether there is nothing to wait for: true means the coroutine goes on without suspending.
  bool await_ready() const { return delay <= Clock::duration::zero(); }

  // The coroutine is suspended; `handle` resumes it. Arrange for the loop to do that once
  // `delay` has passed, and return: the loop, not this call, resumes it.
  void await_suspend(std::coroutine_handle<> handle) {
    loop.call_later(delay, [handle] {
      handle.resume();
      handle.destroy();  // done with it
    });
  }

  // What the co_await gives back once resumed: nothing, for a sleep.
  void await_resume() const {}
};

inline SleepFor sleep_for(Loop& loop, Clock::duration delay) {
  return {loop, delay};
}

}  // namespace exercise
