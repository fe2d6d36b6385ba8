// Lesson 15: measuring. What each line of siege's summary means, and the one relation that ties
// three of them together (Little's law again: concurrency = rate x response time); `parity
// compare` under both profiles, each row against the limit Little's law gives it; the report
// it writes; and why a latency measured at a fixed rate differs from a closed loop's.

#include "tutorials/15_measuring/lesson.hpp"

#include "bench/compare/compare.hpp"
#include "bench/compare/report.hpp"
#include "bench/siege/runner.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace parity::tutorials {
namespace {

StepResult reading_sieges_numbers() {
  Demo demo;
  auto run = seed_siege(demo.service.url("/callback/fetch"));
  const auto& s = run.summary;
  double product = s.transaction_rate * s.response_time;
  StepResult result;
  result.output =
      run.text +
      fmt::format(
          "\nHow to read it:\n"
          "  Transactions       responses received ({}), whatever their status\n"
          "  Availability       the share of requests that got a response\n"
          "  Response time      the mean time per transaction ({:.3f} s): the users' wait\n"
          "  Transaction rate   transactions per second ({:.2f}): the server's work\n"
          "  Concurrency        requests in flight on average ({:.2f})\n"
          "  Longest/Shortest   the slowest and the fastest transaction\n"
          "  p50 .. max         percentiles (Parity's; Debian's siege has none)\n\n"
          "rate x response time = {:.2f} x {:.3f} = {:.2f} = Concurrency: Little's law\n",
          s.transactions, s.response_time, s.transaction_rate, s.concurrency, s.transaction_rate,
          s.response_time, product);
  result.notice =
      "about 80 requests were in flight on average, from the users' side, but only 10 at a time "
      "reached the upstream: the rest waited in the service's queue for the client's cap of 10. "
      "That wait is why a response took far longer than the upstream's 100 ms, and 10 in flight "
      "/ 0.1 s = 100 per second is the rate's limit however many users come.";
  result.figures["concurrency"] = s.concurrency;
  result.figures["rate_times_time"] = product;
  result.figures["failed"] = static_cast<double>(s.failed);
  return result;
}

// Four styles under a profile, one second per row: the command line, the settings, the rows.
struct Comparison {
  std::string command;
  compare::Settings settings;
  std::vector<compare::Row> rows;
};
Comparison quick_comparison(compare::Profile profile) {
  Comparison run;
  run.command = "parity compare --profile " + profile.name +
                " --styles sync,callback,coroutine,threadpool -t 1s";
  run.settings.profile = std::move(profile);
  run.settings.profile.duration = 1s;
  run.settings.styles = {"sync", "callback", "coroutine", "threadpool"};
  run.rows = compare::run_comparison(run.settings, [](const std::string&) {});
  return run;
}

std::string table_of(const Comparison& run) {
  return "$ " + run.command + "\n" + compare::format_table(run.rows, run.settings);
}

// The most any row went over its limit, in percent of it (0 if none did).
double worst_over_limit(const std::vector<compare::Row>& rows) {
  double worst = 0;
  for (const auto& row : rows)
    if (row.limit.rate > 0) worst = std::max(worst, row.percent_of_limit - 100);
  return worst;
}

double errors_of(const std::vector<compare::Row>& rows) {
  double errors = 0;
  for (const auto& row : rows)
    errors += static_cast<double>(row.summary.failed) + !row.error.empty();
  return errors;
}

StepResult compare_under_both_profiles() {
  auto seed = quick_comparison(compare::seed_profile());
  auto unleashed = quick_comparison(compare::unleashed_profile());
  StepResult result;
  result.output = table_of(seed) + "\n" + table_of(unleashed);
  result.notice =
      "each row has the limit Little's law gives it, and what sets it: the loop for sync (1 in "
      "flight), the pool for threadpool (5), the client's cap for the async styles under the "
      "seed profile (10), the users when the cap is lifted (100). No row can beat its limit; a "
      "row far below it has a bottleneck the law does not know, and that is where to look.";
  result.figures["seed_over_limit"] = worst_over_limit(seed.rows);
  result.figures["unleashed_over_limit"] = worst_over_limit(unleashed.rows);
  result.figures["errors"] = errors_of(seed.rows) + errors_of(unleashed.rows);
  result.figures["rows"] = static_cast<double>(seed.rows.size() + unleashed.rows.size());
  return result;
}

StepResult the_report() {
  auto run = quick_comparison(compare::seed_profile());
  // One place, written over by each run, so the learner can open it after the step.
  auto dir = std::filesystem::temp_directory_path() / "parity-tutorial-report";
  auto html = compare::write_report(dir, run.rows, run.settings);
  std::ifstream in(html);
  std::stringstream text;
  text << in.rdbuf();
  std::string listing;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    listing += fmt::format("  {:<12} {:>8} bytes\n", entry.path().filename().string(),
                           std::filesystem::file_size(entry.path()));
  StepResult result;
  result.output = fmt::format(
      "$ {} --report {}\n{}\nOpen {} in a browser. It holds:\n"
      "  a bar per row, transactions per second, with a red tick at the row's limit\n"
      "  a timeline per row: each request a line from its start to its end\n"
      "  the settings, so a run can be repeated\n",
      run.command, dir.string(), listing, html.string());
  result.notice =
      "the timeline is the lesson in one picture: sync's requests one after the other, the "
      "threadpool's five at a time, the async styles' ten (the cap) at a time. results.json and "
      "results.csv hold the same figures for a script or a spreadsheet.";
  result.figures["has_bars"] = text.str().find("transactions per second") != std::string::npos;
  result.figures["has_timeline"] = text.str().find("requests over time") != std::string::npos;
  result.figures["files"] = static_cast<double>(std::distance(
      std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}));
  return result;
}

