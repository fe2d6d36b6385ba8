// Exercise 16's parts, as README.md numbers them. exercise.hpp comes from the include path.
// Every loop here runs 2 s at most: a guard timer wakes run_once, so a lost handle fails a part
// instead of hanging it.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <algorithm>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using parity::toy::Scope;
using parity::toy::Task;

namespace {

long long ms(parity::toy::Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

// A coroutine that sets `ran` once resumed. The toy Task starts suspended, so its handle, taken
// before anyone resumed it, is a coroutine waiting to be resumed, as at a co_await.
Task probe(bool& ran) {
  ran = true;
  co_return;
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
  parity::toy::Clock::time_point after_at;
  bool has(const std::string& line) const {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  }
};

Task sleeper(exercise::Loop& loop, Log& log, const bool& spawning) {
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
  bool ran = false;
  auto handle = probe(ran).release();
  auto awaiter = exercise::sleep_for(loop, 50ms);
  std::string thrown;
  try {
    awaiter.await_suspend(handle);
  } catch (const std::exception& e) {
    thrown = e.what();
  }
  if (!thrown.empty()) handle.destroy();
  REQUIRE_BECAUSE(thrown.empty(), "await_suspend threw: " << thrown);
  // Resumed, the probe ran to its end, and its frame freed itself.
  REQUIRE_BECAUSE(!ran,
                  "the coroutine was resumed inside await_suspend, before the call returned: "
                  "hand the handle to the loop (loop.call_later) and return; the loop resumes it "
                  "from run_once, while other work goes on meanwhile");
  run_until(loop, [&] { return ran; });
  if (!ran) handle.destroy();
  EXPECT_BECAUSE(ran,
                 "the handle was lost: 2 s later nobody had resumed the coroutine. The timer's "
                 "callback must keep the handle and call handle.resume()");
}

TEST(Exercise16, Part3_TheCoroutineGoesOnAfterItsTimeWhileTheLoopRunsOthers) {
  exercise::Loop loop;
  Scope scope;  // after the loop: goes first, with the frame if it is still suspended
  Log log;
  bool spawning = true;
  loop.call_later(10ms, [&] { log.lines.push_back("meanwhile"); });
  auto started = parity::toy::Clock::now();
  scope.spawn(sleeper(loop, log, spawning));
  spawning = false;
  run_until(loop, [&] { return (log.has("after") && log.has("meanwhile")) || !log.error.empty(); });
  REQUIRE_BECAUSE(log.error.empty(), "the co_await threw: " << log.error);
  REQUIRE_BECAUSE(log.has("after"),
                  "2 s later the coroutine had not gone on after its co_await: nobody resumed its "
                  "handle");
  EXPECT_BECAUSE(!log.after_inside_spawn,
                 "the coroutine went on inside scope.spawn, before the loop had run at all: it "
                 "never really suspended (await_ready true, or resumed inside await_suspend)");
  EXPECT_BECAUSE(log.after_at - started >= 50ms,
                 "the coroutine went on " << ms(log.after_at - started)
                                          << " ms after its co_await of 50 ms, before its time: "
                                             "resume it from a timer (loop.call_later), not at "
                                             "once");
  EXPECT_BECAUSE(log.lines == (std::vector<std::string>{"before", "meanwhile", "after"}),
                 "the loop did not run its 10 ms callback while the coroutine waited 50 ms");
}
