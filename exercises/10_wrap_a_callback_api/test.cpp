// Exercise 10's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <boost/asio/use_awaitable.hpp>

#include <optional>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

namespace {

// What escaped the loop's handlers while a test ran it ("" if nothing): a Future whose handler is
// called twice throws there, for one.
std::string escaped;

// Runs `step` on the loop, noting what escapes it instead of letting it end the test.
template <class Step>
void guarded(Step step) {
  try {
    step();
  } catch (const std::exception& e) {
    escaped += escaped.empty() ? e.what() : std::string("; ") + e.what();
  }
}

// Runs the loop until `done` holds, 2 s at most: an operation that never completes fails the
// test instead of hanging it.
template <class Done>
bool run_until(parity::Loop& loop, Done done) {
  loop.context().restart();
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!done() && std::chrono::steady_clock::now() < deadline)
    guarded([&] { loop.context().run_one_for(10ms); });
  return done();
}

// Runs the loop until it has nothing left to do (1 s at most): a second call of a handler, had
// one been queued, has come by then.
void run_out(parity::Loop& loop) {
  loop.context().restart();
  auto deadline = std::chrono::steady_clock::now() + 1s;
  while (!loop.context().stopped() && std::chrono::steady_clock::now() < deadline)
    guarded([&] { loop.context().run_for(100ms); });
}

void expect_nothing_escaped() {
  EXPECT_BECAUSE(escaped.empty(), "a completion threw on the loop ("
                                      << escaped
                                      << "): is the handler called more than once (a Future "
                                         "set twice)? Call it exactly once");
  escaped.clear();
}

// What a callback saw: each value it was called with, and whether each call came on the loop.
struct Calls {
  std::vector<std::string> values;
  bool off_the_loop = false;
  bool inside_async_lookup = false;
};

// A callback for `loop` that notes each call in `calls`; `returned` is set once async_lookup has
// returned, so that a call from inside it shows. `Part` makes each part's callbacks a type of
// their own, as a class's would be.
template <int Part>
auto noting(parity::Loop& loop, Calls& calls, const bool& returned) {
  return [&loop, &calls, &returned](std::string value) {
    calls.values.push_back(std::move(value));
    if (!returned)
      calls.inside_async_lookup = true;  // said so; whether the loop ran then is beside the point
    else if (!loop.get_executor().running_in_this_thread())
      calls.off_the_loop = true;
  };
}

std::string quoted(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "\"" : ", \"") + v + "\"";
  return out.empty() ? "nothing" : out;
}

// Checks one callback's calls: once, after async_lookup returned, on the loop, with `wanted`.
void expect_one_call(const Calls& calls, const std::string& wanted, const std::string& what) {
  EXPECT_BECAUSE(!calls.values.empty(), what << " was never called: hand legacy_lookup's value "
                                                "to the handler, from legacy_lookup's callback");
  EXPECT_BECAUSE(!calls.inside_async_lookup,
                 what << " was called inside async_lookup, before legacy_lookup had answered, "
                         "with "
                      << quoted(calls.values)
                      << ": the value comes later; hand legacy_lookup's value to the handler from "
                         "its callback");
  EXPECT_BECAUSE(calls.values.size() <= 1, what << " was called " << calls.values.size()
                                                << " times (with " << quoted(calls.values)
                                                << "): a handler is called exactly once");
  EXPECT_BECAUSE(calls.values.empty() || calls.values[0] == wanted,
                 what << " got " << quoted(calls.values) << ", not \"" << wanted << "\"");
  EXPECT_BECAUSE(!calls.off_the_loop,
                 what << " was called on a thread that is not running the loop: call the "
                         "handler where legacy_lookup answers, on the executor async_lookup was "
                         "given (a post to the handler's own associated executor, with no "
                         "default, goes to a system thread for a plain lambda)");
}

struct Script {
  parity::Loop* loop;
  int key;
  std::optional<std::string> value;
  int resumed = 0;
  boost::asio::awaitable<void> look_up() {
    value = co_await exercise::async_lookup(loop->get_executor(), key, boost::asio::use_awaitable);
    ++resumed;
  }
};

// Two awaitables made first and kept, awaited later, the second one first.
struct KeptAwaitables {
  parity::Loop* loop;
  std::optional<std::string> first, second;
  boost::asio::awaitable<void> look_up() {
    auto ex = loop->get_executor();
    auto four = exercise::async_lookup(ex, 4, boost::asio::use_awaitable);
    auto minus_five = exercise::async_lookup(ex, -5, boost::asio::use_awaitable);
    second = co_await std::move(minus_five);
    first = co_await std::move(four);
  }
};

std::string shown(const std::optional<std::string>& value) {
  return value ? "\"" + *value + "\"" : "nothing";
}

}  // namespace

TEST(Exercise10, Part1_ACallbackGetsTheValue) {
  parity::Loop loop;
  Calls calls;
  bool returned = false;
  exercise::async_lookup(loop.get_executor(), 1, noting<1>(loop, calls, returned));
  returned = true;
  run_until(loop, [&] { return !calls.values.empty(); });
  run_out(loop);
  expect_nothing_escaped();
  expect_one_call(calls, "value of 1", "the callback");
}

TEST(Exercise10, Part2_UseFutureGivesAFuture) {
  parity::Loop loop;
  parity::Future<std::string> future =
      exercise::async_lookup(loop.get_executor(), 2, parity::use_future(loop.get_executor()));
  EXPECT_BECAUSE(!future.done(),
                 "the Future was done as async_lookup returned, before legacy_lookup had "
                 "answered: hand legacy_lookup's value to the handler from its callback");
  REQUIRE_BECAUSE(run_until(loop, [&] { return future.done(); }),
                  "the Future never got its value: hand legacy_lookup's value to the handler");
  std::string value;
  try {
    value = future.result();
  } catch (const std::exception& e) {
    value = std::string("an exception: ") + e.what();
  }
  EXPECT_BECAUSE(value == "value of 2", "the Future holds \"" << value << "\", not \"value of 2\"");
  run_out(loop);  // a second call of the handler would set the Future twice, which throws
  expect_nothing_escaped();
}