// Runs `options` against the service while its one loop thread is held for `stall`, from 2 s
// into the run: the server answers nothing meanwhile, as if it were paused (SIGSTOP), then
// catches up. Returns the run's summary.
siege::Summary run_through_a_stall(app::ServiceThread& service, siege::Options options,
                                   std::chrono::milliseconds stall) {
  std::thread staller([&service, stall] {
    std::this_thread::sleep_for(2s);
    // A blocking call on the loop's only thread: lesson 06's mistake, made on purpose.
    asio::post(service.loop().get_executor(), [stall] { std::this_thread::sleep_for(stall); });
  });
  auto result = siege::run(options);
  staller.join();
  return siege::summarize(result.records, result.elapsed, options.rate, result.unfinished);
}

StepResult coordinated_omission() {
  Demo demo;
  const std::string url = demo.service.url("/coroutine/hello");
  siege::Options closed;
  closed.targets = {{.url = url}};
  closed.concurrency = 10;
  closed.time = 5s;
  closed.benchmark = true;
  siege::Options open = closed;
  open.rate = 200;
  auto closed_loop = run_through_a_stall(demo.service, closed, 1s);
  auto open_loop = run_through_a_stall(demo.service, open, 1s);
  StepResult result;
  result.output = fmt::format(
      "The server's loop is held for 1 s, 2 s into each 5 s run against {}.\n\n"
      "$ parity siege -b -c10 -t5s {}\n"
      "  {} transactions; p99 {:.4f} s, max {:.4f} s\n\n"
      "$ parity siege --rate 200 -c10 -t5s {}\n"
      "  {} transactions at {:.2f} of 200 req/sec\n"
      "  corrected (from when each was due):   p50 {:.4f} s, p99 {:.4f} s, max {:.4f} s\n"
      "  uncorrected (from when each was sent): p50 {:.4f} s, p99 {:.4f} s, max {:.4f} s\n",
      url, url, closed_loop.transactions, closed_loop.p99, closed_loop.max, url,
      open_loop.transactions, open_loop.achieved_rate, open_loop.corrected.p50,
      open_loop.corrected.p99, open_loop.corrected.max, open_loop.p50, open_loop.p99,
      open_loop.max);
  result.notice =
      "the same stall, two p99s. In the closed loop each of the 10 users waited once, a second, "
      "and sent nothing meanwhile: 10 slow samples among many thousands, so its p99 stays "
      "small. At a fixed rate the requests kept coming: about 200 were due during the second, "
      "each waited for the server, and from when it was due that wait counts. That is the "
      "latency a user arriving at 200 a second saw; a closed loop leaves those users out, which "
      "is why it is called coordinated omission.";
  result.figures["closed_p99"] = closed_loop.p99;
  result.figures["open_corrected_p99"] = open_loop.corrected.p99;
  result.figures["open_uncorrected_p99"] = open_loop.p99;
  result.figures["failed"] = static_cast<double>(closed_loop.failed + open_loop.failed);
  return result;
}

}  // namespace

Lesson measuring_lesson() {
  return {.id = "15",
          .folder = "tutorials/15_measuring",
          .title = "Measuring",
          .seeds = "001 (siege -c100 -t3s)",
          .minutes = 15,
          .steps = {{"15.1", "reading siege's numbers", reading_sieges_numbers},
                    {"15.2", "parity compare, both profiles", compare_under_both_profiles},
                    {"15.3", "the report", the_report},
                    {"15.4", "latency at a rate, through a stall", coordinated_omission}}};
}

}  // namespace parity::tutorials
