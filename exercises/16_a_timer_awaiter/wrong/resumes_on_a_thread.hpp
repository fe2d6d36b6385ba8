#pragma once
// Mistake: await_suspend starts a thread that sleeps for the delay and resumes the handle there
// Fails with: the coroutine was resumed on another thread, not the loop's

#include "exercises/support/world.hpp"
#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"
#include "tutorials/17_co_await_from_scratch/task.hpp"

#include <coroutine>
#include <thread>
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
    std::thread([handle, delay = delay] {
      std::this_thread::sleep_for(delay);
      handle.resume();
    }).detach();
  }

  // What the co_await gives back once resumed: nothing, for a sleep.
  void await_resume() const {}
};

inline SleepFor sleep_for(Loop& loop, Clock::duration delay) {
  return {loop, delay};
}

}  // namespace exercise
