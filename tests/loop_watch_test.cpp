// Seeing the loop: the blocking log names a piece of work that holds a loop thread, once, with
// the stack where it was caught, and never a coroutine that only waits; Server-Timing puts each
// request's time where its style spends it.

#include "common/http/server/server_thread.hpp"
#include "common/http/web/application.hpp"
#include "common/http/wire/server_timing.hpp"
#include "common/loop/loop.hpp"
#include "common/loop/run_in_executor.hpp"
#include "common/loop/trace.hpp"
#include "tests/support/event.hpp"
#include "tests/support/log_capture.hpp"
#include "tests/support/raw_connection.hpp"

#include <gtest/gtest.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace parity {
namespace {

using namespace std::chrono_literals;
using http::Timing;
using test::LogCapture;

// The blocking call the stack must name: not inlined, not a tail call.
[[gnu::noinline]] void hold_the_loop(std::chrono::milliseconds how_long) {
  std::this_thread::sleep_for(how_long);
  asm volatile("" ::: "memory");
}

#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
// A sanitizer slows every piece of work, and ThreadSanitizer symbolizes its reports (suppressed
// ones too, to match them) inside the handler that made them: limits no such piece crosses.
constexpr auto kThreshold = 1000ms;
constexpr auto kHold = 2500ms;
#else
constexpr auto kThreshold = 100ms;
constexpr auto kHold = 400ms;
#endif
constexpr double kHoldMs = std::chrono::duration<double, std::milli>(kHold).count();

std::vector<std::string> warnings(LogCapture& log) {
  return log.containing("held loop thread");
}

TEST(BlockingLog, NamesACallbackThatHoldsTheLoopOnceWithTheBlockingFrame) {
  LogCapture log;
  Loop loop;
  loop.set_blocking_log_threshold(kThreshold);
  loop.spawn_callback("the slow callback", [] { hold_the_loop(kHold); });
  loop.add_callback([&] { loop.stop(); });
  loop.run();

  auto told = warnings(log);
  ASSERT_EQ(told.size(), 1u) << "one piece of work held the loop past the threshold: one warning";
  EXPECT_NE(told[0].find("the slow callback held loop thread 1 for about"), std::string::npos)
      << told[0];
  EXPECT_NE(told[0].find("hold_the_loop"), std::string::npos)
      << "the stack names the blocking function:\n"
      << told[0];
  EXPECT_NE(told[0].find("run_in_executor"), std::string::npos) << "and the fix:\n" << told[0];
}

TEST(BlockingLog, SaysNothingOfACoroutineThatWaits) {
  LogCapture log;
  Loop loop;
  loop.set_blocking_log_threshold(kThreshold);
  loop.spawn_callback("waits", [&loop]() -> asio::awaitable<void> {
    asio::steady_timer timer(loop.context(), kHold);
    co_await timer.async_wait(asio::use_awaitable);
    loop.stop();
  });
  loop.run();
  EXPECT_TRUE(warnings(log).empty()) << "waiting on a timer does not hold the loop";
}

TEST(BlockingLog, IsOffUnlessAThresholdIsSet) {
  LogCapture log;
  Loop loop;
  loop.spawn_callback("the slow callback", [] { hold_the_loop(kHold); });
  loop.add_callback([&] { loop.stop(); });
  loop.run();
  EXPECT_TRUE(warnings(log).empty());
}

TEST(BlockingLog, WatchesEachThreadOfTheLoop) {
  LogCapture log;
  Loop loop;
  loop.set_blocking_log_threshold(kThreshold);
  // Two callbacks that hold a thread each, at the same time: a barrier proves both ran at once.
  std::atomic<int> arrived{0};
  auto hold_together = [&] {
    ++arrived;
    test::eventually([&] { return arrived == 2; });
    hold_the_loop(kHold);
  };
  loop.spawn_callback("first", hold_together);
  loop.spawn_callback("second", hold_together);
  std::jthread stopper([&] {
    test::eventually([&] { return warnings(log).size() == 2; }, 10s);
    loop.stop();
  });
  loop.run(2);
  auto told = warnings(log);
  ASSERT_EQ(told.size(), 2u) << (told.empty() ? "" : told[0]);
  bool thread_1 = false, thread_2 = false;
  for (const auto& line : told) {
    thread_1 |= line.find("held loop thread 1") != std::string::npos;
    thread_2 |= line.find("held loop thread 2") != std::string::npos;
  }
  EXPECT_TRUE(thread_1 && thread_2) << told[0] << "\n" << told[1];
}

// ---- Requests ----------------------------------------------------------------------------------

class HoldsTheLoop : public http::RequestHandler {
 public:
  void get() {
    hold_the_loop(kHold);
    finish("held");
  }
};

// Holds the loop twice, in get() and in a callback: one request, told once.
class HoldsTheLoopTwice : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  void get() {
    hold_the_loop(kHold);
    timer_.emplace(get_executor(), 1ms);
    timer_->async_wait(async_callback([this](boost::system::error_code) {
      hold_the_loop(kHold);
      finish("held twice");
    }));
  }

