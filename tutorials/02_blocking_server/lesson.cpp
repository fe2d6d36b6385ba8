// Lesson 02: the blocking server. One request to the sync style's /fetch (seed 001's "Time Cost"
// page); two requests at once to /sync/sleep and to /coroutine/sleep, read from the server's own
// timestamps; then siege -c100 -t3s at /sync/fetch, against Little's law.

#include "tutorials/02_blocking_server/lesson.hpp"

#include "tools/process/process.hpp"
#include "common/http/client.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>

namespace parity::tutorials {
namespace {

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

StepResult two_at_once() {
  Demo demo;
  auto sync = at_once(demo.service.url("/sync/sleep?ms=500"), 2);
  auto coroutine = at_once(demo.service.url("/coroutine/sleep?ms=500"), 2);
  StepResult result;
  result.output = timeline("GET /sync/sleep?ms=500, two at once", sync) +
                  timeline("GET /coroutine/sleep?ms=500, two at once", coroutine);
  result.notice =
      "the sync server started the second request only when the first had finished (seed 002: 5 "
      "s, then 10 s); the coroutine server ran both at once.";
  result.figures["sync_overlap_ms"] = overlap_ms(sync);
  result.figures["coroutine_overlap_ms"] = overlap_ms(coroutine);
  result.figures["sync_total_ms"] = total_ms(sync);
  result.figures["coroutine_total_ms"] = total_ms(coroutine);
  return result;
}

StepResult siege_the_sync_server() {
  Demo demo;
  auto url = demo.service.url("/sync/fetch");
  auto run = seed_siege(url);
  const auto& summary = run.summary;
  const double limit = 1.0 / std::chrono::duration<double>(kLatency).count();
  StepResult result;
  result.output = run.text;
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