TEST(Exercise10, Part3_CoAwaitGivesTheValue) {
  parity::Loop loop;
  Script script{&loop, 3, {}, 0};
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(loop.get_executor(), script.look_up(), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  EXPECT_BECAUSE(run_until(loop, [&] { return done; }),
                 "co_await async_lookup(...) never resumed: hand legacy_lookup's value to the "
                 "handler");
  run_out(loop);
  expect_nothing_escaped();
  EXPECT_BECAUSE(!error, "co_await async_lookup(...) threw instead of giving the value");
  EXPECT_BECAUSE(!done || script.value == "value of 3",
                 "co_await gave " << shown(script.value) << ", not \"value of 3\"");
  EXPECT_BECAUSE(script.resumed <= 1, "the coroutine was resumed " << script.resumed
                                                                   << " times: call the handler "
                                                                      "exactly once");
}

TEST(Exercise10, Part4_AnAwaitableKeptForLaterGivesItsOwnValue) {
  parity::Loop loop;
  KeptAwaitables script{&loop, {}, {}};
  std::exception_ptr error;
  bool done = false;
  boost::asio::co_spawn(loop.get_executor(), script.look_up(), [&](std::exception_ptr e) {
    error = e;
    done = true;
  });
  EXPECT_BECAUSE(run_until(loop, [&] { return done; }),
                 "two awaitables of async_lookup, made and kept, then awaited, never both "
                 "resumed (the first gave "
                     << shown(script.second) << ")");
  run_out(loop);
  expect_nothing_escaped();
  EXPECT_BECAUSE(!error, "co_await of a kept async_lookup(...) threw instead of giving the value");
  EXPECT_BECAUSE(!done || (script.first == "value of 4" && script.second == "value of -5"),
                 "async_lookup(ex, 4, use_awaitable) and async_lookup(ex, -5, use_awaitable), kept "
                 "and awaited later, gave "
                     << shown(script.first) << " and " << shown(script.second)
                     << ", not \"value of 4\" and \"value of -5\". With use_awaitable the "
                        "lookup starts only when awaited, after async_lookup has returned: are "
                        "the executor and the key captured by reference, rather than passed to "
                        "async_initiate to be copied?");
}

TEST(Exercise10, Part5_LookupsAtOnceGetTheirOwnValues) {
  parity::Loop loop;
  // Four at once, every style, keys 0 and negative among them: all started before the loop runs.
  Calls zero, minus_one;
  bool returned = false;
  exercise::async_lookup(loop.get_executor(), 0, noting<5>(loop, zero, returned));
  exercise::async_lookup(loop.get_executor(), -1, noting<5>(loop, minus_one, returned));
  returned = true;
  parity::Future<std::string> future =
      exercise::async_lookup(loop.get_executor(), 6, parity::use_future(loop.get_executor()));
  Script script{&loop, 7, {}, 0};
  bool done = false;
  boost::asio::co_spawn(loop.get_executor(), script.look_up(),
                        [&](std::exception_ptr) { done = true; });
  run_until(loop, [&] {
    return zero.values.size() + minus_one.values.size() >= 2 && future.done() && done;
  });
  run_out(loop);
  expect_nothing_escaped();
  expect_one_call(zero, "value of 0", "of two callbacks waiting at once, the first (key 0)");
  expect_one_call(minus_one, "value of -1",
                  "of two callbacks waiting at once, the second (key -1)");
  std::string value = "nothing";
  if (future.done()) {
    try {
      value = "\"" + future.result() + "\"";
    } catch (const std::exception& e) {
      value = std::string("an exception: ") + e.what();
    }
  }
  EXPECT_BECAUSE(value == "\"value of 6\"",
                 "with other lookups waiting at once, the Future of key 6 got "
                     << value << ", not \"value of 6\"");
  EXPECT_BECAUSE(script.value == "value of 7",
                 "with other lookups waiting at once, co_await of key 7 gave "
                     << shown(script.value) << ", not \"value of 7\""
                     << (script.value && !script.value->empty()
                             ? ": each call must keep its own handler and its own key (is one "
                               "kept in a static, or captured by reference?)"
                             : ""));
}

TEST(Exercise10, Part6_EachCompletesOnItsOwnLoop) {
  // Two loops: each lookup answers on the executor it was given, and nowhere else.
  parity::Loop first_loop, second_loop;
  Calls first, second;
  bool returned = false;
  exercise::async_lookup(first_loop.get_executor(), 8, noting<6>(first_loop, first, returned));
  exercise::async_lookup(second_loop.get_executor(), 9, noting<6>(second_loop, second, returned));
  returned = true;
  run_until(first_loop, [&] { return !first.values.empty(); });
  run_out(first_loop);
  EXPECT_BECAUSE(second.values.empty() || second.inside_async_lookup,
                 "a lookup given the second loop's executor completed while only the first loop "
                 "ran: pass legacy_lookup the executor async_lookup was given");
  run_until(second_loop, [&] { return !second.values.empty(); });
  run_out(second_loop);
  expect_nothing_escaped();
  expect_one_call(first, "value of 8", "the callback of the lookup on the first loop");
  expect_one_call(second, "value of 9", "the callback of the lookup on the second loop");
}
