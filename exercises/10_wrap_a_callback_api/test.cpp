// Exercise 10's parts, as README.md numbers them. exercise.hpp comes from the include path.

#include <exercise.hpp>  // angle brackets: from the include path, never from beside this file

#include <boost/asio/use_awaitable.hpp>

using namespace std::chrono_literals;

namespace {

// Runs the loop until `done` holds, 2 s at most: an operation that never completes fails the
// test instead of hanging it.
template <class Done>
bool run_until(parity::Loop& loop, Done done) {
  loop.context().restart();
  auto deadline = std::chrono::steady_clock::now() + 2s;
  while (!done() && std::chrono::steady_clock::now() < deadline) loop.context().run_one_for(10ms);
  return done();
}

struct Script {
  parity::Loop* loop;
  std::string value;
  boost::asio::awaitable<void> look_up() {
    value = co_await exercise::async_lookup(loop->get_executor(), 3, boost::asio::use_awaitable);
  }
};

}  // namespace

TEST(Exercise10, Part1_ACallbackGetsTheValue) {
  parity::Loop loop;
  std::string value;
  exercise::async_lookup(loop.get_executor(), 1, [&](std::string v) { value = v; });
  EXPECT_BECAUSE(run_until(loop, [&] { return !value.empty(); }),
                 "the callback was never called: hand legacy_lookup's value to the handler");
  EXPECT_BECAUSE(value.empty() || value == "value of 1",
                 "the callback got \"" << value << "\", not \"value of 1\"");
}

TEST(Exercise10, Part2_UseFutureGivesAFuture) {
  parity::Loop loop;
  parity::Future<std::string> future =
      exercise::async_lookup(loop.get_executor(), 2, parity::use_future(loop.get_executor()));
  REQUIRE_BECAUSE(run_until(loop, [&] { return future.done(); }), "the Future never got its value");
  EXPECT_BECAUSE(future.result() == "value of 2",
                 "the Future holds \"" << future.result() << "\", not \"value of 2\"");
}

TEST(Exercise10, Part3_CoAwaitGivesTheValue) {
  parity::Loop loop;
  Script script{&loop, {}};
  bool done = false;
  boost::asio::co_spawn(loop.get_executor(), script.look_up(),
                        [&](std::exception_ptr) { done = true; });
  EXPECT_BECAUSE(run_until(loop, [&] { return done; }), "co_await async_lookup(...) never resumed");
  EXPECT_BECAUSE(!done || script.value == "value of 3",
                 "co_await gave \"" << script.value << "\", not \"value of 3\"");
}
