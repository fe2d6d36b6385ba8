// What each style's machinery costs per operation, on one thread, next to asio::post (the
// cheapest thing a loop can do). Printed as ns/op and as a ratio to post, measured in one run.
//
//   build/release/bench/micro/parity-micro [--benchmark_min_time=0.2]

#include "common/future/multi.hpp"
#include "common/future/use_future.hpp"

#include <benchmark/benchmark.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

namespace {

namespace asio = boost::asio;
using parity::Future;

// The reference: queue a callback and run it.
void post_a_callback(benchmark::State& state) {
  asio::io_context loop;
  int runs = 0;
  for (auto _ : state) {
    asio::post(loop, [&runs] { ++runs; });
    loop.poll_one();
  }
  benchmark::DoNotOptimize(runs);
}

// Callback style: the same, with the callback bound to a strand as the handlers bind theirs.
void post_to_a_strand(benchmark::State& state) {
  asio::io_context loop;
  auto strand = asio::make_strand(loop);
  int runs = 0;
  for (auto _ : state) {
    asio::post(strand, [&runs] { ++runs; });
    loop.poll();
  }
  benchmark::DoNotOptimize(runs);
}

// Future style: resolve a Future and run its done callback.
void resolve_a_future(benchmark::State& state) {
  asio::io_context loop;
  int runs = 0;
  for (auto _ : state) {
    Future<int> future(loop.get_executor());
    future.add_done_callback([&runs](Future<int>) { ++runs; });
    future.set_result(1);
    loop.poll_one();
  }
  benchmark::DoNotOptimize(runs);
}

// Future style: gather ten resolved Futures with multi().
void multi_of_ten(benchmark::State& state) {
  asio::io_context loop;
  for (auto _ : state) {
    std::vector<Future<int>> futures;
    for (int i = 0; i < 10; ++i) futures.emplace_back(loop.get_executor());
    auto all = parity::multi(futures, loop.get_executor());
    for (int i = 0; i < 10; ++i) futures[i].set_result(i);
    loop.restart();
    loop.run();
    benchmark::DoNotOptimize(all.done());
  }
}

// Coroutine style: co_await an operation with nothing to wait for (a post to our own executor).
// (Not dispatch: it would resume inline, one stack frame deeper per iteration.)
asio::awaitable<void> await_posts(benchmark::State& state) {
  auto executor = co_await asio::this_coro::executor;
  for (auto _ : state) co_await asio::post(executor, asio::use_awaitable);
}
void co_await_a_post(benchmark::State& state) {
  asio::io_context loop;
  asio::co_spawn(loop, await_posts(state), asio::detached);
  loop.run();
}

// Coroutine style: co_await a timer that has already expired.
asio::awaitable<void> await_zero_timers(benchmark::State& state) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (auto _ : state) {
    timer.expires_after(std::chrono::seconds(0));
    co_await timer.async_wait(asio::use_awaitable);
  }
}
void co_await_a_zero_timer(benchmark::State& state) {
  asio::io_context loop;
  asio::co_spawn(loop, await_zero_timers(state), asio::detached);
  loop.run();
}

// Threadpool style: hand work to a pool thread and the result back to the loop.
void loop_to_pool_and_back(benchmark::State& state) {
  asio::io_context loop;
  auto work = asio::make_work_guard(loop);
  asio::thread_pool pool(1);
  for (auto _ : state) {
    bool back = false;
    asio::post(pool, [&loop, &back] { asio::post(loop, [&back] { back = true; }); });
    while (!back) loop.run_one();
  }
  pool.join();
}

BENCHMARK(post_a_callback);
BENCHMARK(post_to_a_strand);
BENCHMARK(resolve_a_future);
BENCHMARK(multi_of_ten);
BENCHMARK(co_await_a_post);
BENCHMARK(co_await_a_zero_timer);
BENCHMARK(loop_to_pool_and_back)->UseRealTime();

// The console report, then each row's time per operation as a multiple of post's.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.run_type != Run::RT_Iteration) continue;
      double ns =
          run.GetAdjustedRealTime();  // wall time: the pool round trip waits on another thread
      ns_per_op_[run.benchmark_name()] = ns;
      order_.push_back(run.benchmark_name());
    }
  }
  void print_ratios() const {
    auto reference = ns_per_op_.find("post_a_callback");
    if (reference == ns_per_op_.end()) return;
    std::printf("\n%-28s %10s %14s\n", "operation", "ns/op", "x asio::post");
    for (const auto& name : order_) {
      double ns = ns_per_op_.at(name);
      std::printf("%-28s %10.1f %13.1fx\n", name.c_str(), ns, ns / reference->second);
    }
  }

 private:
  std::map<std::string, double> ns_per_op_;
  std::vector<std::string> order_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
