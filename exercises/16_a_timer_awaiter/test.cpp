// Exercise 16's parts, as README.md numbers them. exercise.hpp comes from the include path.
// Every loop here runs 2 s at most: a guard timer wakes run_once, so a lost handle fails a part
// instead of hanging it.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

long long ms(parity::toy::Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// A coroutine of the test's own, whose frame stays after its end (final_suspend suspends), so
// that what the awaiter did with its handle shows: how often it was resumed, on which thread, and
// whether the awaiter destroyed it.
struct Probe {
  struct State {
    std::atomic<int> resumed{0};
    std::atomic<bool> destroyed{false};
    std::atomic<std::thread::id> on{};
  };
  struct promise_type {
    State* state = nullptr;  // set before its first resume
    ~promise_type() {
      if (state) state->destroyed = true;
    }
    Probe get_return_object() { return {std::coroutine_handle<promise_type>::from_promise(*this)}; }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() noexcept {}
  };
  std::coroutine_handle<promise_type> handle;
};
Probe probe(Probe::State& state) {
  state.on = std::this_thread::get_id();
  ++state.resumed;
  co_await std::suspend_always{};  // a second resume goes on from here
  ++state.resumed;
}

// Runs the loop until `done()`, 2 s at most.
template <class Done>
void run_until(exercise::Loop& loop, Done done) {
  auto deadline = parity::toy::Clock::now() + 2s;
  loop.call_later(2s, [] {});  // so that run_once never waits past the deadline
  while (!done() && parity::toy::Clock::now() < deadline) loop.run_once();
}

struct Log {
  std::vector<std::string> lines;
  std::string error;  // what the co_await threw
  bool after_inside_spawn = false;
  std::thread::id after_on;
  parity::toy::Clock::time_point after_at;
  bool has(const std::string& line) const {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }
};

Probe sleeper(exercise::Loop& loop, Log& log, const bool& spawning) {
  log.lines.push_back("before");
  auto sleep = exercise::sleep_for(loop, 50ms);  // named: GCC 12 wants no temporaries in co_await
  try {
    co_await sleep;
  } catch (const std::exception& e) {
    log.error = e.what();
    co_return;
  }
  log.after_inside_spawn = spawning;
  log.after_at = parity::toy::Clock::now();
  log.after_on = std::this_thread::get_id();
  log.lines.push_back("after");
}

}  // namespace

TEST(Exercise16, Part1_AwaitReadyIsFalseWhileThereIsTimeToWait) {
  exercise::Loop loop;
  auto awaiter = exercise::sleep_for(loop, 50ms);
  EXPECT_BECAUSE(!awaiter.await_ready(),
                 "await_ready() returned true for a wait of 50 ms: the coroutine would go on at "
                 "once, without suspending. Return true only when there is nothing to wait for "
                 "(a delay of zero or less)");
}

TEST(Exercise16, Part2_AwaitSuspendLeavesTheHandleToTheLoop) {
  exercise::Loop loop;
  Probe::State state;
  auto handle = probe(state).handle;
  handle.promise().state = &state;
  auto awaiter = exercise::sleep_for(loop, 50ms);
  std::string thrown;
  try {
    awaiter.await_suspend(handle);
  } catch (const std::exception& e) {
    thrown = e.what();
  }
  if (!thrown.empty()) handle.destroy();
  REQUIRE_BECAUSE(thrown.empty(), "await_suspend threw: " << thrown);
  REQUIRE_BECAUSE(state.resumed == 0,
                  "the coroutine was resumed inside await_suspend, before the call returned: "
                  "hand the handle to the loop (loop.call_later) and return; the loop resumes it "
                  "from run_once, while other work goes on meanwhile");
  run_until(loop, [&] { return state.resumed > 0 || state.destroyed; });
  bool waited = false;  // 100 ms more: room for a second resume
  loop.call_later(100ms, [&] { waited = true; });
  while (!waited) loop.run_once();
  bool destroyed = state.destroyed;
  if (!destroyed) handle.destroy();
  REQUIRE_BECAUSE(!destroyed,
                  "the awaiter destroyed the coroutine (handle.destroy()): the handle it is given "
                  "is for resuming, once; the coroutine's frame is not the awaiter's to free");
  REQUIRE_BECAUSE(state.resumed > 0,
                  "the handle was lost: 2 s later nobody had resumed the coroutine. The timer's "
                  "callback must keep the handle and call handle.resume()");
  EXPECT_BECAUSE(state.resumed == 1,
                 "the coroutine was resumed twice: resume the handle once, from one timer");
  EXPECT_BECAUSE(state.on.load() == std::this_thread::get_id(),
                 "the coroutine was resumed on another thread, not the loop's: resume it from "
                 "the loop's timer (loop.call_later), so that it goes on inside run_once");
}

TEST(Exercise16, Part3_TheCoroutineGoesOnAfterItsTimeWhileTheLoopRunsOthers) {
  exercise::Loop loop;
  Log log;
  Probe::State state;
  bool spawning = true;
  loop.call_later(10ms, [&] { log.lines.push_back("meanwhile"); });
  auto started = parity::toy::Clock::now();
  auto handle = sleeper(loop, log, spawning).handle;
  handle.promise().state = &state;
  handle.resume();  // to its co_await
  spawning = false;
  run_until(loop, [&] { return (log.has("after") && log.has("meanwhile")) || !log.error.empty(); });
  bool destroyed = state.destroyed;
  if (!destroyed) handle.destroy();  // ended or still suspended: the test's to free
  REQUIRE_BECAUSE(!destroyed,
                  "the awaiter destroyed the coroutine (handle.destroy()): the handle it is given "
                  "is for resuming, once; the coroutine's frame is not the awaiter's to free");
  REQUIRE_BECAUSE(log.error.empty(),
                  "the co_await threw: " << log.error
                                         << ". What await_resume returns or throws is what the "
                                            "co_await gives back: await_resume gives back the "
                                            "value of the co_await (nothing, for a sleep), and "
                                            "must not throw once the time has passed");
  REQUIRE_BECAUSE(log.has("after"),
                  "2 s later the coroutine had not gone on after its co_await: nobody resumed its "
                  "handle");
  EXPECT_BECAUSE(log.after_on == std::this_thread::get_id(),
                 "the coroutine went on on another thread, not the loop's: resume it from the "
                 "loop's timer (loop.call_later), so that it goes on inside run_once");
  EXPECT_BECAUSE(
      !log.after_inside_spawn,
      "the coroutine went on inside its first resume, before the loop had run at all: it "
      "never really suspended (await_ready true, await_suspend returning false (which "
      "means: do not suspend) or its own handle, or resumed inside await_suspend)");
  EXPECT_BECAUSE(log.after_at - started >= 50ms,
                 "the coroutine went on " << ms(log.after_at - started)
                                          << " ms after its co_await of 50 ms, before its time: "
                                             "resume it from a timer (loop.call_later), not at "
                                             "once");
  EXPECT_BECAUSE(log.lines == (std::vector<std::string>{"before", "meanwhile", "after"}),
                 "the loop did not run its 10 ms callback while the coroutine waited 50 ms");
}
