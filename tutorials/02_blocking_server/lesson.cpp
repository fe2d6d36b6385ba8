// Lesson 02: the blocking server. One request to the sync style's /fetch (seed 001's "Time Cost"
// page); two requests at once to /sync/sleep and to /coroutine/sleep, read from the server's own
// timestamps; then siege -c100 -t3s at /sync/fetch, against Little's law.

#include "tutorials/02_blocking_server/lesson.hpp"

#include "common/http/client/client.hpp"
#include "tools/process/process.hpp"
#include "tutorials/02_blocking_server/heartbeat.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>

#include <regex>
#include <sstream>

namespace parity::tutorials {
namespace {

StepResult one_request() {
  Demo demo;
  auto url = demo.service.url("/sync/fetch");
  Heartbeat heartbeat(demo.service.loop());
  auto response = http::fetch_blocking({"GET", url});
  heartbeat.next();  // the beat that ends the gap
  const double gap = heartbeat.longest_gap();
  StepResult result;
  result.output = fmt::format(
      "$ curl {}\nHTTP {}\n{}\n"
      "Meanwhile the server's loop kept a heartbeat, a callback every 10 ms:\n"
      "  beats: {}, the longest gap between two: {:.0f} ms (the upstream takes {} ms)\n",
      url, response.status, response.body, heartbeat.beats().size(), gap, kLatency.count());
  result.notice =
      "the handler waited about 0.1 s for the upstream, and held the loop while it waited: the "
      "heartbeat, which asks for nothing but the loop's thread, missed its beats for as long. A "
      "second request would have waited as long (the next step sends two).";
  result.figures["status"] = response.status;
  result.figures["request_seconds"] = response.request_time.count();
  result.figures["longest_gap_ms"] = gap;
  return result;
}

StepResult two_at_once() {
  Demo demo;
  Heartbeat heartbeat(demo.service.loop());
  auto sync = at_once(demo.service.url("/sync/sleep?ms=500"), 2);
  auto coroutine = at_once(demo.service.url("/coroutine/sleep?ms=500"), 2);
  auto beats_during = [&](const std::vector<Timed>& timed) {
    int beats = 0;
    // The 500 ms before each answer: its sleep, whatever ran between the start and the sleep.
    for (const auto& t : timed) beats += heartbeat.between(t.finished_at - 500, t.finished_at);
    return beats;
  };
  const int sync_beats = beats_during(sync), coroutine_beats = beats_during(coroutine);
  StepResult result;
  result.output = timeline("GET /sync/sleep?ms=500, two at once", sync) +
                  timeline("GET /coroutine/sleep?ms=500, two at once", coroutine) +
                  fmt::format(
                      "the loop's heartbeat (a callback every 10 ms), beats during the requests' "
                      "500 ms sleeps, both requests' counted (at most 2 x 50):\n"
                      "  sync:      {}\n  coroutine: {}\n",
                      sync_beats, coroutine_beats);
  result.notice =
      "the sync server started the second request only when the first had finished (seed 002: 5 "
      "s, then 10 s); the coroutine server ran both at once.";
  result.figures["sync_overlap_ms"] = overlap_ms(sync);
  result.figures["coroutine_overlap_ms"] = overlap_ms(coroutine);
  result.figures["sync_total_ms"] = total_ms(sync);
  result.figures["coroutine_total_ms"] = total_ms(coroutine);
  result.figures["sync_beats"] = sync_beats;
  result.figures["coroutine_beats"] = coroutine_beats;
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
      "upstream takes {} ms, so at most 1 / {:.1f} s = {:.0f} transactions/sec.\n"
      "siege's Concurrency counts something else: its users waiting for an answer, on average\n"
      "(the sum of response times / elapsed time: rate x response time = {:.2f}/s x {:.2f} s =\n"
      "{:.2f}). Most of them wait in the server's queue, not in the handler: the server serves\n"
      "1 at a time.\n",
      kLatency.count(), std::chrono::duration<double>(kLatency).count(), limit,
      summary.transaction_rate, summary.response_time, summary.concurrency);
  result.notice = fmt::format(
      "{:.2f} trans/sec, near the limit of {:.0f}: the seed's siege got 9.70 with 29 hits. 100 "
      "users, and the server still answers one at a time; the others wait their turn, which is "
      "the long response time.",
      summary.transaction_rate, limit);
  result.figures["transaction_rate"] = summary.transaction_rate;
  result.figures["limit"] = limit;
  result.figures["transactions"] = static_cast<double>(summary.transactions);
  result.figures["failed"] = static_cast<double>(summary.failed);
  result.figures["concurrency"] = summary.concurrency;
  return result;
}

// siege's output without its line per transaction (-b prints one for each, in verbose mode).
std::string siege_lines(const std::string& output) {
  std::string kept;
  std::istringstream in(output);
  int skipped = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("HTTP/1.") != std::string::npos && line.find("secs:") != std::string::npos) {
      ++skipped;
      continue;
    }
    kept += line + "\n";
  }
  if (skipped > 0) kept += fmt::format("({} lines, one per transaction, left out)\n", skipped);
  return kept;
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
  const auto began = Clock::now();
  auto done = compare::run_program({"siege", "-b", "-c100", "-t3S", url}, 33s);
  const double wall = std::chrono::duration<double>(Clock::now() - began).count();
  result.output = fmt::format("$ siege -b -c100 -t3S {}\n{}", url, siege_lines(done.output));
  // Its summary, in text ("Elapsed time: 3.96 secs") or JSON ("elapsed_time": 3.96).
  auto field = [&](const char* text_name, const char* json_name) {
    std::smatch match;
    std::regex pattern(std::string("(?:") + text_name + ":|\"" + json_name + "\":)\\s*([0-9.]+)");
    return std::regex_search(done.output, match, pattern) ? std::stod(match[1]) : -1.0;
  };
  const double hits = field("Transactions", "transactions");
  const double elapsed = field("Elapsed time", "elapsed_time");
  const double shortest = field("Shortest transaction", "shortest_transaction");
  if (hits >= 0 && elapsed > 0) {
    result.output += fmt::format(
        "\nWhat siege's figures are:\n"
        "  Elapsed time {:.2f} s: siege's clock, from when its users start to when the last has\n"
        "    stopped, not the 3 s asked (siege 4.1.6's -t3S timer fires on a whole second of the\n"
        "    wall clock, 3 to 4 s after it is set). This step timed the whole command: {:.2f} s.\n"
        "  Transaction rate: {:.0f} hits / {:.2f} s by siege's clock; {:.0f} / {:.2f} s = {:.2f}/s "
        "by this step's.\n"
        "    The sync server's limit is 10/s (02.3).\n",
        elapsed, wall, hits, elapsed, hits, wall, hits / wall);
    if (shortest >= 0 && hits < 100)
      result.output += fmt::format(
          "  Shortest transaction {:.2f}: the least of each user's shortest, and a user that\n"
          "    finished no transaction counts 0. {:.0f} hits for 100 users: at least {:.0f} "
          "users\n"
          "    finished none. Every transaction that finished waited for the upstream's 0.1 s.\n",
          shortest, hits, 100 - hits);
  }
  result.notice =
      "Debian's siege, the seed's tool, lands near what parity siege does: the rate is the "
      "server's, not the tool's. Its Elapsed time and Shortest transaction are read above.";
  result.figures["hits"] = hits;
  result.figures["wall_seconds"] = wall;
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
