// Lesson 06: blocking inside async code. A blocking call inside a coroutine serializes requests as
// the sync style did, and run_in_executor fixes it; a CPU loop blocks every style but threadpool;
// the pool's size is the new limit.

#include "tutorials/06_blocking_inside_async/lesson.hpp"

#include "app/demo/endpoint.hpp"
#include "bench/compare/compare.hpp"
#include "common/http/client/client.hpp"
#include "common/http/server/server_thread.hpp"
#include "common/log/log.hpp"
#include "common/loop/run_in_executor.hpp"
#include "tutorials/02_blocking_server/heartbeat.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace parity::tutorials {
namespace {

namespace json = boost::json;

// What a library that blocks does: it holds the thread it was called on. (Never inlined, so that
// 06.5's stack can name it.)
[[gnu::noinline]] void blocking_library_call() {
  std::this_thread::sleep_for(300ms);
  asm volatile("" ::: "memory");  // not a tail call either: its frame stays on the stack
}

void answer_times(http::RequestHandler& handler, double started_at) {
  handler.finish(json::value{{"started_at", started_at}, {"finished_at", demo::monotonic_ms()}});
}

// [excerpt: blocking_inside]
// A coroutine that calls the blocking library directly: the mistake seed 001's notes warn of.
class BlockingInside : public http::RequestHandler {
 public:
  asio::awaitable<void> get() {
    blocking_library_call();  // no co_await: the loop's thread is held right here
    answer_times(*this, started_at_);
    co_return;
  }

 private:
  double started_at_ = demo::monotonic_ms();
};

// The same call handed to a pool, and awaited.
class WrappedInPool : public http::RequestHandler {
 public:
  void initialize(asio::thread_pool* pool) { pool_ = pool; }
  asio::awaitable<void> get() {
    auto call = [] { blocking_library_call(); };
    co_await run_in_executor(*pool_, call, asio::use_awaitable);
    answer_times(*this, started_at_);
  }

