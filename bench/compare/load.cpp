#include "bench/compare/load.hpp"

#include "bench/compare/process.hpp"
#include "bench/siege/runner.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <cmath>
#include <regex>
#include <stdexcept>

namespace parity::compare {
namespace {

// External tools take whole seconds.
long whole_seconds(std::chrono::milliseconds duration) {
  return std::max<long>(1, std::lround(std::chrono::duration<double>(duration).count()));
}

// wrk's durations: 66.50us, 1.78ms, 2.01s, 1.00m.
double wrk_seconds(double number, const std::string& unit) {
  if (unit == "us") return number / 1e6;
  if (unit == "ms") return number / 1e3;
  if (unit == "m") return number * 60;
  return number;
}

}  // namespace

Measured parse_siege_output(const std::string& output) {
  auto open = output.find('{');
  auto close = output.rfind('}');
  if (open == std::string::npos || close == std::string::npos || close < open)
    throw std::runtime_error("siege printed no JSON summary: " + output.substr(0, 300));
  boost::system::error_code ec;
  auto value = boost::json::parse(output.substr(open, close - open + 1), ec);
  if (ec || !value.is_object())
    throw std::runtime_error("siege's summary is not JSON: " + output.substr(open, 300));
  auto& o = value.as_object();
  auto number = [&o](const char* key) {
    auto* found = o.if_contains(key);
    return found && found->is_number() ? found->to_number<double>() : 0.0;
  };
  Measured m;
  auto& s = m.summary;
  s.transactions = static_cast<std::uint64_t>(number("transactions"));
  s.availability = number("availability");
  s.elapsed = number("elapsed_time");
  s.data_mb = number("data_transferred");
  s.response_time = number("response_time");
  s.transaction_rate = number("transaction_rate");
  s.throughput_mb = number("throughput");
  s.concurrency = number("concurrency");
  s.successful = static_cast<std::uint64_t>(number("successful_transactions"));
  s.failed = static_cast<std::uint64_t>(number("failed_transactions"));
  s.longest = s.max = number("longest_transaction");
  s.shortest = number("shortest_transaction");
  m.has_p99 = false;
  return m;
}

Measured parse_wrk_output(const std::string& output) {
  Measured m;
  auto& s = m.summary;
  std::smatch match;
  const std::regex requests(R"((\d+) requests in ([\d.]+)(us|ms|s|m))");
  const std::regex rate(R"(Requests/sec:\s+([\d.]+))");
  auto no_summary = [&output] {
    return std::runtime_error("wrk printed no summary: " + output.substr(0, 300));
  };
  if (!std::regex_search(output, match, requests)) throw no_summary();
  s.transactions = std::stoull(match[1]);
  s.elapsed = wrk_seconds(std::stod(match[2]), match[3]);
  if (!std::regex_search(output, match, rate)) throw no_summary();
  s.transaction_rate = std::stod(match[1]);
  const std::regex latency(R"(Latency\s+([\d.]+)(us|ms|s|m)\s+[\d.]+\w+\s+([\d.]+)(us|ms|s|m))");
  if (std::regex_search(output, match, latency)) {
    s.response_time = wrk_seconds(std::stod(match[1]), match[2]);
    s.longest = s.max = wrk_seconds(std::stod(match[3]), match[4]);
  }
  auto percentile = [&output](const char* which) {
    std::smatch found;
    std::regex line(std::string(R"(\s)") + which + R"(%\s+([\d.]+)(us|ms|s|m))");
    return std::regex_search(output, found, line) ? wrk_seconds(std::stod(found[1]), found[2])
                                                  : 0.0;
  };
  s.p50 = percentile("50");
  s.p90 = percentile("90");
  s.p99 = percentile("99");
  m.has_p99 = s.p99 > 0;
  const std::regex non_2xx(R"(Non-2xx or 3xx responses:\s+(\d+))");
  std::uint64_t bad_status = std::regex_search(output, match, non_2xx) ? std::stoull(match[1]) : 0;
  s.successful = s.transactions - std::min(bad_status, s.transactions);
  const std::regex errors(
      R"(Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+))");
  if (std::regex_search(output, match, errors)) {
    for (int i = 1; i <= 4; ++i) s.failed += std::stoull(match[i]);
  }
  auto attempts = s.transactions + s.failed;
  s.availability = attempts ? 100.0 * static_cast<double>(s.transactions) / attempts : 0;
  s.concurrency = s.response_time * s.transaction_rate;  // Little's law, as siege defines it
  return m;
}

Measured measure(const std::string& tool, const Load& load) {
  if (tool == "parity") {
    siege::Options options;
    options.targets = {{.url = load.url}};
    options.concurrency = load.concurrency;
    options.time = load.duration;
    options.benchmark = true;
    options.keep_alive = load.keep_alive;
    auto result = siege::run(options);
    Measured m;
    m.summary = siege::summarize(result.records, result.elapsed);
    m.requests = std::move(result.records);
    return m;
  }
  if (tool != "siege" && tool != "wrk") throw std::runtime_error("unknown tool: " + tool);
  if (!program_exists(tool)) {
    throw std::runtime_error(tool +
                             " is not installed: PARITY_BENCH_DEPS=1 scripts/install-deps.sh");
  }
  auto seconds = whole_seconds(load.duration);
  auto concurrency = std::to_string(load.concurrency);
  if (tool == "siege") {
    auto finished = run_program({"siege", "-q", "-b", "-j", "-c", concurrency, "-t",
                                 fmt::format("{}S", seconds), load.url});
    return parse_siege_output(finished.output);
  }
  // wrk wants at least one connection per thread; one thread, as in bench/run.sh.
  auto finished = run_program(
      {"wrk", "-t1", "-c", concurrency, "-d", fmt::format("{}s", seconds), "--latency", load.url});
  if (finished.exit_code != 0) throw std::runtime_error("wrk failed: " + finished.output);
  return parse_wrk_output(finished.output);
}

}  // namespace parity::compare
