#pragma once
// Mistake: the grid counted from turn 0, start + turn * period: every deadline a period early
// Fails with: compute each deadline from start + k * period, before the work

#include "exercises/support/world.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <vector>

namespace exercise {

using namespace parity;

// What the test gives the loop: the start of the grid, a record of each turn's deadline, and the
// work of one turn (30 ms of waiting). Leave it as it is.
struct Turns {
  Clock::time_point start = Clock::now();
  std::vector<Clock::time_point> deadlines;  // push each turn's timer expiry here
  std::vector<Clock::time_point> work_started;
  asio::awaitable<void> work() {
    work_started.push_back(Clock::now());
    asio::steady_timer busy(co_await asio::this_coro::executor, std::chrono::milliseconds(30));
    co_await busy.async_wait(asio::use_awaitable);
  }
};

// Runs turns->work() `count` times, one turn per `period`, on the grid start + k * period.
asio::awaitable<void> every(Turns* turns, std::chrono::milliseconds period, int count) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int turn = 0; turn < count; ++turn) {
    timer.expires_at(turns->start + turn * period);  // turn 0 is due at start, not a period on
    turns->deadlines.push_back(timer.expiry());
    co_await turns->work();
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace exercise
