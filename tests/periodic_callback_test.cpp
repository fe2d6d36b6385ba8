// PeriodicCallback keeps to its grid: an overrun skips the missed slots instead of bunching.

#include "common/loop/periodic_callback.hpp"
#include "tests/support/event.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

namespace parity {
namespace {

using namespace std::chrono_literals;

TEST(PeriodicCallbackRule, OnTimeGoesToTheNextSlot) {
  Clock::time_point t0{};
  EXPECT_EQ(PeriodicCallback::next_slot(t0, t0, 100ms), t0 + 100ms);
  EXPECT_EQ(PeriodicCallback::next_slot(t0, t0 + 30ms, 100ms), t0 + 100ms);
}

TEST(PeriodicCallbackRule, AnOverrunSkipsTheMissedSlots) {
  Clock::time_point t0{};
  // Called at 0, returned at 250: slots 100 and 200 are gone; the next is 300.
  EXPECT_EQ(PeriodicCallback::next_slot(t0, t0 + 250ms, 100ms), t0 + 300ms);
  EXPECT_EQ(PeriodicCallback::next_slot(t0, t0 + 300ms, 100ms), t0 + 400ms);
}

TEST(PeriodicCallbackRule, AClockThatWentBackStillMovesForward) {
  Clock::time_point t0{};
  EXPECT_EQ(PeriodicCallback::next_slot(t0 + 500ms, t0 + 100ms, 100ms), t0 + 600ms);
}

TEST(PeriodicCallback, AnOverrunningCallbackIsNotCalledBackToBack) {
  Loop loop;
  std::mutex mutex;
  std::vector<Clock::time_point> calls;
  test::Event third;
  const auto period = 40ms;
  PeriodicCallback periodic(
      loop,
      [&] {
        std::lock_guard lock(mutex);
        calls.push_back(Clock::now());
        if (calls.size() == 1)
          std::this_thread::sleep_for(period * 5 / 2);  // overrun by 1.5 periods
        if (calls.size() == 3) third.set();
      },
      period);
  std::jthread thread([&] { loop.run(); });
  auto start = Clock::now();
  periodic.start();
  ASSERT_TRUE(third.wait());
  periodic.stop();
  loop.stop();
  thread.join();
  std::lock_guard lock(mutex);
  // First call at 1 period; it ends after 3.5; slots 2 and 3 are skipped, so the second call
  // comes at 4 periods, not at once, and the third on the next slot, 5 periods. (Slots, not
  // gaps: a second call made late by a busy machine is followed sooner by the third, as in
  // Tornado; the sanitizer runs once saw such a gap of under a period.)
  EXPECT_GE(calls[1] - start, 4 * period - 2ms);
  EXPECT_GE(calls[2] - start, 5 * period - 2ms);
}

TEST(PeriodicCallback, StopPreventsFurtherCalls) {
  Loop loop;
  std::atomic<int> count{0};
  test::Event first;
  PeriodicCallback periodic(
      loop,
      [&] {
        ++count;
        first.set();
      },
      10ms);
  std::jthread thread([&] { loop.run(); });
  periodic.start();
  ASSERT_TRUE(first.wait());
  periodic.stop();
  EXPECT_FALSE(periodic.is_running());
  int after_stop = count;
  test::Event later;
  loop.call_later(50ms, [&] { later.set(); });
  ASSERT_TRUE(later.wait());
  EXPECT_LE(count.load(), after_stop + 1);  // at most one call already under way
  loop.stop();
}

}  // namespace
}  // namespace parity
