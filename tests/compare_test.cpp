// parity compare: each row's limit by Little's law, the tools' outputs parsed, the report files,
// and a short comparison end to end.

#include "bench/compare/compare.hpp"
#include "bench/compare/load.hpp"
#include "tools/process/process.hpp"
#include "bench/compare/report.hpp"
#include "bench/compare/scenario.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <unistd.h>

namespace parity::compare {
namespace {

using namespace std::chrono_literals;

Settings with_profile(Profile profile) {
  Settings s;
  s.profile = std::move(profile);
  return s;
}

TEST(CompareLimit, IsRequestsInFlightOverLatencyAndNamesWhatCapsThem) {
  auto seed = with_profile(seed_profile());
  auto limit = littles_law_limit("parity", "sync", "fetch", seed);
  EXPECT_DOUBLE_EQ(limit.rate, 10);
  EXPECT_EQ(limit.bound_by, "loop (1 in flight)");
  limit = littles_law_limit("parity", "coroutine", "fetch", seed);
  EXPECT_DOUBLE_EQ(limit.rate, 100);
  EXPECT_EQ(limit.bound_by, "client cap (10)");
  limit = littles_law_limit("parity", "threadpool", "fetch", seed);
  EXPECT_DOUBLE_EQ(limit.rate, 50);
  EXPECT_EQ(limit.bound_by, "pool (5)");
  limit = littles_law_limit("parity", "callback", "sleep", seed);
  EXPECT_DOUBLE_EQ(limit.rate, 1000) << "/sleep does not go through the client";
  EXPECT_EQ(limit.bound_by, "users (100)");
  EXPECT_DOUBLE_EQ(littles_law_limit("tornado", "callback", "fetch", seed).rate, 100);
  EXPECT_EQ(littles_law_limit("parity", "coroutine", "hello", seed).rate, 0) << "no latency";

  auto unleashed = with_profile(unleashed_profile());
  limit = littles_law_limit("parity", "future", "fetch", unleashed);
  EXPECT_DOUBLE_EQ(limit.rate, 1000);
  EXPECT_EQ(limit.bound_by, "users (100)");
  unleashed.pool = 500;
  EXPECT_EQ(littles_law_limit("parity", "threadpool", "fetch", unleashed).bound_by, "users (100)");
}

// The unleashed profile made short: `users` users for `duration`, a 20 ms upstream.
Settings a_short_run(unsigned users, std::chrono::milliseconds duration) {
  auto s = with_profile(unleashed_profile());
  s.profile.concurrency = users;
  s.profile.duration = duration;
  s.profile.latency = 20ms;
  return s;
}

Row row(std::string implementation, std::string style, std::string endpoint, double rate) {
  Row r{.implementation = std::move(implementation),
        .style = std::move(style),
        .endpoint = std::move(endpoint)};
  r.summary.transaction_rate = rate;
  r.summary.transactions = static_cast<std::uint64_t>(rate * 3);
  return r;
}

TEST(CompareFigures, AreRatiosToTheLimitAndToTheSameImplementationsSync) {
  auto settings = with_profile(seed_profile());
  std::vector<Row> rows{
      row("parity", "sync", "fetch", 9.5),   row("parity", "coroutine", "fetch", 95),
      row("tornado", "sync", "fetch", 9.0),  row("tornado", "coroutine", "fetch", 72),
      row("floor", "floor", "hello", 50000), row("parity", "callback", "hello", 40000)};
  derive_figures(rows, settings);
  EXPECT_DOUBLE_EQ(rows[0].percent_of_limit, 95);
  EXPECT_DOUBLE_EQ(rows[1].percent_of_limit, 95);
  EXPECT_DOUBLE_EQ(rows[1].ratio_to_sync, 10);
  EXPECT_DOUBLE_EQ(rows[3].ratio_to_sync, 8) << "Tornado's rows against Tornado's sync";
  EXPECT_DOUBLE_EQ(rows[5].limit.rate, 50000) << "hello's limit is the floor";
  EXPECT_DOUBLE_EQ(rows[5].percent_of_limit, 80);
  EXPECT_EQ(rows[5].ratio_to_sync, 0) << "no sync hello row to compare with";
  EXPECT_EQ(rows[3].label(), "tornado/coroutine");
  EXPECT_EQ(rows[4].label(), "floor");
}

TEST(CompareTools, SiegesJsonSummaryIsRead) {
  auto m = parse_siege_output(
      "\n{\t\"transactions\":\t\t\t         176,\n\t\"availability\":\t\t      100.00,\n"
      "\t\"elapsed_time\":\t\t        2.32,\n\t\"data_transferred\":\t\t0.04,\n"
      "\t\"response_time\":\t\t        0.44,\n\t\"transaction_rate\":\t\t       75.86,\n"
      "\t\"throughput\":\t\t\t0.02,\n\t\"concurrency\":\t\t\t33.71,\n"
      "\t\"successful_transactions\":\t 176,\n\t\"failed_transactions\":\t\t   0,\n"
      "\t\"longest_transaction\":\t\t0.96,\n\t\"shortest_transaction\":\t\t0.12\n}\n");
  EXPECT_EQ(m.summary.transactions, 176u);
  EXPECT_DOUBLE_EQ(m.summary.transaction_rate, 75.86);
  EXPECT_DOUBLE_EQ(m.summary.response_time, 0.44);
  EXPECT_DOUBLE_EQ(m.summary.longest, 0.96);
  EXPECT_FALSE(m.has_p99);
  EXPECT_THROW(parse_siege_output("siege: command failed"), std::runtime_error);
}

TEST(CompareTools, WrksSummaryIsRead) {
  auto m = parse_wrk_output(
      "Running 1s test @ http://127.0.0.1:8403/\n  1 threads and 2 connections\n"
      "  Thread Stats   Avg      Stdev     Max   +/- Stdev\n"
      "    Latency    66.50us   68.28us   1.78ms   99.19%\n"
      "    Req/Sec    28.09k     2.48k   35.09k    81.82%\n  Latency Distribution\n"
      "     50%   61.00us\n     75%   71.00us\n     90%   83.00us\n     99%  123.00us\n"
      "  30643 requests in 1.10s, 2.66MB read\n  Non-2xx or 3xx responses: 43\n"
      "  Socket errors: connect 0, read 2, write 0, timeout 1\n"
      "Requests/sec:  27875.04\nTransfer/sec:      2.42MB\n");
  EXPECT_EQ(m.summary.transactions, 30643u);
  EXPECT_DOUBLE_EQ(m.summary.elapsed, 1.10);
  EXPECT_DOUBLE_EQ(m.summary.transaction_rate, 27875.04);
  EXPECT_DOUBLE_EQ(m.summary.response_time, 66.50e-6);
  EXPECT_DOUBLE_EQ(m.summary.max, 1.78e-3);
  EXPECT_DOUBLE_EQ(m.summary.p50, 61e-6);
  EXPECT_DOUBLE_EQ(m.summary.p99, 123e-6);
  EXPECT_TRUE(m.has_p99);
  EXPECT_EQ(m.summary.successful, 30643u - 43u);
  EXPECT_EQ(m.summary.failed, 3u);
  EXPECT_THROW(parse_wrk_output("unable to connect to 127.0.0.1:1"), std::runtime_error);
}

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CompareTools, AToolsOutputAndExitCodeAreKept) {
  auto finished = run_program({"sh", "-c", "echo out; echo err >&2; exit 3"}, 10s);
  EXPECT_EQ(finished.exit_code, 3);
  EXPECT_EQ(finished.output, "out\nerr\n");
  EXPECT_FALSE(finished.timed_out);
}

TEST(CompareTools, AProgramThatCannotStartIsAnErrorNotAnExitCode) {
  EXPECT_THROW(run_program({"parity-no-such-program"}, 10s), std::system_error);
  EXPECT_THROW(ChildProcess({"parity-no-such-program"}), std::system_error);
}

// A server a step started must not outlive the thread that started it (PR_SET_PDEATHSIG): the
// child here reports the signal that ends it once its starting thread is gone.
TEST(CompareTools, AChildGetsSigtermWhenTheThreadThatStartedItEnds) {
  auto marker =
      std::filesystem::temp_directory_path() / ("parity-pdeathsig-" + std::to_string(::getpid()));
  std::filesystem::remove(marker);
  std::optional<ChildProcess> child;  // outlives the thread: its destructor is not what stops it
  std::thread starter([&] {
    child.emplace(
        std::vector<std::string>{"sh", "-c",
                                 "trap 'echo TERM > " + marker.string() +
                                     "; exit 0' TERM; echo ready; while :; do sleep 0.05; done"});
    child->read_line(10s);  // "ready": its trap is set
  });
  starter.join();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  EXPECT_TRUE(std::filesystem::exists(marker));
  std::filesystem::remove(marker);
}

// siege 4.0 sometimes never exits after a timed run, having printed its summary.
TEST(CompareTools, AToolStillRunningAtItsTimeLimitIsKilledAndWhatItPrintedKept) {
  auto started = std::chrono::steady_clock::now();
  auto finished = run_program({"sh", "-c", "echo summary; exec sleep 60"}, 300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 30s);
  EXPECT_TRUE(finished.timed_out);
  EXPECT_EQ(finished.exit_code, 128 + 9);
  EXPECT_EQ(finished.output, "summary\n");
}

TEST(CompareReport, WritesJsonCsvAndASelfContainedPage) {
  auto settings = with_profile(seed_profile());
  std::vector<Row> rows{row("parity", "sync", "fetch", 9.5), row("parity", "future", "fetch", 95)};
  for (int i = 0; i < 3; ++i)
    rows[0].requests.push_back({.start = 0.1 * i, .end = 0.1 * i + 0.1, .status = 200});
  for (int i = 0; i < 250; ++i)
    rows[1].requests.push_back({.start = 0.001 * i, .end = 0.001 * i + 0.1, .status = 200});
  rows.push_back(row("parity", "coroutine", "fetch", 0));
  rows.back().error = "refused <here>";
  derive_figures(rows, settings);

  auto dir = std::filesystem::temp_directory_path() / "parity_compare_report_test";
  std::filesystem::remove_all(dir);
  auto html_path = write_report(dir, rows, settings);
  EXPECT_EQ(html_path, dir / "report.html");

  auto json = boost::json::parse(read(dir / "results.json")).as_object();
  EXPECT_EQ(json.at("profile").at("name").as_string(), "seed");
  auto& list = json.at("rows").as_array();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[1].at("style").as_string(), "future");
  EXPECT_DOUBLE_EQ(list[1].at("transaction_rate").to_number<double>(), 95);
  EXPECT_DOUBLE_EQ(list[1].at("limit").to_number<double>(), 100);
  EXPECT_DOUBLE_EQ(list[1].at("ratio_to_sync").to_number<double>(), 10);
  EXPECT_EQ(list[1].at("requests").as_array().size(), 250u) << "every request is kept";
  EXPECT_TRUE(list[2].at("transaction_rate").is_null()) << "a failed row has no figures";

