// Lesson 09: periodic work. Seed 003's minute_loop, which drifts by its work time every turn; its
// accurate loop, which starts the period's timer before the work; and PeriodicCallback, which
// keeps to its grid and skips the slots an overrunning call missed. The period is 100 ms here,
// not 60 s, and the work 30 ms: the same arithmetic, in a second.

#include "tutorials/09_periodic_work/lesson.hpp"

#include "common/loop/periodic_callback.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <thread>

namespace parity::tutorials {
namespace {

constexpr auto kPeriod = 100ms;
constexpr auto kWork = 30ms;
constexpr int kTurns = 5;

double ms_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// When each turn's work started, and for when the wait after it was set, in ms from the start.
struct Turns {
  Clock::time_point start = Clock::now();
  std::vector<double> worked_at;
  std::vector<double> scheduled_for;

  std::string text(const std::string& label) const {
    std::string out = label + ":\n";
    for (std::size_t i = 0; i < worked_at.size(); ++i)
      out += fmt::format("  turn {}: work started at {:4.0f} ms, next turn set for {:4.0f} ms\n",
                         i + 1, worked_at[i], scheduled_for[i]);
    return out;
  }
  // How far the last turn's timer was set past the grid start + k*period.
  double drift_ms() const {
    return scheduled_for.back() - static_cast<double>(kTurns * kPeriod.count());
  }
};

// The work of one turn: 30 ms of waiting, as the seed's `await execute()`.
asio::awaitable<void> execute(Turns* turns) {
  turns->worked_at.push_back(ms_between(turns->start, Clock::now()));
  asio::steady_timer work(co_await asio::this_coro::executor, kWork);
  co_await work.async_wait(asio::use_awaitable);
}

// [excerpt: minute_loop]
// Seed 003's minute_loop: the work, then a whole period of sleep. A turn is period + work long.
asio::awaitable<void> minute_loop(Turns* turns) {
  asio::steady_timer sleep(co_await asio::this_coro::executor);
  for (int turn = 0; turn < kTurns; ++turn) {
    co_await execute(turns);
    sleep.expires_after(kPeriod);
    turns->scheduled_for.push_back(ms_between(turns->start, sleep.expiry()));
    co_await sleep.async_wait(asio::use_awaitable);
  }
}
// [/excerpt]

// [excerpt: accurate_loop]
// Seed 003's accurate loop: the period's timer is set before the work (`nxt = gen.sleep(60)`),
// so the work runs inside the period instead of after it.
asio::awaitable<void> accurate_loop(Turns* turns) {
  asio::steady_timer next(co_await asio::this_coro::executor);
  auto deadline = turns->start;
  for (int turn = 0; turn < kTurns; ++turn) {
    deadline += kPeriod;
    next.expires_at(deadline);
    turns->scheduled_for.push_back(ms_between(turns->start, next.expiry()));
    co_await execute(turns);
    co_await next.async_wait(asio::use_awaitable);
  }
}
// [/excerpt]

StepResult the_drifting_loop() {
  Loop loop;
  Turns turns;
  loop.run_sync([&] { return minute_loop(&turns); }, 10s);
  StepResult result;
  result.output = turns.text("minute_loop, period 100 ms, work 30 ms") +
                  fmt::format("after {} turns its timer is {:.0f} ms behind the grid\n", kTurns,
                              turns.drift_ms());
  result.notice =
      "each turn sets its sleep only after the work, so a turn lasts period + work and the "
      "loop falls behind by the work time every turn: 60 + N seconds, as the seed says.";
  result.figures["drift_ms"] = turns.drift_ms();
  return result;
}

StepResult the_accurate_loop() {
  Loop loop;
  Turns turns;
  loop.run_sync([&] { return accurate_loop(&turns); }, 10s);
  StepResult result;
  result.output = turns.text("accurate_loop, period 100 ms, work 30 ms") +
                  fmt::format("after {} turns its timer is {:.0f} ms behind the grid\n", kTurns,
                              turns.drift_ms());
  result.notice =
      "the timer is set for start + k*period before the work begins, so the work time no longer "
      "adds up: the turns stay on the grid however long the work takes, as long as it takes "
      "less than a period.";
  result.figures["drift_ms"] = turns.drift_ms();
  return result;
}

StepResult periodic_callback_skips_what_it_missed() {
  Loop loop;
  const auto start = Clock::now();
  std::vector<double> called_at;
  Clock::time_point overrun_ended;
  PeriodicCallback* self = nullptr;
  // [excerpt: periodic_callback]
  PeriodicCallback every_100ms(
      loop,
      [&] {
        called_at.push_back(ms_between(start, Clock::now()));
        if (called_at.size() == 2) {  // the second call overruns: 250 ms of blocking work
          std::this_thread::sleep_for(250ms);
          overrun_ended = Clock::now();
        }
        if (called_at.size() == 4) {
          self->stop();
          loop.stop();
        }
      },
      kPeriod);
  // [/excerpt]
  self = &every_100ms;
  every_100ms.start();
  loop.run();
  // The first slot of the grid after the overrun ended: where the third call belongs.
  auto slot = PeriodicCallback::next_slot(start + 2 * kPeriod, overrun_ended, kPeriod);
  double slot_ms = ms_between(start, slot);
  std::string text = "PeriodicCallback every 100 ms; its second call takes 250 ms:\n";
  for (std::size_t i = 0; i < called_at.size(); ++i)
    text += fmt::format("  call {}: at {:4.0f} ms\n", i + 1, called_at[i]);
  text += fmt::format(
      "the overrun ended at {:.0f} ms; the next slot of the grid after it is {:.0f} ms\n",
      ms_between(start, overrun_ended), slot_ms);
  StepResult result;
  result.output = text;
  result.notice =
      "the slots the overrun covered were skipped, not run back to back to catch up: the third "
      "call waited for the grid. (A blocking callback also held the loop for those 250 ms, as in "
      "lesson 06; real periodic work belongs on a pool.)";
  result.figures["calls"] = static_cast<double>(called_at.size());
  result.figures["third_call_ms"] = called_at.size() > 2 ? called_at[2] : 0;
  result.figures["next_slot_ms"] = slot_ms;
  return result;
}

}  // namespace

Lesson periodic_work_lesson() {
  return {.id = "09",
          .folder = "tutorials/09_periodic_work",
          .title = "Periodic work",
          .seeds = "003 §3.5",
          .minutes = 10,
          .steps = {{"09.1", "minute_loop drifts by its work time", the_drifting_loop},
                    {"09.2", "the accurate loop keeps to the grid", the_accurate_loop},
                    {"09.3", "PeriodicCallback skips the slots it missed",
                     periodic_callback_skips_what_it_missed}}};
}

}  // namespace parity::tutorials
