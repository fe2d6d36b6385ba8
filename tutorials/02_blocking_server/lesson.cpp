// Lesson 02: the blocking server. One request to the sync style's /fetch (seed 001's "Time Cost"
// page); two requests at once to /sync/sleep and to /coroutine/sleep, read from the server's own
// timestamps; then siege -c100 -t3s at /sync/fetch, against Little's law.

#include "tutorials/02_blocking_server/lesson.hpp"

#include "bench/compare/process.hpp"
#include "bench/siege/runner.hpp"
#include "bench/siege/stats.hpp"
#include "common/http/client.hpp"
#include "styles/service_thread.hpp"
#include "upstream/upstream.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <future>
#include <thread>

namespace parity::tutorials {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

constexpr auto kLatency = 100ms;  // the upstream's, as Parity assumes for the seeds' API

// The demo service in front of a simulated upstream, both on free ports of this machine, for the
// length of one step.
struct Demo {
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = kLatency, .jitter = 0ms}};
  styles::ServiceThread service{{.upstream_url = upstream.url()}};
};

StepResult one_request() {
  Demo demo;
  auto url = demo.service.url("/sync/fetch");
  auto response = http::fetch_blocking({"GET", url});
  StepResult result;
  result.output = fmt::format("$ curl {}\nHTTP {}\n{}", url, response.status, response.body);
  result.notice =
      "the handler waited about 0.1 s for the upstream, and blocked the loop while it waited: no "
      "other request of this server could run meanwhile.";
  result.figures["status"] = response.status;
  result.figures["request_seconds"] = response.request_time.count();
  return result;
}

struct Timed {
  double started_at = 0;   // server-side monotonic ms, from the answer
  double finished_at = 0;
};

// Sends `count` requests to `url` at once, each from a thread of its own, and reads when the
// server started and finished each one.
std::vector<Timed> at_once(const std::string& url, int count) {
  std::vector<std::future<http::FetchResponse>> answers;
  for (int i = 0; i < count; ++i) {
    answers.push_back(std::async(std::launch::async, [url] {
      return http::fetch_blocking({"GET", url});
    }));
  }
  std::vector<Timed> timed;
  for (auto& answer : answers) {
    auto body = json::parse(answer.get().body).as_object();
    timed.push_back({body.at("started_at").to_number<double>(),
                     body.at("finished_at").to_number<double>()});
  }
  std::sort(timed.begin(), timed.end(),
            [](const Timed& a, const Timed& b) { return a.started_at < b.started_at; });
  return timed;
}

// How long the requests ran at the same time: the latest start to the earliest finish, in ms.
// Negative: they ran one after the other, with that long between them.
double overlap_ms(const std::vector<Timed>& timed) {
  double latest_start = timed.front().started_at, earliest_finish = timed.front().finished_at;
  for (const auto& t : timed) {
    latest_start = std::max(latest_start, t.started_at);
    earliest_finish = std::min(earliest_finish, t.finished_at);
  }
  return earliest_finish - latest_start;
}

std::string timeline(const std::string& style, const std::vector<Timed>& timed) {
  std::string text = fmt::format("GET /{}/sleep?ms=500, two at once:\n", style);
  double zero = timed.front().started_at;
  for (std::size_t i = 0; i < timed.size(); ++i) {
    text += fmt::format("  request {}: started at {:6.0f} ms, finished at {:6.0f} ms\n", i + 1,
                        timed[i].started_at - zero, timed[i].finished_at - zero);
  }
  return text;
}

StepResult two_at_once() {
  Demo demo;
  auto sync = at_once(demo.service.url("/sync/sleep?ms=500"), 2);
  auto coroutine = at_once(demo.service.url("/coroutine/sleep?ms=500"), 2);
  StepResult result;
  result.output = timeline("sync", sync) + timeline("coroutine", coroutine);
  result.notice =
      "the sync server started the second request only when the first had finished (seed 002: 5 "
      "s, then 10 s); the coroutine server ran both at once.";
  result.figures["sync_overlap_ms"] = overlap_ms(sync);
  result.figures["coroutine_overlap_ms"] = overlap_ms(coroutine);
  result.figures["sync_total_ms"] = sync.back().finished_at - sync.front().started_at;
  result.figures["coroutine_total_ms"] =
      std::max(coroutine[0].finished_at, coroutine[1].finished_at) - coroutine.front().started_at;
  return result;
}

// siege's -c100 -t3s, a new connection per request as siege makes them by default.
siege::Options seed_siege(const std::string& url) {
  siege::Options options;
  options.targets = {{"GET", url, ""}};
  options.concurrency = 100;
  options.time = 3s;
  options.benchmark = true;
  options.keep_alive = false;
  return options;
}

StepResult siege_the_sync_server() {
  Demo demo;
  auto url = demo.service.url("/sync/fetch");
  auto run = siege::run(seed_siege(url));
  auto summary = siege::summarize(run.records, run.elapsed);
  const double limit = 1.0 / std::chrono::duration<double>(kLatency).count();
  StepResult result;
  result.output = fmt::format("$ parity siege {} -c100 -t3s --no-keepalive -b\n{}", url,
                              siege::format_summary(summary));
  result.output += fmt::format(
      "\nLittle's law: in flight = rate x latency. The sync server has 1 request in flight, the "
      "upstream takes {} ms, so at most 1 / {:.1f} s = {:.0f} transactions/sec.\n",
      kLatency.count(), std::chrono::duration<double>(kLatency).count(), limit);
  result.notice = fmt::format(
      "{:.2f} trans/sec, near the limit of {:.0f}: the seed's siege got 9.70 with 29 hits. 100 "
      "users, and the server still answers one at a time; the others wait their turn, which is "
      "the long response time.",
      summary.transaction_rate, limit);
  result.figures["transaction_rate"] = summary.transaction_rate;
  result.figures["limit"] = limit;
  result.figures["transactions"] = static_cast<double>(summary.transactions);
  result.figures["failed"] = static_cast<double>(summary.failed);
  return result;
}

StepResult debian_siege() {
  StepResult result;
  if (!compare::program_exists("siege")) {
    result.output = "Debian's siege is not installed here.\n";
    result.notice =
        "install it with `PARITY_BENCH_DEPS=1 scripts/install-deps.sh` and run this step again "
        "(`parity tutorial 02.4`).";
    return result;
  }
  Demo demo;
  auto url = demo.service.url("/sync/fetch");
  // siege 4.0 can hang after a timed run (JoeDog/siege#4): killed 30 s later, its summary kept.
  auto done = compare::run_program({"siege", "-b", "-c100", "-t3S", url}, 33s);
  result.output = fmt::format("$ siege -b -c100 -t3S {}\n{}", url, done.output);
  result.notice =
      "Debian's siege, the seed's tool, reports about what parity siege does: the rate is the "
      "server's, not the tool's.";
  return result;
}

}  // namespace

Lesson blocking_server_lesson() {
  return {.id = "02",
          .folder = "tutorials/02_blocking_server",
          .title = "The blocking server",
          .seeds = "001 §1, 002 §1",
          .minutes = 15,
          .steps = {{"02.1", "One request to the sync style's /fetch", one_request},
                    {"02.2", "Two requests at once: sync against coroutine", two_at_once},
                    {"02.3", "siege -c100 -t3s at the sync server", siege_the_sync_server},
                    {"02.4", "The same with Debian's siege", debian_siege}}};
}

}  // namespace parity::tutorials
