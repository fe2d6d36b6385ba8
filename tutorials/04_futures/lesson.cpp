// Lesson 04: Futures. A Future made by hand, whose callbacks run on the loop and never inline,
// even when added after the result; the Future style's handler next to the callback one; and a
// function that takes a callback wrapped into a Future, as gen.Task did.

#include "tutorials/04_futures/lesson.hpp"

#include "common/loop/loop.hpp"
#include "common/future/future.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>

#include <vector>

namespace parity::tutorials {
namespace {

// What happened, in order.
struct Events {
  std::vector<std::string> lines;
  void add(std::string line) { lines.push_back(std::move(line)); }
  std::string text() const {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i)
      out += fmt::format("  {}. {}\n", i + 1, lines[i]);
    return out;
  }
  int position(const std::string& line) const {
    for (std::size_t i = 0; i < lines.size(); ++i)
      if (lines[i].starts_with(line)) return static_cast<int>(i);
    return -1;
  }
};

StepResult a_future_by_hand() {
  Loop loop;
  Events events;
  Future<int> answer(loop.get_executor());
  answer.add_done_callback([&](Future<int> done) {
    events.add(fmt::format("the done callback runs, on the loop: result() = {}", done.result()));
  });
  events.add("add_done_callback() returned: nothing is done yet");
  loop.call_later(50ms, [&] {
    events.add("50 ms later, a timer on the loop calls set_result(42)");
    answer.set_result(42);
    events.add("set_result() returned");
  });
  run_until_done(loop, answer);
  StepResult result;
  result.output =
      "Future<int> answer(loop.get_executor());\n"
      "answer.add_done_callback([](Future<int> done) { ... done.result() ... });\n"
      "loop.call_later(50ms, [&] { answer.set_result(42); });\n\n" +
      events.text();
  result.notice =
      "the callback did not run inside set_result(): it was queued on the loop and ran after "
      "set_result() returned. Code after set_result() never races its callbacks (Tornado and "
      "asyncio promise the same).";
  result.figures["callback_after_set_result"] =
      events.position("the done callback") > events.position("set_result() returned") ? 1 : 0;
  return result;
}

StepResult a_callback_added_late() {
  Loop loop;
  Events events;
  Future<std::string> answer(loop.get_executor());
  answer.set_result("ready");
  events.add("set_result(\"ready\"): the future is done before anyone listens");
  answer.add_done_callback(
      [&](Future<std::string> done) { events.add("the callback runs: " + done.result()); });
  events.add("add_done_callback() returned");
  run_until_done(loop, answer);
  StepResult result;
  result.output = events.text();
  result.notice =
      "a callback added to a future that is already done still runs, and still on the loop, after "
      "add_done_callback() has returned: the same order whether the result came first or last.";
  result.figures["callback_after_add"] =
      events.position("the callback runs") > events.position("add_done_callback() returned") ? 1
                                                                                             : 0;
  return result;
}

StepResult the_future_handler() {
  int removed = 0, added = 0;
  StepResult result;
  result.output = style_diff("fetch", "callback", "future", removed, added);
  result.notice =
      "the same operation, upstream().async_delay(), with another completion token: on_loop() "
      "(use_future on the handler's strand) makes it return a Future, and the lambda becomes its "
      "done callback. The error is no longer an argument: result() rethrows the FetchError, "
      "caught as in the sync style.";
  result.figures["lines_changed"] = removed + added;
  return result;
}

// A library from before Futures: it answers through a callback, later, on the loop.
// [excerpt: lookup]
void legacy_lookup(Loop& loop, int key, std::function<void(std::string)> callback) {
  loop.call_later(
      20ms, [key, callback = std::move(callback)] { callback("value of " + std::to_string(key)); });
}

// gen.Task's idea: a Future made here, resolved from the callback.
Future<std::string> lookup(Loop& loop, int key) {
  Future<std::string> future(loop.get_executor());
  legacy_lookup(loop, key, [future](std::string value) mutable { future.set_result(value); });
  return future;
}
// [/excerpt]

StepResult wrapping_a_callback_api() {
  Loop loop;
  auto value = lookup(loop, 7);
  run_until_done(loop, value);
  StepResult result;
  result.output = fmt::format(
      "void legacy_lookup(Loop&, int key, std::function<void(std::string)> callback);\n\n"
      "Future<std::string> lookup(Loop& loop, int key) {{\n"
      "  Future<std::string> future(loop.get_executor());\n"
      "  legacy_lookup(loop, key, [future](std::string value) mutable {{ "
      "future.set_result(value); }});\n"
      "  return future;\n"
      "}}\n\n"
      "lookup(loop, 7).result() == \"{}\"\n",
      value.result());
  result.notice =
      "the seed's gen.Task did this for any function with a callback argument. The Asio way goes "
      "one step further: written as an initiating function (async_initiate), one wrapper serves a "
      "callback, a Future and co_await alike, which is how every operation of Parity's core is "
      "written.";
  result.figures["value_is_right"] = value.result() == "value of 7" ? 1 : 0;
  return result;
}

}  // namespace

Lesson futures_lesson() {
  return {
      .id = "04",
      .folder = "tutorials/04_futures",
      .title = "Futures",
      .seeds = "003 §2.2, 004",
      .minutes = 15,
      .steps = {
          {"04.1", "A Future by hand: set_result and add_done_callback", a_future_by_hand},
          {"04.2", "A callback added after the result", a_callback_added_late},
          {"04.3", "The Future style's handler next to the callback one", the_future_handler},
          {"04.4", "Wrapping a callback API into a Future (gen.Task)", wrapping_a_callback_api}}};
}

}  // namespace parity::tutorials
