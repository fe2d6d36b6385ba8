#pragma once
// Lesson 17's task type, over lesson 16's toy loop: a coroutine that a Scope starts and owns, and
// the awaiters that suspend it until a timer fires or a socket is ready. Enough to write the
// sleep server top to bottom; never used by the core or the styles, which have asio::awaitable.

#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"

#include <coroutine>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <unordered_set>
#include <utility>

namespace parity::toy {

class Scope;

// [excerpt: task]
// A coroutine's return type names its promise_type: the compiler keeps one in the frame and asks
// it what to do at the start (suspend: the Scope starts it), at the end (leave the Scope and free
// the frame) and with an exception (print it: nobody awaits a Task).
class Task {
 public:
  struct promise_type {
    Scope* scope = nullptr;
    Task get_return_object() { return Task{Handle::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    auto final_suspend() noexcept;
    void return_void() {}
    void unhandled_exception() noexcept;
  };
  using Handle = std::coroutine_handle<promise_type>;

  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  ~Task() {
    if (handle_) handle_.destroy();  // never started
  }
  Handle release() { return std::exchange(handle_, {}); }

 private:
  explicit Task(Handle handle) : handle_(handle) {}
  Handle handle_;
};

// Owns the tasks it started: one still suspended when the Scope goes is destroyed with it, so a
// loop that stops mid-wait leaks no frame. Destroy the Scope after the loop has stopped.
class Scope {
 public:
  Scope() = default;
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
  ~Scope() {
    for (auto handle : live_) Task::Handle::from_address(handle).destroy();
  }
  void spawn(Task task) {
    auto handle = task.release();
    handle.promise().scope = this;
    live_.insert(handle.address());
    handle.resume();  // runs to its first co_await
  }
  void forget(Task::Handle handle) { live_.erase(handle.address()); }
  std::size_t live() const { return live_.size(); }

 private:
  std::unordered_set<void*> live_;
};

inline auto Task::promise_type::final_suspend() noexcept {
  struct Leave {
    bool await_ready() noexcept { return false; }
    void await_suspend(Handle handle) noexcept {
      if (auto* scope = handle.promise().scope) scope->forget(handle);
      handle.destroy();  // the last thing done with the frame
    }
    void await_resume() noexcept {}
  };
  return Leave{};
}

inline void Task::promise_type::unhandled_exception() noexcept {
  try {
    throw;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "toy task: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "toy task: an exception\n");
  }
}
// [/excerpt]

// Both awaiters hold a reference and numbers only, nothing with a destructor: GCC 12's double
// destruction of a temporary inside a co_await (lesson 17.5) has nothing to destroy in them.
// [excerpt: awaiters]
// `co_await sleep_for(loop, 200ms)`: suspends, and the timer's callback resumes the coroutine, on
// the loop, from run_once. await_suspend is a template so that lesson 17.3's frame written by
// hand can use the same awaiter.
struct SleepFor {
  Loop& loop;
  Clock::duration delay;
  bool await_ready() const { return delay <= Clock::duration::zero(); }
  template <class Handle>
  void await_suspend(Handle handle) {
    loop.call_later(delay, [handle]() mutable { handle.resume(); });
  }
  void await_resume() const {}
};
inline SleepFor sleep_for(Loop& loop, Clock::duration delay) {
  return {loop, delay};
}

// `co_await ready(loop, fd, READ)`: suspends until epoll says `fd` is ready; the events it came
// with are the co_await's value. The handler is added for one wake-up and removed by it (a toy:
// two epoll_ctl calls per wait).
struct Ready {
  Loop& loop;
  int fd;
  std::uint32_t events;
  std::uint32_t happened = 0;
  bool await_ready() const { return false; }
  void await_suspend(std::coroutine_handle<> handle) {
    loop.add_handler(fd, events, [this, handle](std::uint32_t what) {
      happened = what;
      loop.remove_handler(fd);
      handle.resume();
    });
  }
  std::uint32_t await_resume() const { return happened; }
};
inline Ready ready(Loop& loop, int fd, std::uint32_t events) {
  return {loop, fd, events};
}
// [/excerpt]

}  // namespace parity::toy
