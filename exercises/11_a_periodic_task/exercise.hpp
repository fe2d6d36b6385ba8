#pragma once
// Exercise 11: a periodic task that does not drift.
// The parts are in README.md; `parity learn check 11` runs their tests.

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
    // TODO: this is seed 003's minute_loop: the timer is set after the work, so every turn
    // lasts period + work and the loop drifts. Set each deadline on the grid instead, before
    // the work (seed 003's accurate loop).
    co_await turns->work();
    timer.expires_after(period);
    turns->deadlines.push_back(timer.expiry());
    co_await timer.async_wait(asio::use_awaitable);
  }
}

}  // namespace exercise