 private:
  std::optional<asio::steady_timer> timer_;
};

class WaitsOnATimer : public http::RequestHandler {
 public:
  asio::awaitable<void> get() {
    asio::steady_timer timer(get_executor(), kHold);
    co_await timer.async_wait(asio::use_awaitable);
    finish("waited");
  }
};

// Pool work that is done, and billed, while the loop's piece that handed it over still runs.
class PoolWorkWithinTheLoopsPiece : public http::RequestHandler {
 public:
  static constexpr bool asynchronous = true;
  explicit PoolWorkWithinTheLoopsPiece(asio::thread_pool* pool) : pool_(pool) {}
  void get() {
    auto sleep = [] { std::this_thread::sleep_for(kThreshold / 4); };
    run_in_executor(*pool_, sleep, async_callback([](std::exception_ptr) {}));
    while (timing().pool.count() == 0) std::this_thread::yield();  // until billed
    finish("overlapped");
  }

 private:
  asio::thread_pool* pool_;
};

class SleepsInAPool : public http::RequestHandler {
 public:
  explicit SleepsInAPool(asio::thread_pool* pool) : pool_(pool) {}
  asio::awaitable<void> get() {
    auto sleep = [] { std::this_thread::sleep_for(kHold); };
    co_await run_in_executor(*pool_, sleep, asio::use_awaitable);
    finish("slept in the pool");
  }

 private:
  asio::thread_pool* pool_;
};

struct ServerTiming {
  double loop, wait, pool, total;
};

class LoopWatch : public ::testing::Test {
 protected:
  LoopWatch() {
    auto app = std::make_shared<http::Application>();
    app->add<HoldsTheLoop>("/hold")
        .add<HoldsTheLoopTwice>("/hold-twice")
        .add<WaitsOnATimer>("/wait")
        .add<SleepsInAPool>("/pool", "", &pool)
        .add<PoolWorkWithinTheLoopsPiece>("/pool-within", "", &pool);
    server.loop().set_blocking_log_threshold(kThreshold);
    http::ServerOptions options;
    options.access_log = false;
    server.start(app, options);
  }

  http::Response get(const std::string& target) {
    test::RawConnection c(server.port());
    c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = c.read_response(10s);
    if (!response) throw std::runtime_error("no answer to " + target + " within 10 s");
    return *response;
  }

  static ServerTiming timing_of(const http::Response& response) {
    std::string header(response["Server-Timing"]);
    auto t = http::parse_server_timing(header);
    if (!t)
      throw std::runtime_error("Server-Timing is not loop, wait, pool, total: '" + header + "'");
    auto ms = [](Timing::duration d) {
      return std::chrono::duration<double, std::milli>(d).count();
    };
    return {ms(t->loop), ms(t->wait), ms(t->pool), ms(t->total)};
  }

  asio::thread_pool pool{1};
  LogCapture log;  // before the server: its threads log into it until they stop
  http::ServerThread server;
};