  auto csv = read(dir / "results.csv");
  EXPECT_EQ(count(csv, "\n"), 4u) << csv;
  EXPECT_TRUE(csv.starts_with("implementation,style,endpoint,transactions,transaction_rate"));
  EXPECT_NE(csv.find("parity,future,fetch,285,95.0000"), std::string::npos) << csv;

  auto html = read(html_path);
  EXPECT_EQ(count(html, "<svg"), 3u) << "one bar chart, a timeline per row with requests";
  EXPECT_EQ(count(html, "class=\"bar\""), 2u);
  EXPECT_EQ(count(html, "class=\"limit\""), 2u);
  EXPECT_EQ(count(html, "class=\"request\""), 3u + 200u) << "at most 200 requests drawn per row";
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos) << "nothing fetched from the network";
  EXPECT_EQ(html.find("<here>"), std::string::npos) << "text is escaped";
  std::filesystem::remove_all(dir);
}

TEST(CompareRun, ShowsSyncQueuingWhereTheAsyncStylesOverlap) {
  Settings settings;
  settings.profile = seed_profile();
  settings.profile.concurrency = 20;
  settings.profile.duration = 500ms;
  settings.profile.latency = 50ms;
  settings.styles = {"sync", "coroutine"};
  std::vector<std::string> heard;
  auto rows = run_comparison(settings, [&](const std::string& line) { heard.push_back(line); });
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(heard.size(), 4u) << "a line before and after each row";
  for (const auto& r : rows) {
    ASSERT_TRUE(r.error.empty()) << r.error;
    EXPECT_GT(r.summary.transactions, 0u) << r.style;
    EXPECT_EQ(r.summary.failed, 0u) << r.style;
    EXPECT_FALSE(r.requests.empty());
  }
  EXPECT_EQ(rows[0].limit.bound_by, "loop (1 in flight)");
  EXPECT_EQ(rows[1].limit.bound_by, "client cap (10)");
  // Sync answers one request at a time; the coroutine style answers ten at once.
  EXPECT_GT(rows[1].summary.transactions, 2 * rows[0].summary.transactions);
  auto table = format_table(rows, settings);
  EXPECT_NE(table.find("coroutine"), std::string::npos);
  EXPECT_NE(table.find("loop (1 in flight)"), std::string::npos);
}

