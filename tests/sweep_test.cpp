// parity sweep: /proc readings, a point beyond this machine's limits, a small real sweep on
// servers of their own, and the report's charts.

#include "bench/sweep/sweep.hpp"
#include "bench/sweep/process_stats.hpp"
#include "bench/sweep/report.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <unistd.h>

namespace parity::sweep {
namespace {

using namespace std::chrono_literals;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ProcessStats, ReadsAProcessesCpuTimeMemoryAndOpenFiles) {
  auto before = read_process_stats(::getpid());
  EXPECT_GT(before.rss_bytes, 0u);
  EXPECT_GE(before.peak_rss_bytes, before.rss_bytes);
  EXPECT_GE(before.open_files, 3u) << "stdin, stdout and stderr at least";
  // Spin until the kernel has counted a tick of CPU time (10 s bounds a stalled machine).
  auto deadline = std::chrono::steady_clock::now() + 10s;
  volatile unsigned long spin = 0;
  while (read_process_stats(::getpid()).cpu_seconds <= before.cpu_seconds &&
         std::chrono::steady_clock::now() < deadline)
    for (int i = 0; i < 1'000'000; ++i) spin = spin + 1;
  EXPECT_GT(read_process_stats(::getpid()).cpu_seconds, before.cpu_seconds);
}

TEST(ProcessStats, AProcessThatIsGoneIsAnError) {
  EXPECT_THROW(read_process_stats(0x3fffffff), std::runtime_error);
}

Settings small_sweep() {
  Settings s;
  s.users = {1, 20};
  s.styles = {"sync", "coroutine"};
  s.endpoints = {"sleep"};
  s.duration = 300ms;
  s.latency = 20ms;
  s.memory_requests = 50;
  s.parity_path = PARITY_CLI_PATH;
  return s;
}

TEST(Sweep, APeerThatCannotRunHereIsSaidOnceAndHasNoPoints) {
  Settings s = small_sweep();
  s.styles = {"coroutine"};
  s.users = {1};
  s.memory_requests = 0;
  s.peers = {"node"};
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);  // node is looked up in PATH
  std::vector<std::string> heard;
  auto result = run_sweep(s, [&](const std::string& line) { heard.push_back(line); });
  ::setenv("PATH", path.c_str(), 1);
  ASSERT_EQ(result.points.size(), 1u) << "coroutine's point alone";
  ASSERT_EQ(result.skipped_peers.size(), 1u);
  EXPECT_EQ(result.skipped_peers[0].first, "node");
  EXPECT_FALSE(any_failed(result));
  EXPECT_EQ(
      std::count_if(heard.begin(), heard.end(),
                    [](const std::string& line) { return line.starts_with("skipped node: "); }),
      1);
  EXPECT_NE(format_table(result, s).find("skipped node: node cannot run: nodejs is not installed"),
            std::string::npos);
}

TEST(Sweep, APointBeyondTheOpenFileLimitIsSaidPlainlyAndNotRun) {
  Settings s = small_sweep();
  s.users = {1'000'000};
  s.styles = {"coroutine"};
  s.memory_requests = 0;
  auto result = run_sweep(s, [](const std::string&) {});
  ASSERT_EQ(result.points.size(), 1u);
  EXPECT_FALSE(result.points[0].measured());
  EXPECT_NE(result.points[0].unreachable.find("open files"), std::string::npos)
      << result.points[0].unreachable;
  EXPECT_FALSE(any_failed(result)) << "a point out of reach is not a failure";
  EXPECT_NE(format_table(result, s).find("not reached"), std::string::npos);
}

TEST(Sweep, MeasuresEachPointOnAServerOfItsOwnAndTheMemoryOfWaitingRequests) {
  Settings s = small_sweep();
  std::vector<std::string> heard;
  auto result = run_sweep(s, [&](const std::string& line) { heard.push_back(line); });
  ASSERT_EQ(result.points.size(), 4u);
  for (const auto& p : result.points) {
    ASSERT_TRUE(p.measured()) << p.label() << " " << p.users << ": " << p.error << p.unreachable;
    EXPECT_GT(p.summary.transactions, 0u);
    EXPECT_GT(p.peak_rss_bytes, 0u) << "read from the server's own /proc entry";
    EXPECT_GE(p.cpu_seconds, 0.0);
    // Little's law: sync answers one at a time whatever its users; the coroutine one per user.
    double expected_limit = p.style == "sync" ? 50.0 : 50.0 * p.users;
    EXPECT_DOUBLE_EQ(p.limit.rate, expected_limit) << p.label() << " " << p.users;
  }
  // Every sync point is held to its one-at-a-time limit (10% over for the run's edges).
  for (const auto& p : result.points) {
    if (p.style == "sync") {
      EXPECT_LE(p.percent_of_limit, 110) << p.users;
    }
  }
  // Only the coroutine keeps many requests waiting; all 50 were still asleep when measured.
  ASSERT_EQ(result.memory.size(), 1u);
  EXPECT_EQ(result.memory[0].style, "coroutine");
  ASSERT_TRUE(result.memory[0].measured()) << result.memory[0].error;
  EXPECT_GT(result.memory[0].loaded_rss_bytes, 0u);
  EXPECT_EQ(heard.size(), 2 * (4u + 1u)) << "a line before and after each step";
  EXPECT_FALSE(any_failed(result));
}

