// Lesson 08: the loop itself, with Tornado's IOLoop vocabulary. add_callback from another thread;
// spawn_callback, whose exception is logged and not lost; call_later and remove_timeout; run_sync
// with a timeout.

#include "tutorials/08_the_loop/lesson.hpp"

#include "common/http/client/client.hpp"
#include "common/http/wire/server_timing.hpp"
#include "common/log/log.hpp"
#include "common/loop/loop.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <mutex>
#include <sstream>
#include <thread>

namespace parity::tutorials {
namespace {

std::string thread_name(std::thread::id id, std::thread::id loop_thread) {
  return id == loop_thread ? "the loop's thread" : "another thread";
}

StepResult add_callback_from_another_thread() {
  Loop loop;
  const auto loop_thread = std::this_thread::get_id();
  std::thread::id ran_on;
  std::jthread worker([&] {
    loop.add_callback([&] {
      ran_on = std::this_thread::get_id();
      loop.stop();
    });
  });
  loop.run();  // on this thread, until the callback stops it
  StepResult result;
  result.output = fmt::format(
      "std::jthread worker([&] {{ loop.add_callback([&] {{ ...; loop.stop(); }}); }});\n"
      "loop.run();\n\n"
      "add_callback was called on another thread; the callback ran on {}.\n",
      thread_name(ran_on, loop_thread));
  result.notice =
      "add_callback is the one safe way into the loop from outside: the callback is queued and "
      "runs on the loop's thread, where it may touch the loop's state without a lock.";
  result.figures["ran_on_loop_thread"] = ran_on == loop_thread ? 1 : 0;
  return result;
}

StepResult spawn_callback_logs_its_exception() {
  std::mutex mutex;
  std::string logged;
  log::set_sink([&](std::string_view line) {
    std::lock_guard lock(mutex);
    logged += line;
  });
  Loop loop;
  bool went_on = false;
  loop.spawn_callback("divide", [] { throw std::domain_error("division by zero"); });
  loop.call_later(10ms, [&] {
    went_on = true;
    loop.stop();
  });
  loop.run();
  log::set_sink({});
  StepResult result;
  result.output = fmt::format(
      "loop.spawn_callback(\"divide\", [] {{ throw std::domain_error(\"division by zero\"); "
      "}});\n\n"
      "the log:\n{}and a callback 10 ms later {}.\n",
      logged, went_on ? "still ran" : "did not run");
  result.notice =
      "fire and forget, as seed 004's spawn_callback(divide, 1, 0): nobody waits for the result, "
      "so nobody would see the exception; the loop logs it with the callback's name and goes on.";
  result.figures["logged"] = logged.find("division by zero") != std::string::npos ? 1 : 0;
  result.figures["loop_went_on"] = went_on ? 1 : 0;
  return result;
}

StepResult call_later_and_remove_timeout() {
  Loop loop;
  std::vector<std::string> ran;
  loop.call_later(20ms, [&] { ran.push_back("A (20 ms)"); });
  auto b = loop.call_later(40ms, [&] { ran.push_back("B (40 ms)"); });
  loop.call_later(10ms, [&] {
    loop.remove_timeout(b);
    ran.push_back("at 10 ms: remove_timeout(B)");
  });
  loop.call_later(60ms, [&] { loop.stop(); });
  loop.run();
  std::string text;
  for (const auto& line : ran) text += "  " + line + "\n";
  StepResult result;
  result.output =
      "auto b = loop.call_later(40ms, ...);   // and A at 20 ms\n"
      "loop.call_later(10ms, [&] { loop.remove_timeout(b); });\n\nwhat ran, in order:\n" +
      text;
  result.notice =
      "call_later returns a handle; remove_timeout on it before the time comes means the callback "
      "never runs (Tornado's add_timeout and remove_timeout).";
  bool b_ran = std::find(ran.begin(), ran.end(), "B (40 ms)") != ran.end();
  bool a_ran = std::find(ran.begin(), ran.end(), "A (20 ms)") != ran.end();
  result.figures["a_ran"] = a_ran ? 1 : 0;
  result.figures["b_ran"] = b_ran ? 1 : 0;
  return result;
}

asio::awaitable<void> wait_a_second() {
  asio::steady_timer timer(co_await asio::this_coro::executor, 1s);
  co_await timer.async_wait(asio::use_awaitable);
}

StepResult run_sync_with_a_timeout() {
  Loop loop;
  std::string what;
  bool timed_out = false;
  try {
    loop.run_sync([] { return wait_a_second(); }, 100ms);
  } catch (const TimeoutError& e) {
    timed_out = true;
    what = e.what();
  }
  StepResult result;
  result.output = fmt::format(
      "loop.run_sync([] {{ return wait_a_second(); }}, 100ms);\n  -> TimeoutError: {}\n", what);
  result.notice =
      "run_sync (lesson 05.4) with a deadline: past it the coroutine is cancelled (its timer "
      "completes with operation_aborted) and run_sync throws, so a script never hangs on an "
      "answer that does not come.";
  result.figures["timed_out"] = timed_out ? 1 : 0;
  return result;
}

// Each style's /fetch once, its Server-Timing read back: where the 100 ms of the upstream went.
StepResult server_timing_of_each_style() {
  Demo demo;
  std::string table = "style        on the loop   waiting   in the pool    total  (ms)\n";
  StepResult result;
  for (const char* style : {"sync", "callback", "future", "coroutine", "threadpool"}) {
    auto response =
        http::fetch_blocking({"GET", demo.service.url(fmt::format("/{}/fetch", style))});
    auto timing = http::parse_server_timing(std::string_view(response.headers["Server-Timing"]));
    if (!timing) throw std::runtime_error("no Server-Timing header in the answer");
    auto ms = [](http::Timing::duration d) {
      return std::chrono::duration<double, std::milli>(d).count();
    };
    table += fmt::format("{:<12} {:>11.1f} {:>9.1f} {:>13.1f} {:>8.1f}\n", style, ms(timing->loop),
                         ms(timing->wait), ms(timing->pool), ms(timing->total));
    result.figures[fmt::format("{}_loop_ms", style)] = ms(timing->loop);
    result.figures[fmt::format("{}_wait_ms", style)] = ms(timing->wait);
    result.figures[fmt::format("{}_pool_ms", style)] = ms(timing->pool);
    result.figures[fmt::format("{}_total_ms", style)] = ms(timing->total);
  }
  result.output =
      "curl -i http://127.0.0.1:PORT/STYLE/fetch   # each style once; a 100 ms upstream\n"
      "Server-Timing: loop;dur=..., wait;dur=..., pool;dur=..., total;dur=...\n\n" +
      table;
  result.notice =
      "the same 100 ms, spent in three places: sync spends it on the loop's thread (no other "
      "request runs meanwhile); callback, future and coroutine spend it waiting, with the loop's "
      "thread free and their own code running for a fraction of a millisecond; threadpool spends "
      "it on a pool thread.";
  return result;
}

}  // namespace

Lesson the_loop_lesson() {
  return {.id = "08",
          .folder = "tutorials/08_the_loop",
          .title = "The loop itself",
          .seeds = "003 §3.2, 004",
          .minutes = 10,
          .steps = {{"08.1", "add_callback from another thread", add_callback_from_another_thread},
                    {"08.2", "spawn_callback: an exception is logged, not lost",
                     spawn_callback_logs_its_exception},
                    {"08.3", "call_later and remove_timeout", call_later_and_remove_timeout},
                    {"08.4", "run_sync with a timeout", run_sync_with_a_timeout},
                    {"08.5", "Server-Timing: where each style spends a request's time",
                     server_timing_of_each_style}}};
}

}  // namespace parity::tutorials
