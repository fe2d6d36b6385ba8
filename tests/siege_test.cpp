// parity siege: its options with siege's meanings, its summary against hand-computed figures,
// and short runs against the upstream simulator.

#include "bench/siege/options.hpp"
#include "bench/siege/runner.hpp"
#include "bench/siege/stats.hpp"
#include "upstream/upstream.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace parity::siege {
namespace {

using namespace std::chrono_literals;

// Parses a command line the way `parity siege` does.
Options parse(std::vector<std::string> args) {
  CLI::App app;
  Options options;
  std::vector<std::string> urls;
  std::string urls_file;
  add_options(app, options, urls, urls_file);
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  app.parse(args);
  finish_options(options, urls, urls_file);
  return options;
}

TEST(SiegeTime, TakesSiegeUnitsAndABareNumberMeansMinutes) {
  EXPECT_EQ(parse_siege_time("3s"), 3s);
  EXPECT_EQ(parse_siege_time("3S"), 3s);
  EXPECT_EQ(parse_siege_time("2M"), 2min);
  EXPECT_EQ(parse_siege_time("2"), 2min);
  EXPECT_EQ(parse_siege_time("1H"), 1h);
  EXPECT_EQ(parse_siege_time("1.5s"), 1500ms);
  EXPECT_THROW(parse_siege_time("3x"), std::invalid_argument);
  EXPECT_THROW(parse_siege_time("0s"), std::invalid_argument);
  EXPECT_THROW(parse_siege_time("s"), std::invalid_argument);
}

TEST(SiegeTargets, ReadUrlsAndPostLinesAndSkipComments) {
  auto get = parse_target_line("http://127.0.0.1:8000/a?x=1");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->method, "GET");
  EXPECT_EQ(get->url, "http://127.0.0.1:8000/a?x=1");
  auto post = parse_target_line("  http://127.0.0.1:8000/import POST {\"a\": 1, \"b\": 2}  ");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->method, "POST");
  EXPECT_EQ(post->body, "{\"a\": 1, \"b\": 2}");
  EXPECT_FALSE(parse_target_line("# a comment"));
  EXPECT_FALSE(parse_target_line("   "));
  EXPECT_THROW(parse_target_line("ftp://127.0.0.1/"), std::invalid_argument);
  EXPECT_THROW(parse_target_line("http://127.0.0.1/ DELETE"), std::invalid_argument);
}

TEST(SiegeTargets, AFileNamesTheLineThatIsWrong) {
  auto path = std::filesystem::temp_directory_path() / "parity_siege_urls.txt";
  std::ofstream(path) << "# urls\nhttp://127.0.0.1:1/a\n\nhttp://127.0.0.1:1/b POST x=1\nnope\n";
  try {
    read_targets_file(path.string());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(":5:"), std::string::npos) << e.what();
  }
  std::ofstream(path) << "http://127.0.0.1:1/a\nhttp://127.0.0.1:1/b POST x=1\n";
  auto options = parse({"-f", path.string()});
  ASSERT_EQ(options.targets.size(), 2u);
  EXPECT_EQ(options.targets[1].body, "x=1");
  std::filesystem::remove(path);
}

TEST(SiegeOptions, ReadLikeSiegesCommandLine) {
  auto o = parse({"http://127.0.0.1:8000/coroutine/fetch", "-c100", "-t3s"});
  EXPECT_EQ(o.concurrency, 100u);
  EXPECT_EQ(o.time, 3s);
  EXPECT_FALSE(o.reps);
  EXPECT_TRUE(o.keep_alive);
  EXPECT_FALSE(o.benchmark);

  o = parse({"-b", "-d", "2", "-r", "5", "--no-keepalive", "-H", "X-Test:  yes ",
             "http://localhost:1/", "-j", "-v", "--log", "out.csv"});
  EXPECT_TRUE(o.benchmark);
  EXPECT_EQ(o.delay_seconds, 0) << "-b means no delay";
  EXPECT_EQ(o.reps, 5u);
  EXPECT_FALSE(o.time);
  EXPECT_FALSE(o.keep_alive);
  ASSERT_EQ(o.headers.size(), 1u);
  EXPECT_EQ(o.headers[0], std::make_pair(std::string("X-Test"), std::string("yes")));
  EXPECT_TRUE(o.json);
  EXPECT_TRUE(o.verbose);
  EXPECT_EQ(o.log_file, "out.csv");
}

