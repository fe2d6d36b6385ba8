// parity::Future: Tornado's semantics (set once, callbacks on the loop and never inline), the
// use_future token on real Asio operations, and multi / with_timeout / sleep / run_in_executor.

#include "common/future/multi.hpp"
#include "common/future/sleep.hpp"
#include "common/future/use_future.hpp"
#include "common/future/with_timeout.hpp"
#include "common/http/client/client.hpp"
#include "common/loop/run_in_executor.hpp"
#include "tests/support/event.hpp"
#include "tests/support/refused_port.hpp"
#include "tests/support/test_server.hpp"

#include <gtest/gtest.h>
#include <boost/asio/thread_pool.hpp>

namespace parity {
namespace {

using namespace std::chrono_literals;

// Runs the loop until `future` is done (or 5 s pass).
template <class T>
bool run_until_done(Loop& loop, const Future<T>& future) {
  loop.context().restart();
  auto deadline = Clock::now() + 5s;
  while (!future.done() && Clock::now() < deadline) loop.context().run_one_for(10ms);
  loop.context().poll();  // the done callbacks queued by the last step
  return future.done();
}

TEST(Future, CallbacksRunOnTheLoopNeverInline) {
  Loop loop;
  Future<int> future(loop.get_executor());
  int seen = 0;
  future.add_done_callback([&](Future<int> f) { seen = f.result(); });
  future.set_result(7);
  EXPECT_EQ(seen, 0);  // not inside set_result
  loop.context().poll();
  EXPECT_EQ(seen, 7);
}

TEST(Future, ACallbackAddedWhenDoneIsStillQueued) {
  Loop loop;
  Future<int> future(loop.get_executor());
  future.set_result(1);
  bool ran = false;
  future.add_done_callback([&](Future<int>) { ran = true; });
  EXPECT_FALSE(ran);
  loop.context().poll();
  EXPECT_TRUE(ran);
}

TEST(Future, ResultBeforeDoneIsAnInvalidState) {
  Loop loop;
  Future<int> future(loop.get_executor());
  EXPECT_THROW(future.result(), InvalidStateError);
  future.set_result(1);
  EXPECT_THROW(future.set_result(2), InvalidStateError);
}

TEST(Future, AnExceptionIsRethrownByResult) {
  Loop loop;
  Future<void> future(loop.get_executor());
  future.set_exception(std::make_exception_ptr(std::runtime_error("no")));
  EXPECT_TRUE(future.done());
  EXPECT_THROW(future.result(), std::runtime_error);
  EXPECT_TRUE(future.exception());
}

TEST(Future, SetFromAnotherThreadCallsBackOnTheLoopThread) {
  Loop loop;
  Future<int> future(loop.get_executor());
  test::Event called;
  std::thread::id callback_thread;
  future.add_done_callback([&](Future<int>) {
    callback_thread = std::this_thread::get_id();
    called.set();
  });
  std::jthread loop_thread([&] { loop.run(); });
  std::jthread setter([future]() mutable { future.set_result(3); });
  ASSERT_TRUE(called.wait());
  EXPECT_EQ(callback_thread, loop_thread.get_id());
  loop.stop();
}

TEST(UseFuture, TurnsATimerWaitIntoAFuture) {
  Loop loop;
  asio::steady_timer timer(loop.get_executor(), 5ms);
  Future<void> fired = timer.async_wait(use_future(loop.get_executor()));
  ASSERT_TRUE(run_until_done(loop, fired));
  EXPECT_NO_THROW(fired.result());
}

TEST(UseFuture, TakesTheValueOfAnOperationThatCannotFail) {
  Loop loop;
  auto initiation = [](auto handler, int v) {
    auto executor = asio::get_associated_executor(handler);  // before the handler is moved
    asio::post(executor, [handler = std::move(handler), v]() mutable {
      std::move(handler)(std::to_string(v));
    });
  };
  auto token = use_future(loop.get_executor());
  Future<std::string> value =
      asio::async_initiate<use_future_t, void(std::string)>(initiation, token, 7);
  ASSERT_TRUE(run_until_done(loop, value));
  EXPECT_EQ(value.result(), "7");
}

TEST(UseFuture, CarriesAFetchErrorAsAnException) {
  test::RefusedPort refused;
  Loop loop;
  http::Client client(loop.get_executor());
  http::FetchRequest request{"GET", refused.url() + "/"};
  Future<http::FetchResponse> response =
      client.async_fetch(request, {}, use_future(loop.get_executor()));
  ASSERT_TRUE(run_until_done(loop, response));
  try {
    response.result();
    FAIL();
  } catch (const boost::system::system_error& e) {
    EXPECT_EQ(e.code(), http::FetchErrc::connect_failed);
  }
}

TEST(Multi, KeepsTheOrderGiven) {
  Loop loop;
  auto ex = loop.get_executor();
  std::vector<Future<int>> futures{Future<int>(ex), Future<int>(ex), Future<int>(ex)};
  auto all = multi(futures, ex);
  futures[2].set_result(30);
  futures[0].set_result(10);
  futures[1].set_result(20);
  ASSERT_TRUE(run_until_done(loop, all));
  EXPECT_EQ(all.result(), (std::vector<int>{10, 20, 30}));
}

TEST(Multi, TheFirstErrorWins) {
  Loop loop;
  auto ex = loop.get_executor();
  std::vector<Future<int>> futures{Future<int>(ex), Future<int>(ex)};
  auto all = multi(futures, ex);
  futures[1].set_exception(std::make_exception_ptr(std::invalid_argument("first")));
  futures[0].set_exception(std::make_exception_ptr(std::runtime_error("second, logged")));
  ASSERT_TRUE(run_until_done(loop, all));
  EXPECT_THROW(all.result(), std::invalid_argument);
}

TEST(Multi, OfNothingIsDoneAtOnce) {
  Loop loop;
  auto all = multi(std::vector<Future<int>>{}, loop.get_executor());
  EXPECT_TRUE(all.done());
  EXPECT_TRUE(all.result().empty());
}

TEST(Multi, OverNamedFuturesGivesTheResultsByName) {
  Loop loop;
  auto ex = loop.get_executor();
  std::map<std::string, Future<int>> named{{"user", Future<int>(ex)}, {"orders", Future<int>(ex)}};
  auto all = multi(named, ex);
  named.at("orders").set_result(2);
  named.at("user").set_result(1);
  ASSERT_TRUE(run_until_done(loop, all));
  EXPECT_EQ(all.result(), (std::map<std::string, int>{{"user", 1}, {"orders", 2}}));
}

TEST(Multi, OverNamedFuturesFailsWithTheFirstError) {
  Loop loop;
  auto ex = loop.get_executor();
  std::map<std::string, Future<int>> named{{"a", Future<int>(ex)}, {"b", Future<int>(ex)}};
  auto all = multi(named, ex);
  named.at("b").set_exception(std::make_exception_ptr(std::invalid_argument("b failed")));
  named.at("a").set_result(1);
  ASSERT_TRUE(run_until_done(loop, all));
  EXPECT_THROW(all.result(), std::invalid_argument);
}

TEST(WithTimeout, RaisesTimeoutErrorWhenTheFutureIsLate) {
  Loop loop;
  Future<int> never(loop.get_executor());
  auto bounded = with_timeout(never, 20ms);
  ASSERT_TRUE(run_until_done(loop, bounded));
  EXPECT_THROW(bounded.result(), TimeoutError);
}

TEST(WithTimeout, PassesAnEarlyResultThrough) {
  Loop loop;
  Future<int> soon(loop.get_executor());
  auto bounded = with_timeout(soon, 5s);
  soon.set_result(4);
  ASSERT_TRUE(run_until_done(loop, bounded));
  EXPECT_EQ(bounded.result(), 4);
}

TEST(Sleep, IsDoneAfterTheDelay) {
  Loop loop;
  auto start = Clock::now();
  auto slept = parity::sleep(loop.get_executor(), 20ms);
  ASSERT_TRUE(run_until_done(loop, slept));
  EXPECT_GE(Clock::now() - start, 20ms);
}

TEST(RunInExecutor, RunsOnThePoolAndResolvesOnTheLoop) {
  Loop loop;
  asio::thread_pool pool(2);
  auto loop_thread = std::this_thread::get_id();
  auto answer = run_in_executor(
      pool,
      [loop_thread] {
        EXPECT_NE(std::this_thread::get_id(), loop_thread);
        return 42;
      },
      use_future(loop.get_executor()));
  ASSERT_TRUE(run_until_done(loop, answer));
  EXPECT_EQ(answer.result(), 42);
  auto failing = run_in_executor(
      pool, []() -> int { throw std::runtime_error("pool"); }, use_future(loop.get_executor()));
  ASSERT_TRUE(run_until_done(loop, failing));
  EXPECT_THROW(failing.result(), std::runtime_error);
  pool.join();
}

}  // namespace
}  // namespace parity