TEST(CompareRun, AtARateSyncsQueueShowsInItsLatencyFromWhenEachRequestWasDue) {
  // 100 requests a second due; sync answers one 20 ms sleep at a time, 50 a second at most.
  Settings settings = a_short_run(20, 500ms);
  settings.endpoints = {"sleep"};
  settings.styles = {"sync", "coroutine"};
  settings.rate = 100;
  auto rows = run_comparison(settings, [](const std::string&) {});
  ASSERT_EQ(rows.size(), 2u);
  for (const auto& r : rows) {
    ASSERT_TRUE(r.error.empty()) << r.error;
    ASSERT_FALSE(r.requests.empty()) << r.style;
    EXPECT_GE(r.requests.front().due, 0) << "each request has its place in the schedule";
    EXPECT_EQ(r.summary.asked_rate, 100);
  }
  EXPECT_GE(rows[0].summary.latency_p99(), 0.1) << "sync falls behind the schedule";
  EXPECT_LT(rows[1].summary.latency_p99(), rows[0].summary.latency_p99());
  EXPECT_NE(format_table(rows, settings).find("At 100 requests/sec, p99 counts from when"),
            std::string::npos);
  auto json = boost::json::parse(results_json(rows, settings)).as_object();
  EXPECT_EQ(json.at("rate").to_number<double>(), 100);
  auto& first = json.at("rows").as_array()[0].as_object();
  EXPECT_EQ(first.at("requests_columns").as_array().back().as_string(), "due_s");
  EXPECT_DOUBLE_EQ(first.at("p99_s").to_number<double>(), rows[0].summary.corrected.p99);
  EXPECT_DOUBLE_EQ(first.at("p99_uncorrected_s").to_number<double>(), rows[0].summary.p99);
}