TEST(SiegeOptions, WithoutTimeOrRepsTheRunStillStopsByItself) {
  auto o = parse({"http://127.0.0.1:1/"});
  EXPECT_EQ(o.time, 30s);
}

TEST(SiegeOptions, UrlArgumentsMayPost) {
  auto o = parse({"http://127.0.0.1:1/a", "POST", "k=v", "http://127.0.0.1:1/b"});
  ASSERT_EQ(o.targets.size(), 2u);
  EXPECT_EQ(o.targets[0].method, "POST");
  EXPECT_EQ(o.targets[0].body, "k=v");
  EXPECT_EQ(o.targets[1].method, "GET");
}

TEST(SiegeOptions, RefuseWhatSiegeWouldNotMeanOrWhatIsNotOnThisMachine) {
  EXPECT_THROW(parse({"-t", "3x", "http://127.0.0.1:1/"}), CLI::ValidationError);
  EXPECT_THROW(parse({"-t", "3s", "-r", "2", "http://127.0.0.1:1/"}), CLI::ExcludesError);
  EXPECT_THROW(parse({"-c", "0", "http://127.0.0.1:1/"}), CLI::ValidationError);
  EXPECT_THROW(parse({"-H", "no colon", "http://127.0.0.1:1/"}), CLI::ValidationError);
  EXPECT_THROW(parse({"-t", "1s"}), CLI::ValidationError);
  EXPECT_THROW(parse({"http://example.com/"}), CLI::ValidationError);
  EXPECT_NO_THROW(parse({"--allow-remote", "http://example.com/"}));
  EXPECT_NO_THROW(parse({"http://[::1]:8000/"}));
}

