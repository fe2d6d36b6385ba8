// Lesson 17: co_await from scratch. A Task and two awaiters over the toy loop (task.hpp); the
// sleep server as coroutines; one co_await written out as the compiler does it; asio::awaitable
// and co_spawn; and GCC 12's two coroutine pitfalls, caught by AddressSanitizer.

#include "tutorials/17_co_await_from_scratch/lesson.hpp"

#include "common/loop/loop.hpp"
#include "tools/process/process.hpp"
#include "tutorials/16_a_loop_from_scratch/sleep_client.hpp"
#include "tutorials/16_a_loop_from_scratch/toy_loop.hpp"
#include "tutorials/17_co_await_from_scratch/co_sleep_server.hpp"
#include "tutorials/17_co_await_from_scratch/task.hpp"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

namespace parity::tutorials {
namespace {

using namespace std::chrono_literals;
using toy::Task;

// Lines, each with when it was written in ms from `start` (the step's loop's start).
struct Log {
  toy::Clock::time_point start = toy::Clock::now();
  std::vector<std::string> lines;
  std::vector<double> at_ms;
  void push_back(std::string line) {
    lines.push_back(std::move(line));
    at_ms.push_back(std::chrono::duration<double, std::milli>(toy::Clock::now() - start).count());
  }
  double at(const std::string& line) const {
    auto found = std::find(lines.begin(), lines.end(), line);
    return found == lines.end() ? -1.0 : at_ms[static_cast<std::size_t>(found - lines.begin())];
  }
};

std::string lines(const Log& log, bool with_times = false) {
  std::string text;
  for (std::size_t i = 0; i < log.lines.size(); ++i)
    text += with_times ? fmt::format("  at {:3.0f} ms  {}\n", log.at_ms[i], log.lines[i])
                       : "  " + log.lines[i] + "\n";
  return text;
}

// [excerpt: sleepy]
Task sleepy(toy::Loop& loop, Log& log) {
  log.push_back("before the co_await");
  co_await toy::sleep_for(loop, 10ms);
  log.push_back("after it: resumed by the loop's timer");
}
// [/excerpt]

// [excerpt: beside]
// Runs `start(loop, scope, log)` with a callback at 5 ms beside it, until 30 ms; the log.
template <class Start>
Log beside_a_callback(Start start) {
  toy::Loop loop;
  toy::Scope scope;  // after the loop: it goes first, with any frame still suspended
  Log log;           // its clock starts here
  loop.call_later(5ms, [&] { log.push_back("meanwhile the loop runs a 5 ms callback"); });
  loop.call_later(30ms, [&] { loop.stop(); });
  start(loop, scope, log);  // spawns sleepy(), which runs to its co_await
  loop.run();
  return log;
}
// [/excerpt]

const std::vector<std::string> kSleepyLog{"before the co_await",
                                          "meanwhile the loop runs a 5 ms callback",
                                          "after it: resumed by the loop's timer"};

StepResult a_task_and_its_awaiter() {
  std::size_t suspended = 0;
  std::size_t logged_at_spawn = 0;
  auto log = beside_a_callback([&](toy::Loop& loop, toy::Scope& scope, auto& log) {
    scope.spawn(sleepy(loop, log));
    suspended = scope.live();  // 1: suspended in its co_await, owned by the scope
    logged_at_spawn = log.lines.size();
  });
  StepResult result;
  result.output = fmt::format(
      "scope.spawn(sleepy(loop, log));\n"
      "  when spawn returned: {} line(s) in the log, {} coroutine(s) suspended in a co_await\n"
      "loop.run();\n\n"
      "the log (ms from the step's start):\n{}",
      logged_at_spawn, suspended, lines(log, true));
  result.notice =
      "co_await handed the coroutine's handle to a timer and returned: spawn came back with the "
      "coroutine suspended, and the loop ran something else at 5 ms; at 10 ms or a little later "
      "the timer's callback resumed the handle where it stopped.";
  result.figures["in_order"] = log.lines == kSleepyLog ? 1 : 0;
  result.figures["suspended_after_spawn"] = static_cast<double>(suspended);
  result.figures["logged_at_spawn"] = static_cast<double>(logged_at_spawn);
  result.figures["callback_ms"] = log.at(kSleepyLog[1]);
  result.figures["resumed_ms"] = log.at(kSleepyLog[2]);
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
  Log& log;
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
  result.figures["same_log"] =
      compiled.lines == by_hand.lines && compiled.lines == kSleepyLog ? 1 : 0;
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

// [excerpt: toy_spawn]
Task starts(toy::Loop& loop, bool& started) {
  started = true;
  co_await toy::sleep_for(loop, 1ms);
}
// [/excerpt]

StepResult awaitable_and_co_spawn() {
  bool toy_started_when_made = false, toy_started_by_spawn = false;
  {
    toy::Loop toy_loop;
    toy::Scope scope;  // after the loop: it goes first, with the frame still suspended
    bool toy_started = false;
    // [excerpt: toy_spawn_call]
    auto task = starts(toy_loop, toy_started);
    toy_started_when_made = toy_started;  // false: a Task starts suspended too
    scope.spawn(std::move(task));
    toy_started_by_spawn = toy_started;  // true: spawn resumed it, here, to its first co_await
    // [/excerpt]
  }
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
      "the toy's Task:\n"
      "  auto task = starts(loop, started);     started: {}\n"
      "  scope.spawn(std::move(task));          started: {}\n"
      "asio::awaitable:\n"
      "  auto coroutine = on_the_loop(...);     started: {}\n"
      "  asio::co_spawn(loop, coroutine, ...);  started: {}\n"
      "  loop.run();                            started: {}, on the loop's executor: {}, "
      "finished: {}\n",
      toy_started_when_made, toy_started_by_spawn, started_when_made, started_by_co_spawn, started,
      on_loops_executor, finished);
  result.notice =
      "both are lazy when made, and differ in how they start: Scope::spawn resumes the coroutine "
      "at once, on the caller's thread, up to its first co_await; co_spawn only posts its first "
      "step to the executor it is given, so nothing runs until that loop does, and then on the "
      "loop. Every co_await inside resumes there (this_coro::executor), and the handler given to "
      "co_spawn gets its end, an exception included.";
  result.figures["toy_started_when_made"] = toy_started_when_made ? 1 : 0;
  result.figures["toy_started_by_spawn"] = toy_started_by_spawn ? 1 : 0;
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

// The first frame of ASan's report in pitfalls.cpp, as "at pitfalls.cpp:34, in operator()", and
// that line of the source when the path the report names can be read (a build's own tree).
std::string where_reported(const std::string& output) {
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) {
    auto file = line.find("pitfalls.cpp:");
    auto in_at = line.find(" in ");
    if (file == std::string::npos || in_at == std::string::npos || in_at > file) continue;
    auto path_start = line.rfind(' ', file) + 1;
    auto path = line.substr(path_start, file + 12 - path_start);
    int number = std::atoi(line.c_str() + file + 13);
    auto function = line.substr(in_at + 4, path_start - 1 - (in_at + 4));
    std::string text;
    std::ifstream source(path);
    for (int i = 1; std::getline(source, text) && i < number; ++i) {
    }
    text.erase(0, text.find_first_not_of(' '));
    return fmt::format("at pitfalls.cpp:{}, in {}{}{}", number, function, text.empty() ? "" : ": ",
                       text);
  }
  return "(the report names no line of pitfalls.cpp)";
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
  const bool lambda_caught =
      lambda.exit_code != 0 && lambda.output.find("stack-use-after-scope") != std::string::npos;
  const bool temporary_caught =
      temporary.exit_code != 0 && temporary.output.find("double-free") != std::string::npos;
  const std::string indent(45, ' ');
  auto reported = [&](const compare::Finished& ran) {
    return first_error_line(ran.output) + "\n" + indent + where_reported(ran.output) + "\n";
  };
  auto lambda_seen = lambda_caught ? reported(lambda) : first_error_line(lambda.output) + "\n";
  auto temporary_seen = clean(temporary)   ? fmt::format("clean, {}", temporary.output)
                        : temporary_caught ? reported(temporary)
                                           : first_error_line(temporary.output) + "\n";
  result.output = fmt::format(
      "compiled by {}\n"
      "tutorial-17-pitfalls capturing-lambda        {}"
      "tutorial-17-pitfalls capturing-lambda-fixed  {}"
      "tutorial-17-pitfalls braced-temporary        {}"
      "tutorial-17-pitfalls braced-temporary-fixed  {}",
      compiler_name(), lambda_seen, lambda_fixed.output, temporary_seen, temporary_fixed.output);
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
        "{} is not tried here for the braced temporary: above is what it did.\n", compiler_name());
  result.figures["built"] = 1;
  result.figures["compiler_has_temporary_bug"] = static_cast<int>(kTemporaryBug);
  result.figures["temporary_clean"] = clean(temporary);
  result.figures["asan_catches_lambda"] = kAsanCatchesTheLambda;
  result.figures["lambda_caught"] = lambda_caught;
  result.figures["temporary_caught"] = temporary_caught;
  result.figures["lambda_line_named"] =
      lambda_caught && where_reported(lambda.output).starts_with("at pitfalls.cpp:");
  result.figures["temporary_line_named"] =
      temporary_caught && where_reported(temporary.output).starts_with("at pitfalls.cpp:");
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
      "shows, AddressSanitizer stops the program with a report whose stack names the function "
      "and a line of pitfalls.cpp: the coroutine lambda, and the coroutine whose end destroys "
      "the temporary again.";
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
      .steps = {{"17.1", "a coroutine, suspended and resumed by the loop", a_task_and_its_awaiter},
                {"17.2", "the same server, top to bottom", the_server_top_to_bottom},
                {"17.3", "one co_await, written out", one_co_await_written_out},
                {"17.4", "asio::awaitable needs an executor: co_spawn", awaitable_and_co_spawn},
                {"17.5", "GCC 12's pitfalls, caught by AddressSanitizer", pitfalls_under_asan}}};
}

}  // namespace parity::tutorials