TEST(Sweep, ByRateEachPointIsAnOpenLoopAndTheReportDrawsP99AgainstRate) {
  Settings s = small_sweep();
  s.rates = {10, 100};
  s.users = {20};
  s.memory_requests = 0;
  auto result = run_sweep(s, [](const std::string&) {});
  ASSERT_EQ(result.points.size(), 4u);
  for (const auto& p : result.points) {
    ASSERT_TRUE(p.measured()) << p.label() << " " << p.rate << ": " << p.error;
    EXPECT_EQ(p.users, 20u) << "the connections carrying the rate";
    EXPECT_EQ(p.summary.asked_rate, p.rate);
    EXPECT_GT(p.summary.transactions, 0u);
  }
  EXPECT_EQ(result.points[1].rate, 100);
  auto table = format_table(result, s);
  EXPECT_NE(table.find("p99 ms from when each request was due"), std::string::npos) << table;
  EXPECT_NE(table.find("100/s"), std::string::npos) << table;
  auto html = report_html(result, s);
  EXPECT_NE(html.find("p99 latency against the arrival rate"), std::string::npos);
  EXPECT_EQ(count(html, "<polyline class=\"curve\""), 2u) << "sync and coroutine";
  EXPECT_EQ(count(html, "<line class=\"limit\""), 2u) << "each style's capacity, dashed";
  auto json = boost::json::parse(sweep_json(result, s));
  EXPECT_EQ(json.at("points").as_array()[1].at("rate").to_number<double>(), 100);
  EXPECT_TRUE(sweep_csv(result).starts_with("implementation,style,endpoint,users,rate,"));
}

Result hand_made_result() {
  Result r;
  auto point = [](std::string style, unsigned users, double rate, double limit, double cpu) {
    Point p{
        .implementation = "parity", .style = std::move(style), .endpoint = "fetch", .users = users};
    p.summary.transaction_rate = rate;
    p.limit = {limit, "users"};
    p.percent_of_limit = 100 * rate / limit;
    p.cpu_share = cpu;
    p.peak_rss_bytes = 8 << 20;
    return p;
  };
  r.points = {point("sync", 1, 9.7, 10, 0.01), point("sync", 100, 9.7, 10, 0.01),
              point("coroutine", 1, 9.7, 10, 0.01), point("coroutine", 100, 960, 1000, 0.3),
              point("coroutine", 4000, 10400, 40000, 0.97)};
  Point tornado = point("coroutine", 100, 800, 1000, 0.9);
  tornado.implementation = "tornado";
  r.points.push_back(tornado);
  r.memory = {{.implementation = "parity",
               .style = "coroutine",
               .requests = 4000,
               .idle_rss_bytes = 8 << 20,
               .loaded_rss_bytes = 16 << 20,
               .bytes_per_request = 2097.152}};
  return r;
}

TEST(SweepReport, DrawsACurvePerStyleOverItsLimitAndRingsTheCpuBoundPoints) {
  Settings s;
  s.endpoints = {"fetch"};
  auto html = report_html(hand_made_result(), s);
  EXPECT_EQ(count(html, "<polyline class=\"curve\""), 3u) << "sync, coroutine, tornado/coroutine";
  EXPECT_EQ(count(html, "<polyline class=\"limit\""), 2u) << "ours; the peer shares the law";
  EXPECT_EQ(count(html, "r=\"7\""), 2u) << "the two points at 90% CPU or more";
  EXPECT_EQ(count(html, "<rect class=\"memory\""), 1u);
  EXPECT_NE(html.find("2.05 KiB"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos) << "self-contained: nothing to fetch";
  EXPECT_EQ(html.find("<link"), std::string::npos) << "self-contained: nothing to fetch";
}

TEST(SweepReport, TheJsonAndCsvCarryEveryPoint) {
  Settings s;
  auto result = hand_made_result();
  auto json = boost::json::parse(sweep_json(result, s));
  EXPECT_EQ(json.at("points").as_array().size(), result.points.size());
  EXPECT_EQ(json.at("memory").as_array()[0].at("bytes_per_waiting_request").as_double(), 2097.152);
  auto csv = sweep_csv(result);
  EXPECT_EQ(count(csv, "\n"), result.points.size() + 1) << "a header, then a line per point";
}

}  // namespace
}  // namespace parity::sweep