TEST(SiegeOptions, ARateIsAboveZeroAndSaneAndRunsForATime) {
  EXPECT_EQ(parse({"--rate", "250", "-t", "2s", "http://127.0.0.1:1/"}).rate, 250.0);
  auto refusal = [](std::vector<std::string> args) {
    try {
      parse(std::move(args));
    } catch (const CLI::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(refusal({"--rate", "0", "http://127.0.0.1:1/"}).find("more than 0"), std::string::npos);
  EXPECT_NE(refusal({"--rate", "-5", "http://127.0.0.1:1/"}).find("more than 0"), std::string::npos);
  EXPECT_NE(refusal({"--rate", "5e6", "http://127.0.0.1:1/"}).find("at most 1000000"),
            std::string::npos);
  EXPECT_NE(refusal({"--rate", "10", "-r", "3", "http://127.0.0.1:1/"}).find("-t"),
            std::string::npos);
  EXPECT_NE(refusal({"--rate", "10", "-d", "1", "http://127.0.0.1:1/"}).find("-d"),
            std::string::npos);
}

TEST(SiegeSchedule, RequestKIsDueKOverTheRateAfterTheStart) {
  EXPECT_EQ(due_at(0, 100), 0.0);
  EXPECT_DOUBLE_EQ(due_at(1, 100), 0.01);
  EXPECT_DOUBLE_EQ(due_at(250, 100), 2.5);
  EXPECT_DOUBLE_EQ(due_at(3, 0.5), 6.0);
}

// Four requests due 0.1 s apart on one connection that takes 0.5 s each: each waits for the last.
std::vector<Record> queued_log() {
  std::vector<Record> log;
  for (int k = 0; k < 4; ++k)
    log.push_back({.start = 0.5 * k, .end = 0.5 * (k + 1), .status = 200, .due = 0.1 * k});
  return log;
}

TEST(SiegeSummary, AtARateLatencyCountsFromWhenEachRequestWasDue) {
  auto s = summarize(queued_log(), 2.0, 10.0);
  EXPECT_NEAR(s.max, 0.5, 1e-3) << "the service time is each request's own";
  EXPECT_NEAR(s.corrected.max, 2.0 - 0.3, 2e-3) << "the last was due at 0.3 s and done at 2 s";
  EXPECT_NEAR(s.corrected.p50, 0.5 + 0.4, 1e-3);
  EXPECT_DOUBLE_EQ(s.achieved_rate, 2.0);
  EXPECT_NE(rate_shortfall(s).find("Sent 20.0% of the asked 10.00 req/sec"), std::string::npos);
  auto text = format_summary(s);
  EXPECT_NE(text.find("corrected for coordinated omission"), std::string::npos) << text;
  EXPECT_NE(text.find("uncorrected"), std::string::npos) << text;
  EXPECT_EQ(text.find("Response time p50:"), std::string::npos)
      << "at a rate the percentiles are labelled by what they measure\n" << text;
  EXPECT_TRUE(summarize(queued_log(), 0.4, 10.0).asked_rate);
  EXPECT_EQ(rate_shortfall(summarize(queued_log(), 0.4, 10.0)), "") << "4 in 0.4 s is the rate";
  auto with_unfinished = summarize(queued_log(), 2.0, 10.0, 16);
  EXPECT_DOUBLE_EQ(with_unfinished.achieved_rate, 10.0) << "sent and still in flight counts";
  EXPECT_EQ(with_unfinished.transactions, 4u) << "but has no latency to add";
}

TEST(SiegeOutput, JsonAtARateHasTheCorrectedAndUncorrectedPercentiles) {
  auto value = boost::json::parse(format_json(summarize(queued_log(), 2.0, 10.0)));
  auto& o = value.as_object();
  for (const char* key : {"transactions", "p99", "asked_rate", "achieved_rate"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  for (const char* p : {"p50", "p90", "p99", "p999", "max"}) {
    EXPECT_TRUE(o.contains(std::string("response_time_") + p)) << p;
    EXPECT_TRUE(o.contains(std::string("response_time_") + p + "_uncorrected")) << p;
  }
  EXPECT_NEAR(o.at("response_time_max").to_number<double>(), 1.7, 2e-3);
  EXPECT_NEAR(o.at("response_time_max_uncorrected").to_number<double>(), 0.5, 1e-3);
  auto closed = boost::json::parse(format_json(summarize(queued_log(), 2.0)));
  EXPECT_FALSE(closed.as_object().contains("asked_rate")) << "the closed loop's JSON is siege's";
}

// A log made by hand, and every figure worked out by hand from it.
std::vector<Record> hand_made_log() {
  return {{.start = 0.0, .end = 0.5, .status = 200, .bytes = 1000},
          {.start = 0.1, .end = 0.3, .status = 200, .bytes = 2000},
          {.start = 0.2, .end = 1.2, .status = 404, .bytes = 100},
          {.start = 0.3, .end = 0.4, .status = 0, .error = "refused"}};
}

TEST(SiegeSummary, FollowsSiegesDefinitions) {
  auto s = summarize(hand_made_log(), 2.0);
  EXPECT_EQ(s.transactions, 3u) << "every response is a transaction, a 404 too";
  EXPECT_EQ(s.successful, 2u) << "a status below 400";
  EXPECT_EQ(s.failed, 1u) << "no response at all";
  EXPECT_DOUBLE_EQ(s.availability, 75.0);
  EXPECT_DOUBLE_EQ(s.elapsed, 2.0);
  EXPECT_DOUBLE_EQ(s.data_mb, 3100.0 / (1024 * 1024));
  EXPECT_NEAR(s.response_time, (0.5 + 0.2 + 1.0) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(s.transaction_rate, 1.5);
  EXPECT_DOUBLE_EQ(s.throughput_mb, s.data_mb / 2);
  EXPECT_NEAR(s.concurrency, (0.5 + 0.2 + 1.0) / 2, 1e-12) << "sum of response times / elapsed";
  EXPECT_DOUBLE_EQ(s.longest, 1.0);
  EXPECT_NEAR(s.shortest, 0.2, 1e-12);
  EXPECT_NEAR(s.p50, 0.5, 0.5 * 0.01);
  EXPECT_DOUBLE_EQ(s.p99, 1.0);
  EXPECT_DOUBLE_EQ(s.max, 1.0);
}

TEST(SiegeSummary, OfNothingIsZeroesNotNaN) {
  auto s = summarize({}, 0);
  EXPECT_EQ(s.transactions, 0u);
  EXPECT_EQ(s.availability, 0);
  EXPECT_EQ(s.transaction_rate, 0);
  EXPECT_EQ(s.p99, 0);
}

TEST(SiegeHistogram, PercentilesAreWithinOnePercent) {
  Histogram h;
  for (int ms = 1; ms <= 1000; ++ms) h.add(ms / 1000.0);
  EXPECT_EQ(h.count(), 1000u);
  EXPECT_NEAR(h.percentile(50), 0.500, 0.005);
  EXPECT_NEAR(h.percentile(90), 0.900, 0.009);
  EXPECT_NEAR(h.percentile(99), 0.990, 0.0099);
  EXPECT_NEAR(h.percentile(100), 1.000, 0.01);
  Histogram small;
  small.add(42e-6);
  EXPECT_DOUBLE_EQ(small.percentile(50), 42e-6) << "exact below 128 µs";
}

// The sample of rank ceil(p/100 * n) in a sorted copy, as the histogram defines a percentile.
double sorted_percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
  return samples[std::max<std::size_t>(rank, 1) - 1];
}

TEST(SiegeHistogram, PercentilesHaveThreeSignificantDigitsAgainstASortedReference) {
  // Latencies from 1 µs to half an hour, spread over every power of two, in a fixed order.
  std::vector<double> samples;
  std::uint64_t state = 12345;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    double exponent = static_cast<double>(state >> 11) / 9007199254740992.0 * 31.0;  // [0, 31)
    samples.push_back(std::floor(std::exp2(exponent)) / 1e6);  // 1 µs .. ~2147 s
  }
  Histogram h;
  for (double s : samples) h.add(s);
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    double expected = sorted_percentile(samples, p);
    double got = h.percentile(p);
    EXPECT_GE(got, expected) << "p" << p << ": a percentile is its bucket's upper edge";
    EXPECT_LE(got - expected, expected / 1000 + 1e-6) << "p" << p << " is not within 0.1%";
  }
}

TEST(SiegeHistogram, AMicrosecondAndAnHourAreItsEnds) {
  Histogram h;
  h.add(1e-6);
  EXPECT_DOUBLE_EQ(h.percentile(0), 1e-6);
  h.add(3600.0);
  h.add(90000.0);  // a day counts as an hour
  EXPECT_NEAR(h.percentile(100), 3600.0, 3.6);
  EXPECT_EQ(h.count(), 3u);
}

TEST(SiegeOutput, TheSummaryListsSiegesFieldsInSiegesOrder) {
  auto text = format_summary(summarize(hand_made_log(), 2.0));
  std::vector<std::string> fields{
      "Transactions:",        "Availability:",        "Elapsed time:",
      "Data transferred:",    "Response time:",       "Transaction rate:",
      "Throughput:",          "Concurrency:",         "Successful transactions:",
      "Failed transactions:", "Longest transaction:", "Shortest transaction:",
      "Response time p50:",   "Response time p90:",   "Response time p99:",
      "Response time max:"};
  std::size_t at = 0;
  for (const auto& field : fields) {
    auto found = text.find(field, at);
    ASSERT_NE(found, std::string::npos) << field << " missing or out of order in\n" << text;
    at = found;
  }
  // siege's layout: the name, padded, then the figure right-aligned, then its unit.
  EXPECT_NE(text.find(fmt::format("{:<25}{:>12} hits\n", "Transactions:", 3)), std::string::npos)
      << text;
  EXPECT_NE(text.find(fmt::format("{:<25}{:>12} %\n", "Availability:", "75.00")), std::string::npos)
      << text;
  EXPECT_NE(text.find(fmt::format("{:<25}{:>12} trans/sec\n", "Transaction rate:", "1.50")),
            std::string::npos)
      << text;
}

TEST(SiegeOutput, JsonHasSiegesKeysAndThePercentiles) {
  auto value = boost::json::parse(format_json(summarize(hand_made_log(), 2.0)));
  auto& o = value.as_object();
  for (const char* key : {"transactions", "availability", "elapsed_time", "data_transferred",
                          "response_time", "transaction_rate", "throughput", "concurrency",
                          "successful_transactions", "failed_transactions", "longest_transaction",
                          "shortest_transaction", "p50", "p90", "p99", "max"}) {
    EXPECT_TRUE(o.contains(key)) << key;
  }
  EXPECT_EQ(o.at("transactions").to_number<int>(), 3);
  EXPECT_DOUBLE_EQ(o.at("transaction_rate").to_number<double>(), 1.5);
}

TEST(SiegeOutput, VerboseLinesMatchSieges) {
  Record r{.start = 1.0,
           .end = 1.09,
           .status = 200,
           .bytes = 208,
           .method = "GET",
           .url = "http://192.168.1.210:8000/"};
  EXPECT_EQ(format_verbose_line(r), "HTTP/1.1 200     0.09 secs:     208 bytes ==> GET  /\n");
  r.url = "http://127.0.0.1:8000/sync/fetch?x=1";
  EXPECT_EQ(format_verbose_line(r),
            "HTTP/1.1 200     0.09 secs:     208 bytes ==> GET  /sync/fetch?x=1\n");
}

TEST(SiegeOutput, LogLinesAreCsvWithQuotingWhereNeeded) {
  EXPECT_EQ(csv_header(), "start,end,status,bytes,method,url,error\n");
  Record r{.start = 0.5,
           .end = 0.75,
           .status = 0,
           .bytes = 0,
           .method = "GET",
           .url = "http://127.0.0.1:1/?a=1,2",
           .error = "said \"no\""};
  EXPECT_EQ(csv_line(r),
            "0.500000,0.750000,0,0,GET,\"http://127.0.0.1:1/?a=1,2\",\"said \"\"no\"\"\"\n");
}

TEST(SiegeOutput, OpenLoopLogLinesEndWithWhenEachRequestWasDue) {
  EXPECT_EQ(csv_header(true), "start,end,status,bytes,method,url,error,due\n");
  Record r{.start = 0.5, .end = 0.75, .status = 200, .bytes = 5, .method = "GET", .url = "u",
           .due = 0.25};
  EXPECT_EQ(csv_line(r, true), "0.500000,0.750000,200,5,GET,u,,0.250000\n");
}

class SiegeRun : public ::testing::Test {
 protected:
  upstream::EmbeddedUpstream upstream{upstream::Options{.latency = 10ms}};
};

TEST_F(SiegeRun, EachUserMakesItsRepsThenTheRunEnds) {
  for (bool keep_alive : {true, false}) {
    Options o;
    o.targets = {{.url = upstream.url() + "/delay?ms=5"}, {.url = upstream.url() + "/status/404"}};
    o.concurrency = 4;
    o.reps = 3;
    o.keep_alive = keep_alive;
    std::size_t heard = 0;
    auto result = run(o, {.on_record = [&](const Record&) { ++heard; }});
    ASSERT_EQ(result.records.size(), 12u);
    EXPECT_EQ(heard, 12u);
    auto summary = summarize(result.records, result.elapsed);
    EXPECT_EQ(summary.transactions, 12u);
    EXPECT_EQ(summary.failed, 0u);
    EXPECT_EQ(summary.successful, 6u) << "users walk the list in turn: half are 404s";
    for (const auto& r : result.records) {
      EXPECT_LE(r.start, r.end);
      EXPECT_LE(r.end, result.elapsed);
    }
  }
}

TEST_F(SiegeRun, StopsAtTheTimeLimitAndAbandonsWhatIsInFlight) {
  Options o;
  o.targets = {{.url = upstream.url() + "/hang"}};
  o.concurrency = 3;
  o.time = 200ms;
  auto result = run(o);
  EXPECT_TRUE(result.records.empty()) << "requests cut off by the end are not counted";
  EXPECT_GE(result.elapsed, 0.2);
  EXPECT_FALSE(result.interrupted);
}

TEST_F(SiegeRun, CountsARefusedConnectionAsAFailedTransaction) {
  Options o;
  o.targets = {{.url = "http://127.0.0.1:1/"}};
  o.concurrency = 2;
  o.reps = 2;
  auto result = run(o);
  auto summary = summarize(result.records, result.elapsed);
  EXPECT_EQ(summary.transactions, 0u);
  EXPECT_EQ(summary.failed, 4u);
  EXPECT_EQ(summary.availability, 0);
  EXPECT_FALSE(result.records.front().error.empty());
}

TEST_F(SiegeRun, AKeptAliveRequestLongerThanTheTimeoutFailsAsTimedOut) {
  Options o;
  o.targets = {{.url = upstream.url() + "/hang"}};
  o.concurrency = 2;
  o.reps = 1;
  o.timeout = 100ms;
  o.keep_alive = true;
  auto result = run(o);
  ASSERT_EQ(result.records.size(), 2u);
  for (const auto& r : result.records) {
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.error, "timed out");
  }
}

TEST_F(SiegeRun, AtARateASlowServerShowsInTheCorrectedLatencyNotTheServiceTime) {
  // 100 requests a second due, one connection, 100 ms a request: the connection carries about
  // 10, each later than the last was due; a closed loop would report 100 ms throughout.
  Options o;
  o.targets = {{.url = upstream.url() + "/delay?ms=100"}};
  o.concurrency = 1;
  o.time = 1s;
  o.rate = 100;
  auto result = run(o);
  ASSERT_GE(result.records.size(), 2u);
  for (std::size_t k = 0; k < result.records.size(); ++k) {
    EXPECT_DOUBLE_EQ(result.records[k].due, due_at(k, 100)) << "the schedule, in order";
    EXPECT_GE(result.records[k].start, result.records[k].due - 1e-3) << "never sent early";
  }
  auto s = summarize(result.records, result.elapsed, o.rate, result.unfinished);
  EXPECT_GE(s.corrected.p99, 0.5) << "the wait for the busy connection counts";
  EXPECT_GE(s.corrected.p99, 2 * s.p99) << "the service time hides it";
  EXPECT_FALSE(rate_shortfall(s).empty()) << "the rate was not reached, and it says so";
}

TEST_F(SiegeRun, AtARateRequestsStillInFlightAtTheEndCountAsSent) {
  Options o;
  o.targets = {{.url = upstream.url() + "/hang"}};  // never answers
  o.concurrency = 50;
  o.time = 500ms;
  o.rate = 20;
  auto result = run(o);
  EXPECT_TRUE(result.records.empty());
  EXPECT_GE(result.unfinished, 3u) << "due at 0, 50, 100 ms... each on a free connection";
  auto s = summarize(result.records, result.elapsed, o.rate, result.unfinished);
  EXPECT_GT(s.achieved_rate, 0);
  EXPECT_NE(format_summary(s).find("Unfinished at the end:"), std::string::npos);
}

TEST_F(SiegeRun, AUserConnectsAgainWhenTheServerClosesTheConnection) {
  Options o;
  o.targets = {{.url = upstream.url() + "/delay?ms=1"}};
  o.concurrency = 1;
  o.reps = 3;
  o.keep_alive = true;
  o.headers = {{"Connection", "close"}};  // each answer ends its connection
  auto result = run(o);
  ASSERT_EQ(result.records.size(), 3u);
  for (const auto& r : result.records) EXPECT_EQ(r.status, 200) << r.error;
}

TEST_F(SiegeRun, PostsTheBodyOfAPostTarget) {
  Options o;
  o.targets = {{.method = "POST",
                .url = upstream.url() + "/object/host/instance/_import",
                .body = R"([{"name": "web-1", "ip": "10.0.0.1"}])"}};
  o.concurrency = 1;
  o.reps = 1;
  o.headers = {{"Content-Type", "application/json"}};
  auto result = run(o);
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0].status, 200) << result.records[0].error;
  EXPECT_EQ(result.records[0].method, "POST");
}

}  // namespace
}  // namespace parity::siege