TEST(CompareTools, SiegeAndWrkAreRefusedARateTheyCannotKeep) {
  for (const char* tool : {"siege", "wrk"}) {
    if (!program_exists(tool)) continue;
    try {
      measure(tool, {.url = "http://127.0.0.1:1/", .rate = 10.0});
      ADD_FAILURE() << tool << " ran";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("no open loop"), std::string::npos) << e.what();
    }
  }
}

TEST(CompareRun, AddsTheTornadoPeersRows) {
  if (std::system("/usr/bin/python3 -c 'import tornado' 2>/dev/null") != 0)
    GTEST_SKIP() << "python3-tornado is not installed (scripts/install-deps.sh installs it)";
  Settings settings = a_short_run(4, 300ms);
  settings.styles = {"future", "coroutine"};
  settings.peers = {"tornado"};
  settings.peer_script = tornado_peer_script();
  auto rows = run_comparison(settings, [](const std::string&) {});
  ASSERT_EQ(rows.size(), 3u) << "Tornado has no future style of its own";
  EXPECT_EQ(rows[2].label(), "tornado/coroutine");
  ASSERT_TRUE(rows[2].error.empty()) << rows[2].error;
  EXPECT_GT(rows[2].summary.successful, 0u);
}

TEST(ComparePeers, GoRustNodeAndAiohttpAreOneStyleEachAtPathsWithoutAStyle) {
  for (const char* peer : {"go", "rust", "node", "aiohttp"}) {
    ASSERT_TRUE(is_single_style_peer(peer)) << peer;
    EXPECT_EQ(peer_styles(peer, {"sync"}), (std::vector<std::string>{peer})) << "always one row";
    EXPECT_EQ(path_of(peer, "fetch", 100ms), "/fetch");
    EXPECT_EQ(path_of(peer, "sleep", 250ms), "/sleep?ms=250");
    EXPECT_EQ((Row{.implementation = peer, .style = peer}.label()), peer);
  }
  EXPECT_FALSE(is_single_style_peer("tornado"));
  EXPECT_EQ(peer_styles("tornado", {"sync", "future", "coroutine"}),
            (std::vector<std::string>{"sync", "coroutine"}))
      << "Tornado's styles that were asked for; it has no future style";
  EXPECT_EQ(path_of("coroutine", "sleep", 100ms), "/coroutine/sleep?ms=100");
}

