// The loop's Tornado vocabulary: add_callback across threads, spawn_callback errors, timeouts,
// run_sync, and one loop run on several threads.

#include "common/loop/loop.hpp"
#include "tests/support/event.hpp"

#include <gtest/gtest.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <set>
#include <thread>

namespace parity {
namespace {

using namespace std::chrono_literals;

// Runs `loop` on a thread for the test's duration.
struct RunningLoop {
  explicit RunningLoop(Loop& l, unsigned threads = 1)
      : loop(l), thread([this, threads] { loop.run(threads); }) {}
  ~RunningLoop() {
    loop.stop();
    thread.join();
  }
  Loop& loop;
  std::jthread thread;
};

TEST(Loop, AddCallbackFromAnotherThreadRunsOnTheLoopThread) {
  Loop loop;
  test::Event ran;
  std::thread::id loop_thread, callback_thread;
  loop.add_callback([&] { loop_thread = std::this_thread::get_id(); });
  RunningLoop running(loop);
  std::jthread other([&] {
    loop.add_callback([&] {
      callback_thread = std::this_thread::get_id();
      ran.set();
    });
  });
  ASSERT_TRUE(ran.wait());
  EXPECT_EQ(callback_thread, loop_thread);
  EXPECT_NE(callback_thread, other.get_id());
}

TEST(Loop, SpawnCallbackExceptionIsLoggedAndTheLoopKeepsRunning) {
  Loop loop;
  test::Event after;
  RunningLoop running(loop);
  loop.spawn_callback("explodes", [] { throw std::runtime_error("boom"); });
  loop.add_callback([&] { after.set(); });
  EXPECT_TRUE(after.wait());
}

TEST(Loop, SpawnCallbackRunsACoroutineAndSurvivesItsException) {
  Loop loop;
  test::Event ran, after;
  RunningLoop running(loop);
  loop.spawn_callback("coroutine", [&ran]() -> asio::awaitable<void> {
    ran.set();
    throw std::runtime_error("coroutine boom");
    co_return;
  });
  loop.add_callback([&] { after.set(); });
  EXPECT_TRUE(ran.wait());
  EXPECT_TRUE(after.wait());
}

TEST(Loop, CallLaterFiresAfterItsDelay) {
  Loop loop;
  test::Event fired;
  RunningLoop running(loop);
  auto start = Clock::now();
  Clock::time_point when;
  loop.call_later(30ms, [&] {
    when = Clock::now();
    fired.set();
  });
  ASSERT_TRUE(fired.wait());
  EXPECT_GE(when - start, 30ms);
}

TEST(Loop, RemoveTimeoutBeforeItFiresCancelsIt) {
  Loop loop;
  test::Event later;
  bool fired = false;
  RunningLoop running(loop);
  auto handle = loop.call_later(20ms, [&] { fired = true; });
  loop.remove_timeout(handle);
  loop.call_later(60ms, [&] { later.set(); });
  ASSERT_TRUE(later.wait());
  EXPECT_FALSE(fired);
}

TEST(Loop, RemoveTimeoutAfterItFiredIsHarmless) {
  Loop loop;
  test::Event fired;
  RunningLoop running(loop);
  auto handle = loop.call_later(1ms, [&] { fired.set(); });
  ASSERT_TRUE(fired.wait());
  loop.remove_timeout(handle);
  loop.remove_timeout(handle);
  test::Event still_running;
  loop.add_callback([&] { still_running.set(); });
  EXPECT_TRUE(still_running.wait());
}

asio::awaitable<int> answer_after(std::chrono::milliseconds delay) {
  asio::steady_timer timer(co_await asio::this_coro::executor, delay);
  co_await timer.async_wait(asio::use_awaitable);
  co_return 42;
}

TEST(Loop, RunSyncReturnsTheCoroutinesValue) {
  Loop loop;
  EXPECT_EQ(loop.run_sync([] { return answer_after(5ms); }, 5s), 42);
}

TEST(Loop, RunSyncRethrowsTheCoroutinesException) {
  Loop loop;
  EXPECT_THROW(loop.run_sync(
                   []() -> asio::awaitable<void> {
                     throw std::invalid_argument("bad");
                     co_return;
                   },
                   5s),
               std::invalid_argument);
}

TEST(Loop, RunSyncTimeoutRaisesAndCancelsTheCoroutine) {
  Loop loop;
  EXPECT_THROW(loop.run_sync([] { return answer_after(10s); }, 20ms), TimeoutError);
  // The loop is usable again at once: the cancelled timer did not keep it busy.
  EXPECT_EQ(loop.run_sync([] { return answer_after(1ms); }, 5s), 42);
}

TEST(Loop, RunsOneLoopOnSeveralThreads) {
  Loop loop;
  RunningLoop running(loop, 2);
  // Two callbacks that each wait for the other can only both finish on two threads.
  test::Event first_in, second_in;
  std::mutex mutex;
  std::set<std::thread::id> threads;
  test::Event done_a, done_b;
  loop.add_callback([&] {
    first_in.set();
    if (second_in.wait()) {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    done_a.set();
  });
  loop.add_callback([&] {
    second_in.set();
    if (first_in.wait()) {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    done_b.set();
  });
  ASSERT_TRUE(done_a.wait());
  ASSERT_TRUE(done_b.wait());
  EXPECT_EQ(threads.size(), 2u);
}

}  // namespace
}  // namespace parity
