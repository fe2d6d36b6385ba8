// Lesson 17: co_await from scratch. A Task and two awaiters over the toy loop (task.hpp); the
// sleep server as coroutines; one co_await written out as the compiler does it; asio::awaitable
// and co_spawn; and GCC 12's two coroutine pitfalls, caught by AddressSanitizer.

#include "tutorials/17_co_await_from_scratch/lesson.hpp"

#include "common/loop/loop.hpp"
#include "tutorials/16_a_loop_from_scratch/sleep_client.hpp"
#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"
#include "tutorials/17_co_await_from_scratch/co_sleep_server.hpp"
#include "tutorials/17_co_await_from_scratch/task.hpp"
#include "tools/process/process.hpp"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <optional>
#include <thread>

namespace parity::tutorials {
namespace {

using namespace std::chrono_literals;
using toy::Task;

std::string lines(const std::vector<std::string>& log) {
  std::string text;
  for (const auto& line : log) text += "  " + line + "\n";
  return text;
}

// [excerpt: sleepy]
Task sleepy(toy::Loop& loop, std::vector<std::string>& log) {
  log.push_back("before the co_await");
  co_await toy::sleep_for(loop, 10ms);
  log.push_back("after it: resumed by the loop's timer");
}
// [/excerpt]

// Runs `start(loop, scope, log)` with a callback at 5 ms beside it, until 30 ms; the log.
template <class Start>
std::vector<std::string> beside_a_callback(Start start) {
  toy::Loop loop;
  toy::Scope scope;  // after the loop: it goes first, with any frame still suspended
  std::vector<std::string> log;
  loop.call_later(5ms, [&] { log.push_back("meanwhile the loop runs a 5 ms callback"); });
  loop.call_later(30ms, [&] { loop.stop(); });
  start(loop, scope, log);
  loop.run();
  return log;
}

const std::vector<std::string> kSleepyLog{"before the co_await",
                                          "meanwhile the loop runs a 5 ms callback",
                                          "after it: resumed by the loop's timer"};

StepResult a_task_and_its_awaiter() {
  std::size_t suspended = 0;
  auto log = beside_a_callback([&](toy::Loop& loop, toy::Scope& scope, auto& log) {
    scope.spawn(sleepy(loop, log));
    suspended = scope.live();  // 1: suspended in its co_await, owned by the scope
  });
  StepResult result;
  result.output = "scope.spawn(sleepy(loop, log)); loop.run();\n\nthe log:\n" + lines(log);
  result.notice =
      "co_await handed the coroutine's handle to a timer and returned to the loop, which ran "
      "something else; 10 ms later the timer's callback resumed the handle where it stopped.";
  result.figures["in_order"] = log == kSleepyLog ? 1 : 0;
  result.figures["suspended_after_spawn"] = static_cast<double>(suspended);
  return result;
}

StepResult the_server_top_to_bottom() {
  toy::Loop loop;
  std::optional<toy::CoSleepServer> server;
  server.emplace(loop, 100);
  std::thread thread([&] { loop.run(); });
  toy::Clients clients(server->port());
  for (int i = 0; i < 100; ++i) clients.send(toy::get("/sleep?ms=200"));
  clients.wait(10s);
  loop.stop();
  thread.join();
  int ok = 0;
  for (std::size_t i = 0; i < clients.size(); ++i) ok += clients.answer(i).status == 200;
  StepResult result;
  result.output = fmt::format(
      "100 clients, each GET /sleep?ms=200, all at once, to one Task per client:\n"
      "  answered 200: {}\n  waits in flight at once, at the most: {}\n"
      "  threads the server ran on: {}\n",
      ok, server->waits().peak(), server->waits().threads());
  result.notice =
      "the same barrier as 16.2, so the same proof: one thread held 100 waits at once. Each "
      "client is now one function read top to bottom; the loop underneath has not changed.";
  result.figures["answered_ok"] = ok;
  result.figures["peak_waiting"] = server->waits().peak();
  result.figures["threads"] = static_cast<double>(server->waits().threads());
  return result;
}

// [excerpt: by_hand]
// sleepy() as the compiler makes it, by hand: a frame with the parameters, the awaiter and where
// to go on, and a resume() that is the body cut at the co_await. The awaiter is the same one.
struct SleepyFrame {
  toy::Loop& loop;
  std::vector<std::string>& log;
  int resume_point = 0;
  std::optional<toy::SleepFor> awaiter;  // the co_await's operand lives in the frame

  struct Handle {  // what await_suspend is given: a way back into this frame
    SleepyFrame* frame;
    void resume() const { frame->resume(); }
  };