TEST_F(LoopWatch, NamesTheRequestThatHeldTheLoopAndItsFrame) {
  EXPECT_EQ(get("/hold").body(), "held");
  server.stop();
  auto told = warnings(log);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_NE(told[0].find("GET /hold (route /hold, "), std::string::npos) << told[0];
  EXPECT_NE(told[0].find("HoldsTheLoop)"), std::string::npos) << told[0];
  EXPECT_NE(told[0].find("hold_the_loop"), std::string::npos) << told[0];
}

TEST_F(LoopWatch, TellsOfARequestOnceHoweverOftenItHoldsTheLoop) {
  EXPECT_EQ(get("/hold-twice").body(), "held twice");
  server.stop();
  EXPECT_EQ(warnings(log).size(), 1u);
}

TEST_F(LoopWatch, SaysNothingOfARequestThatWaitsOrSleepsInAPool) {
  EXPECT_EQ(get("/wait").body(), "waited");
  EXPECT_EQ(get("/pool").body(), "slept in the pool");
  server.stop();
  EXPECT_TRUE(warnings(log).empty());
}

// The parts: each at least zero, and loop + wait + pool is the total (each rounded down to the
// microsecond, so their sum is never more).
void expect_parts_add_up(const ServerTiming& t) {
  EXPECT_GE(t.loop, 0);
  EXPECT_GE(t.wait, 0);
  EXPECT_GE(t.pool, 0);
  EXPECT_LE(t.loop + t.wait + t.pool, t.total + 1e-9);
}

TEST_F(LoopWatch, ServerTimingPutsABlockingHandlersTimeOnTheLoop) {
  auto t = timing_of(get("/hold"));
  expect_parts_add_up(t);
  EXPECT_GE(t.loop, kHoldMs) << "it slept on the loop's thread";
  EXPECT_EQ(t.pool, 0);
}

TEST_F(LoopWatch, ServerTimingPutsACoroutinesWaitInWait) {
  auto t = timing_of(get("/wait"));
  expect_parts_add_up(t);
  EXPECT_GE(t.total, kHoldMs) << "a timer of kHold";
  EXPECT_LT(t.loop, t.total / 2) << "its code ran for moments between the waits";
  EXPECT_GT(t.wait, t.total / 2);
  EXPECT_EQ(t.pool, 0);
}

TEST_F(LoopWatch, ServerTimingPutsAPoolsWorkInPool) {
  auto t = timing_of(get("/pool"));
  expect_parts_add_up(t);
  EXPECT_GE(t.pool, kHoldMs) << "it slept on a pool thread";
  EXPECT_LT(t.loop, t.total / 2);
}

TEST_F(LoopWatch, ServerTimingCountsPoolWorkThatOverlapsTheLoopOnce) {
  auto t = timing_of(get("/pool-within"));
  expect_parts_add_up(t);
  constexpr double kPoolWorkMs = std::chrono::duration<double, std::milli>(kThreshold / 4).count();
  EXPECT_GE(t.loop, kPoolWorkMs) << "the loop's piece waited for the pool work";
}

// ---- The trace ---------------------------------------------------------------------------------

boost::json::array trace_events(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str()).at("traceEvents").as_array();
}

std::string temporary_trace_path(const char* name) {
  return (std::filesystem::temp_directory_path() /
          (std::string(name) + "-" + std::to_string(::getpid()) + ".json"))
      .string();
}

