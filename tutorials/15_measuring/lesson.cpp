// Lesson 15: measuring. What each line of siege's summary means, and the one relation that ties
// three of them together (Little's law again: concurrency = rate x response time); `parity
// compare` under both profiles, each row against the limit Little's law gives it; and the report
// it writes.

#include "tutorials/15_measuring/lesson.hpp"

#include "bench/compare/compare.hpp"
#include "bench/compare/report.hpp"
#include "tutorials/support.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

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

}  // namespace

Lesson measuring_lesson() {
  return {.id = "15",
          .folder = "tutorials/15_measuring",
          .title = "Measuring",
          .seeds = "001 (siege -c100 -t3s)",
          .minutes = 15,
          .steps = {{"15.1", "reading siege's numbers", reading_sieges_numbers},
                    {"15.2", "parity compare, both profiles", compare_under_both_profiles},
                    {"15.3", "the report", the_report}}};
}

}  // namespace parity::tutorials