 private:
  asio::thread_pool* pool_ = nullptr;
  double started_at_ = demo::monotonic_ms();
};
// [/excerpt]

StepResult a_blocking_call_in_a_coroutine() {
  asio::thread_pool pool(4);
  auto app = std::make_shared<http::Application>();
  app->add<BlockingInside>("/blocking-inside").add<WrappedInPool>("/wrapped", "", &pool);
  http::ServerThread server;
  http::ServerOptions quiet;
  quiet.access_log = false;
  server.start(app, quiet);
  std::optional<Heartbeat> heartbeat;
  heartbeat.emplace(server.loop());
  auto inside = at_once(server.url("/blocking-inside"), 2);
  auto wrapped = at_once(server.url("/wrapped"), 2);
  // Beats in the 300 ms before each answer: the blocking call's time, wherever it ran (the
  // handler's start is earlier: a coroutine's first step is posted, and a beat may run first).
  auto beats_during = [&](const std::vector<Timed>& timed) {
    std::string text;
    int beats = 0;
    for (const auto& t : timed) {
      int n = heartbeat->between(t.finished_at - 300, t.finished_at);
      text += fmt::format("{}{}", text.empty() ? "" : ", ", n);
      beats += n;
    }
    return std::pair{beats, text};
  };
  auto [inside_beats, inside_text] = beats_during(inside);
  auto [wrapped_beats, wrapped_text] = beats_during(wrapped);
  heartbeat.reset();
  server.stop();
  pool.join();
  StepResult result;
  // Lines of the two get()s above, as they are (README 06.1 shows the whole classes).
  result.output =
      "/blocking-inside, BlockingInside::get():\n"
      "  blocking_library_call();  // no co_await: the loop's thread is held right here\n"
      "/wrapped, WrappedInPool::get():\n"
      "  auto call = [] { blocking_library_call(); };\n"
      "  co_await run_in_executor(*pool_, call, asio::use_awaitable);\n\n" +
      timeline("GET /blocking-inside, two at once (a 300 ms blocking call in a coroutine)",
               inside) +
      timeline("GET /wrapped, two at once (the same call on a pool, awaited)", wrapped) +
      fmt::format(
          "the loop's heartbeat (a callback every 10 ms), beats during each request's 300 ms "
          "call:\n"
          "  /blocking-inside: {}\n  /wrapped:         {}\n",
          inside_text, wrapped_text);
  result.notice =
      "being a coroutine does not make a call asynchronous: the blocking call held the loop's "
      "thread, and the second request waited as in the sync style (lesson 02.2). Handed to a pool "
      "and awaited, the two ran at once.";
  result.figures["inside_overlap_ms"] = overlap_ms(inside);
  result.figures["wrapped_overlap_ms"] = overlap_ms(wrapped);
  result.figures["inside_beats"] = inside_beats;
  result.figures["wrapped_beats"] = wrapped_beats;
  return result;
}

// How many of `probes` short requests the server started and finished while `long_one` ran.
int answered_during(const Timed& long_one, const std::vector<Timed>& probes) {
  int inside = 0;
  for (const auto& p : probes)
    if (p.started_at > long_one.started_at && p.finished_at < long_one.finished_at) ++inside;
  return inside;
}

Timed times_of(const http::FetchResponse& response) {
  auto body = json::parse(response.body).as_object();
  return {body.at("started_at").to_number<double>(), body.at("finished_at").to_number<double>()};
}

// /STYLE/compute, and meanwhile /STYLE/sleep?ms=0 one after the other until it answers.
std::pair<Timed, std::vector<Timed>> compute_while_probing(const Demo& demo,
                                                           const std::string& style) {
  auto compute = std::async(std::launch::async, [&] {
    return http::fetch_blocking({"GET", demo.service.url("/" + style + "/compute?n=1000000000")});
  });
  std::vector<Timed> probes;
  while (compute.wait_for(0ms) != std::future_status::ready && probes.size() < 1000) {
    probes.push_back(
        times_of(http::fetch_blocking({"GET", demo.service.url("/" + style + "/sleep?ms=0")})));
  }
  return {times_of(compute.get()), probes};
}

StepResult a_cpu_loop() {
  Demo demo;
  auto [coroutine_compute, coroutine_probes] = compute_while_probing(demo, "coroutine");
  auto [pool_compute, pool_probes] = compute_while_probing(demo, "threadpool");
  int coroutine_inside = answered_during(coroutine_compute, coroutine_probes);
  int pool_inside = answered_during(pool_compute, pool_probes);
  StepResult result;
  result.output = fmt::format(
      "GET /coroutine/compute?n=1000000000 took {:.0f} ms; of the {} request(s) to "
      "/coroutine/sleep?ms=0 sent meanwhile, {} were served while it ran.\n"
      "GET /threadpool/compute?n=1000000000 took {:.0f} ms; of the {} request(s) to "
      "/threadpool/sleep?ms=0 sent meanwhile, {} were served while it ran.\n",
      coroutine_compute.finished_at - coroutine_compute.started_at, coroutine_probes.size(),
      coroutine_inside, pool_compute.finished_at - pool_compute.started_at, pool_probes.size(),
      pool_inside);
  result.notice =
      "CPU work never waits, so there is no co_await to let go at: the coroutine's sum of squares "
      "held the loop, and no other request was served until it was done (the same in sync, "
      "callback and future). Only the threadpool style moves it off the loop. For CPU work in "
      "Python, the Tornado tutorial this lesson follows reaches for a process pool (the GIL); "
      "C++ threads run in parallel, so the pool is enough.";
  result.figures["coroutine_served_meanwhile"] = coroutine_inside;
  result.figures["threadpool_served_meanwhile"] = pool_inside;
  return result;
}

StepResult the_pool_is_the_limit() {
  Demo demo;
  auto timed = at_once(demo.service.url("/threadpool/sleep?ms=200"), 10);
  int second_wave = finished_after(timed, 400);
  StepResult result;
  result.output =
      timeline("GET /threadpool/sleep?ms=200, ten at once, --pool 5", timed) +
      fmt::format(
          "\"started\" is when the loop began a request's handler, as soon as it came in:\n"
          "the loop itself is free. The sleep inside waits for one of the pool's 5\n"
          "threads, so {} of 10 finished 400 ms or more after the first started: a\n"
          "second wave.\n",
          second_wave);
  result.notice = fmt::format(
      "five at a time: the pool has 5 threads (the seed's ThreadPoolExecutor(5)) and each sleep "
      "holds one. {} of 10 waited for the second wave. By Little's law the threadpool style's "
      "limit is pool / latency: for /fetch, 5 / 0.1 s = 50/s (`bench/run.sh fetch` measures "
      "it).",
      second_wave);
  result.figures["second_wave"] = second_wave;
  return result;
}

// One row of the comparison in 06.4: `style` with `pool` threads, 100 users for a second.
compare::Row measured(const std::string& style, unsigned pool) {
  compare::Settings settings;
  settings.profile = compare::unleashed_profile();  // no client cap: only threads can limit
  settings.profile.duration = 1s;
  settings.styles = {style};
  settings.pool = pool;
  return compare::run_comparison(settings, [](const std::string&) {}).front();
}

StepResult the_whole_app_on_a_pool() {
  const std::vector<std::pair<std::string, unsigned>> runs{
      {"threadpool", 5}, {"threadpool", 50}, {"coroutine", 5}};
  std::string text = "GET /{style}/fetch, 100 users for 1 s, the client's cap lifted:\n";
  double worst_over = 0, errors = 0;
  for (const auto& [style, pool] : runs) {
    auto row = measured(style, pool);
    text +=
        fmt::format("  {:<10} --pool {:<3} {:7.1f} trans/sec   limit {:6.0f}/s, set by {}\n", style,
                    pool, row.summary.transaction_rate, row.limit.rate, row.limit.bound_by);
    worst_over = std::max(worst_over, row.percent_of_limit - 100);
    errors += static_cast<double>(row.summary.failed) + !row.error.empty();
  }
  StepResult result;
  result.output = text;
  result.notice =
      "seed 002's WSGIContainer_With_Thread ran the whole blocking app on a pool, and found it "
      "\"did not really help\": it is still a thread per waiting request. Ten times the threads, "
      "ten times the rate, and the pool's size stays the limit. The coroutine needs no thread "
      "to wait, so 100 users are its limit with the same five pool threads unused.";
  result.figures["worst_over_limit"] = worst_over;
  result.figures["errors"] = errors;
  return result;
}

// The same BlockingInside with the blocking log on (lesson 08's loop call): one warning, naming the
// request and the call, and nothing for the request that hands the call to a pool.
StepResult the_blocking_log_names_the_call() {
  std::mutex mutex;
  std::vector<std::string> warnings;
  log::set_sink([&](std::string_view line) {
    std::lock_guard lock(mutex);
    if (line.find("held loop thread") != std::string_view::npos) warnings.emplace_back(line);
  });
  asio::thread_pool pool(1);
  auto app = std::make_shared<http::Application>();
  app->add<BlockingInside>("/blocking-inside").add<WrappedInPool>("/wrapped", "", &pool);
  http::ServerThread server;
  server.loop().set_blocking_log_threshold(100ms);
  http::ServerOptions quiet;
  quiet.access_log = false;
  server.start(app, quiet);
  http::fetch_blocking({"GET", server.url("/wrapped")});
  auto after_wrapped = [&] {
    std::lock_guard lock(mutex);
    return warnings.size();
  }();
  http::fetch_blocking({"GET", server.url("/blocking-inside")});
  server.stop();  // the warning is written by the time the loop has stopped
  pool.join();
  log::set_sink({});
  StepResult result;
  result.output = fmt::format(
      "server.loop().set_blocking_log_threshold(100ms);   // parity serve has it on at 100 ms\n\n"
      "GET /wrapped: {} warning(s)\nGET /blocking-inside: the log says\n{}\n",
      after_wrapped, warnings.empty() ? "(nothing)" : warnings.front());
  result.notice =
      "the loop cannot tell a slow coroutine from a blocked one by its results, but it can see "
      "its own thread: a piece of work that holds it past the threshold is named, with where it "
      "was when caught. Tornado 4 had this (IOLoop.set_blocking_log_threshold); asyncio's debug "
      "mode and tokio-console do the same job.";
  result.figures["warnings_for_wrapped"] = static_cast<double>(after_wrapped);
  result.figures["warnings"] = static_cast<double>(warnings.size());
  result.figures["names_the_call"] =
      !warnings.empty() && warnings.front().find("blocking_library_call") != std::string::npos;
  result.figures["names_the_request"] =
      !warnings.empty() && warnings.front().find("GET /blocking-inside") != std::string::npos;
  return result;
}

}  // namespace

Lesson blocking_inside_async_lesson() {
  return {.id = "06",
          .folder = "tutorials/06_blocking_inside_async",
          .title = "Blocking inside async code",
          .seeds = "002, 001 notes, 003 §3.2-3.3",
          .minutes = 15,
          .steps = {
              {"06.1", "A blocking call inside a coroutine, and run_in_executor",
               a_blocking_call_in_a_coroutine},
              {"06.2", "A CPU loop blocks every style but threadpool", a_cpu_loop},
              {"06.3", "The pool's size is the new limit", the_pool_is_the_limit},
              {"06.4", "The whole app on a pool: seed 002's experiment", the_whole_app_on_a_pool},
              {"06.5", "The blocking log names the call that holds the loop",
               the_blocking_log_names_the_call}}};
}

}  // namespace parity::tutorials