  void resume() {
    switch (resume_point) {
      case 0:
        log.push_back("before the co_await");
        awaiter.emplace(toy::sleep_for(loop, 10ms));  // co_await toy::sleep_for(loop, 10ms):
        if (!awaiter->await_ready()) {                //   not done at once, so suspend:
          resume_point = 1;                           //   where to go on from,
          awaiter->await_suspend(Handle{this});       //   the handle to the timer,
          return;                                     //   and back to whoever ran us
        }
        [[fallthrough]];
      case 1:                     // the timer's callback resumes here
        awaiter->await_resume();  //   the co_await's value (none)
        awaiter.reset();
        log.push_back("after it: resumed by the loop's timer");
    }
  }
};
// [/excerpt]

StepResult one_co_await_written_out() {
  auto compiled = beside_a_callback(
      [](toy::Loop& loop, toy::Scope& scope, auto& log) { scope.spawn(sleepy(loop, log)); });
  std::optional<SleepyFrame> frame;
  auto by_hand = beside_a_callback([&](toy::Loop& loop, toy::Scope&, auto& log) {
    frame.emplace(SleepyFrame{loop, log});
    frame->resume();  // what Scope::spawn does with a handle
  });
  StepResult result;
  result.output =
      "sleepy(), compiled:\n" + lines(compiled) + "SleepyFrame, by hand:\n" + lines(by_hand);
  result.notice =
      "co_await is await_ready, then await_suspend with a handle to the frame and a return to "
      "the caller, then await_resume when someone calls handle.resume(). The compiler writes the "
      "frame and the switch; the awaiter decides who resumes, and when.";
  result.figures["same_log"] = compiled == by_hand && compiled == kSleepyLog ? 1 : 0;
  return result;
}

// [excerpt: awaitable]
asio::awaitable<void> on_the_loop(bool& started, bool& on_loops_executor,
                                  Loop::executor_type loops) {
  started = true;
  auto executor = co_await asio::this_coro::executor;  // the one co_spawn gave it
  on_loops_executor = executor == asio::any_io_executor(loops);
  asio::steady_timer timer(executor, 10ms);  // its timers and sockets run there
  co_await timer.async_wait(asio::use_awaitable);
}
// [/excerpt]

StepResult awaitable_and_co_spawn() {
  Loop loop;
  bool started = false, on_loops_executor = false, finished = false;
  // [excerpt: co_spawn]
  auto coroutine = on_the_loop(started, on_loops_executor, loop.get_executor());
  bool started_when_made = started;  // false: an awaitable is lazy, and has no loop yet
  asio::co_spawn(loop.get_executor(), std::move(coroutine), [&](std::exception_ptr error) {
    finished = !error;
    loop.stop();
  });
  bool started_by_co_spawn = started;  // false: co_spawn posts its first step to the loop
  loop.run();
  // [/excerpt]
  StepResult result;
  result.output = fmt::format(
      "auto coroutine = on_the_loop(...);   started: {}\n"
      "asio::co_spawn(loop, coroutine, ...); started: {}\n"
      "loop.run();                          started: {}, on the loop's executor: {}, finished: "
      "{}\n",
      started_when_made, started_by_co_spawn, started, on_loops_executor, finished);
  result.notice =
      "an asio::awaitable does nothing until co_spawn gives it an executor: its first step is "
      "posted there, every co_await inside resumes there (this_coro::executor), and the handler "
      "given to co_spawn gets its end, an exception included. The toy's Scope::spawn is the same "
      "idea with the loop implied.";
  result.figures["started_when_made"] = started_when_made ? 1 : 0;
  result.figures["started_by_co_spawn"] = started_by_co_spawn ? 1 : 0;
  result.figures["ran_on_the_loop"] = started && on_loops_executor ? 1 : 0;
  result.figures["finished"] = finished ? 1 : 0;
  return result;
}

#ifdef PARITY_PITFALLS_PATH
// A captured variable read through a dead closure is wrong in every compiler, but only GCC's
// AddressSanitizer is seen to report it here: Clang 14's runs the program without a report, as
// if the dead closure were still there. The braced temporary
// destroyed twice is GCC 12's bug alone: GCC 14 and Clang destroy it once (GCC 13, and GCC before
// 12, are not tried).
enum class TemporaryBug { absent = 0, present = 1, untried = 2 };
constexpr TemporaryBug kTemporaryBug =
#if defined(__clang__)
    TemporaryBug::absent;
#elif defined(__GNUC__) && __GNUC__ == 12
    TemporaryBug::present;
#elif defined(__GNUC__) && __GNUC__ >= 14
    TemporaryBug::absent;
#else
    TemporaryBug::untried;
#endif
#if defined(__clang__)
constexpr bool kAsanCatchesTheLambda = false;
#else
constexpr bool kAsanCatchesTheLambda = true;
#endif

std::string compiler_name() {
#if defined(__clang__)
  return fmt::format("Clang {}.{}", __clang_major__, __clang_minor__);
#elif defined(__GNUC__)
  return fmt::format("GCC {}.{}", __GNUC__, __GNUC_MINOR__);
#else
  return "this compiler";
#endif
}

// The program run with one argument: what it printed (stdout and stderr) and how it ended.
compare::Finished run_pitfall(const char* which) {
  return compare::run_program({PARITY_PITFALLS_PATH, which}, std::chrono::seconds(30));
}

std::string first_error_line(const std::string& output) {
  auto at = output.find("ERROR: AddressSanitizer");
  if (at == std::string::npos) return "(no report)";
  auto line = output.substr(at, output.find('\n', at) - at);
  return line.substr(0, line.find(" on address")).substr(0, line.find(" on 0x"));
}
#endif

StepResult pitfalls_under_asan() {
  StepResult result;
#ifdef PARITY_PITFALLS_PATH
  auto lambda = run_pitfall("capturing-lambda");
  auto lambda_fixed = run_pitfall("capturing-lambda-fixed");
  auto temporary = run_pitfall("braced-temporary");
  auto temporary_fixed = run_pitfall("braced-temporary-fixed");
  auto clean = [](const compare::Finished& ran) {
    return ran.exit_code == 0 && ran.output.find("AddressSanitizer") == std::string::npos;
  };
  // Where the compiler has no bug, the temporary's run is clean and prints what the fix prints.
  auto temporary_seen = clean(temporary) ? fmt::format("clean, {}", temporary.output)
                                         : first_error_line(temporary.output) + "\n";
  result.output = fmt::format(
      "compiled by {}\n"
      "tutorial-17-pitfalls capturing-lambda        {}\n"
      "tutorial-17-pitfalls capturing-lambda-fixed  {}"
      "tutorial-17-pitfalls braced-temporary        {}"
      "tutorial-17-pitfalls braced-temporary-fixed  {}",
      compiler_name(), first_error_line(lambda.output), lambda_fixed.output, temporary_seen,
      temporary_fixed.output);
  const bool lambda_caught =
      lambda.exit_code != 0 && lambda.output.find("stack-use-after-scope") != std::string::npos;
  if (!lambda_caught)
    result.output += fmt::format(
        "{}'s AddressSanitizer did not report the capturing lambda: the mistake is the same (the "
        "frame reads a dead closure), but this compiler's build does not show it.\n",
        compiler_name());
  if (kTemporaryBug == TemporaryBug::absent && clean(temporary))
    result.output += fmt::format(
        "{} destroys the braced temporary once: the double destruction is GCC 12's bug, and the "
        "rule (name it first) is kept for GCC 12.\n",
        compiler_name());
  if (kTemporaryBug == TemporaryBug::untried)
    result.output += fmt::format(
        "{} is not tried here for the braced temporary: above is what it did.\n",
        compiler_name());
  result.figures["built"] = 1;
  result.figures["compiler_has_temporary_bug"] = static_cast<int>(kTemporaryBug);
  result.figures["temporary_clean"] = clean(temporary);
  result.figures["asan_catches_lambda"] = kAsanCatchesTheLambda;
  result.figures["lambda_caught"] = lambda_caught;
  result.figures["temporary_caught"] =
      temporary.exit_code != 0 && temporary.output.find("double-free") != std::string::npos;
  result.figures["lambda_fixed_clean"] = clean(lambda_fixed);
  result.figures["temporary_fixed_clean"] = clean(temporary_fixed);
#else
  result.output =
      "tutorial-17-pitfalls is not built here: this build already has a sanitizer in its flags "
      "(the tsan preset), and ThreadSanitizer and AddressSanitizer do not mix.\n";
  result.figures["built"] = 0;
#endif
  result.notice =
      "both are rules of this project for GCC 12, and both compile without a warning: a "
      "coroutine lambda's captures live in the closure, not the frame (so in every compiler); "
      "a braced temporary in a co_await is destroyed twice (GCC 12's bug). Where the mistake "
      "is made, AddressSanitizer turns it into a report at the line that reads it.";
  return result;
}

}  // namespace

Lesson co_await_from_scratch_lesson() {
  return {
      .id = "17",
      .folder = "tutorials/17_co_await_from_scratch",
      .title = "co_await from scratch",
      .seeds = "none (under the hood)",
      .minutes = 20,
      .steps = {{"17.1", "a task and its awaiter", a_task_and_its_awaiter},
                {"17.2", "the same server, top to bottom", the_server_top_to_bottom},
                {"17.3", "one co_await, written out", one_co_await_written_out},
                {"17.4", "asio::awaitable needs an executor: co_spawn", awaitable_and_co_spawn},
                {"17.5", "GCC 12's pitfalls, caught by AddressSanitizer", pitfalls_under_asan}}};
}

}  // namespace parity::tutorials