TEST(ComparePeers, HaveNoClientCapSoTheirLimitIsTheUsers) {
  auto seed = with_profile(seed_profile());
  for (const char* peer : {"go", "rust", "node", "aiohttp"}) {
    auto limit = littles_law_limit(peer, peer, "fetch", seed);
    EXPECT_DOUBLE_EQ(limit.rate, 1000) << peer << " ignores --max-clients";
    EXPECT_EQ(limit.bound_by, "users (100)");
  }
  EXPECT_EQ(littles_law_limit("tornado", "coroutine", "fetch", seed).bound_by, "client cap (10)");
}

// PATH without node in it, for as long as it lives: node is looked up in PATH.
class NoNodeInPath {
 public:
  NoNodeInPath() : path_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", "/nonexistent", 1);
  }
  ~NoNodeInPath() { ::setenv("PATH", path_.c_str(), 1); }

 private:
  std::string path_;
};

TEST(ComparePeers, APeerThatCannotRunHereSaysWhyAndWhatToDo) {
  EXPECT_THROW(peer_argv("erlang", "", "http://127.0.0.1:1", 0, 5), std::invalid_argument);
  NoNodeInPath no_node;
  try {
    peer_argv("node", "", "http://127.0.0.1:1", 0, 5);
    ADD_FAILURE() << "node was found";
  } catch (const PeerUnavailable& e) {
    EXPECT_STREQ(e.what(), "node cannot run: nodejs is not installed (apt-get install nodejs)");
  }
  auto unavailable = unavailable_peers({"node"}, "");
  ASSERT_EQ(unavailable.size(), 1u);
  EXPECT_EQ(unavailable[0].first, "node");
}

TEST(CompareRun, APeerThatCannotRunHereIsASkippedRowNotAFailure) {
  NoNodeInPath no_node;
  Settings settings;
  settings.profile.duration = 100ms;
  settings.styles = {"coroutine"};
  settings.endpoints = {"hello"};
  settings.peers = {"node"};
  auto rows = run_comparison(settings, [](const std::string&) {});
  ASSERT_EQ(rows.size(), 3u) << "the floor, coroutine, node";
  EXPECT_TRUE(rows[2].skipped);
  EXPECT_NE(rows[2].error.find("apt-get install nodejs"), std::string::npos) << rows[2].error;
  EXPECT_NE(format_table(rows, settings).find("node                   hello     skipped: "),
            std::string::npos)
      << format_table(rows, settings);
}

TEST(CompareRun, MeasuresEachPeerThatRunsHereAndSaysWhyOfEachThatCannot) {
  Settings settings = a_short_run(4, 300ms);
  settings.styles = {"coroutine"};
  settings.peers = {"go", "rust", "node", "aiohttp"};
  auto rows = run_comparison(settings, [](const std::string&) {});
  ASSERT_EQ(rows.size(), 5u) << "coroutine, then a row per peer";
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const Row& r = rows[i];
    EXPECT_EQ(r.label(), settings.peers[i - 1]);
    if (r.skipped) {
      EXPECT_TRUE(r.error.find("bench/peers/build.sh") != std::string::npos ||
                  r.error.find("apt-get install") != std::string::npos)
          << r.label() << ": " << r.error;
      continue;
    }
    ASSERT_TRUE(r.error.empty()) << r.label() << ": " << r.error;
    EXPECT_GT(r.summary.successful, 0u) << r.label();
    EXPECT_EQ(r.summary.failed, 0u) << r.label();
    EXPECT_EQ(r.limit.bound_by, "users (4)") << r.label();
  }
  auto table = format_table(rows, settings);
  for (const auto& r : rows) {
    if (r.skipped) {
      EXPECT_NE(table.find("skipped: " + r.error), std::string::npos) << table;
    }
  }
  if (std::all_of(rows.begin() + 1, rows.end(), [](const Row& r) { return r.skipped; }))
    GTEST_SKIP() << "no peer can run here, so only their skipped rows were checked "
                    "(bench/peers/README.md says what each needs)";
}

}  // namespace
}  // namespace parity::compare