TEST_F(LoopWatch, TraceShowsABlockingRequestAsASolidSliceAndAWaitingOneAsASpan) {
  auto path = temporary_trace_path("parity-trace");
  {
    watch::Trace trace(path);
    // A loop of its own: its thread is named "loop thread 1" as it first records.
    http::ServerThread traced;
    auto app = std::make_shared<http::Application>();
    app->add<HoldsTheLoop>("/hold").add<WaitsOnATimer>("/wait");
    http::ServerOptions options;
    options.access_log = false;
    traced.start(app, options);
    for (const char* target : {"/hold", "/wait"}) {
      test::RawConnection c(traced.port());
      c.send(std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
      ASSERT_TRUE(c.read_response(10s));
    }
    traced.stop();
  }  // written here
  auto events = trace_events(path);
  std::filesystem::remove(path);
  double hold_slice = 0, wait_slices = 0, wait_span_begin = -1, wait_span_end = -1;
  bool named_loop_thread = false;
  for (const auto& value : events) {
    const auto& e = value.as_object();
    std::string ph(e.at("ph").as_string()), name(e.at("name").as_string());
    if (ph == "X" && name == "GET /hold") hold_slice += e.at("dur").to_number<double>();
    if (ph == "X" && name == "GET /wait") wait_slices += e.at("dur").to_number<double>();
    if (ph == "b" && name == "GET /wait") wait_span_begin = e.at("ts").to_number<double>();
    if (ph == "e" && name == "GET /wait") wait_span_end = e.at("ts").to_number<double>();
    if (ph == "M" && e.at("args").at("name") == "loop thread 1") named_loop_thread = true;
  }
  EXPECT_TRUE(named_loop_thread);
  EXPECT_GE(hold_slice, kHoldMs * 1000) << "GET /hold's code held the loop (in microseconds)";
  ASSERT_GE(wait_span_begin, 0);
  EXPECT_GE(wait_span_end - wait_span_begin, kHoldMs * 1000) << "GET /wait took kHold in all";
  EXPECT_LT(wait_slices, (wait_span_end - wait_span_begin) / 2) << "mostly waiting, off the loop";
}

// What the classroom's race samples: per loop thread, pieces begun and ended, odd while one runs.
TEST(LoopActivity, CountsEachThreadsPiecesAndIsOddWhileOneRuns) {
  Loop loop;
  EXPECT_TRUE(loop.activity().empty()) << "not running";
  auto started = std::make_shared<test::Event>(), release = std::make_shared<test::Event>();
  {
    std::jthread running([&loop] { loop.run(2); });
    // However the test ends, the loop lets go and stops before `running` joins it.
    struct Stop {
      Loop& loop;
      test::Event& release;
      ~Stop() {
        release.set();
        loop.stop();
      }
    } stop{loop, *release};
    ASSERT_TRUE(test::eventually([&] { return loop.activity().size() == 2; })) << "both threads";
    asio::post(loop.get_executor(), [started, release] {
      started->set();
      release->wait(60s);
    });
    ASSERT_TRUE(started->wait());
    auto during = loop.activity();
    ASSERT_EQ(during.size(), 2u);
    EXPECT_EQ((during[0] % 2) + (during[1] % 2), 1u) << "one thread, and only one, runs a piece";
  }
  EXPECT_TRUE(loop.activity().empty()) << "stopped";
}

TEST(Trace, StopsAtItsMostEventsAndStillWritesValidJson) {
  auto path = temporary_trace_path("parity-trace-full");
  {
    watch::Trace trace(path, /*max_events=*/3);
    watch::Label label{"callback", {}, {}, {}};
    auto now = watch::Trace::Clock::now();
    for (int i = 0; i < 10; ++i) trace.slice(&label, now, now + 1ms);
    EXPECT_EQ(trace.events(), 3u);
  }
  auto events = trace_events(path);
  std::filesystem::remove(path);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_NE(std::string(events.back().at("name").as_string()).find("stopped"), std::string::npos);
}

TEST(Trace, RefusesAPathItCannotWrite) {
  EXPECT_THROW(watch::Trace("/nonexistent-directory/trace.json"), std::runtime_error);
}

TEST(ServerTimingHeader, ReadsBackWhatItWrote) {
  Timing t{1234us, 100'000us, 0us, 101'234us};
  EXPECT_EQ(http::format_server_timing(t),
            "loop;dur=1.234, wait;dur=100.000, pool;dur=0.000, total;dur=101.234");
  auto back = http::parse_server_timing(http::format_server_timing(t));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->loop, t.loop);
  EXPECT_EQ(back->wait, t.wait);
  EXPECT_EQ(back->pool, t.pool);
  EXPECT_EQ(back->total, t.total);
  EXPECT_FALSE(
      http::parse_server_timing("loop;dur=1.2, wait;dur=1.000, pool;dur=0.000, total;dur=2.000"));
  EXPECT_FALSE(http::parse_server_timing("total;dur=2.000"));
  EXPECT_FALSE(http::parse_server_timing(""));
}

}  // namespace
}  // namespace parity
