#include "bench/compare/load.hpp"

#include "tools/process/process.hpp"
#include "bench/siege/runner.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace parity::compare {
namespace {

// External tools take whole seconds.
long whole_seconds(std::chrono::milliseconds duration) {
  return std::max<long>(1, std::lround(std::chrono::duration<double>(duration).count()));
}

// wrk's durations: 66.50us, 1.78ms, 2.01s (a trailing comma allowed), 1.00m.
double wrk_duration(const std::string& text) {
  std::size_t used = 0;
  double number = std::stod(text, &used);
  std::string unit = text.substr(used);
  if (!unit.empty() && unit.back() == ',') unit.pop_back();
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
  // Read line by line, as words: wrk's layout is fixed, and this avoids std::regex (which GCC 12
  // warns about under the sanitizers).
  Measured m;
  auto& s = m.summary;
  bool have_count = false, have_rate = false;
  std::uint64_t bad_status = 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    if (w.empty()) continue;
    if (w.size() >= 4 && w[1] == "requests" && w[2] == "in") {  // 30643 requests in 1.10s, ...
      s.transactions = std::stoull(w[0]);
      s.elapsed = wrk_duration(w[3]);
      have_count = true;
    } else if (w[0] == "Requests/sec:" && w.size() >= 2) {
      s.transaction_rate = std::stod(w[1]);
      have_rate = true;
    } else if (w[0] == "Latency" && w.size() >= 4 && w[1] != "Distribution") {
      s.response_time = wrk_duration(w[1]);  // Latency  avg  stdev  max  +/-
      s.longest = s.max = wrk_duration(w[3]);
    } else if (w.size() == 2 && w[0] == "50%") {
      s.p50 = wrk_duration(w[1]);
    } else if (w.size() == 2 && w[0] == "90%") {
      s.p90 = wrk_duration(w[1]);
    } else if (w.size() == 2 && w[0] == "99%") {
      s.p99 = wrk_duration(w[1]);
    } else if (line.find("Non-2xx or 3xx responses:") != std::string::npos) {
      bad_status = std::stoull(w.back());
    } else if (w[0] == "Socket" && w.size() == 10) {  // connect 0, read 2, write 0, timeout 1
      for (std::size_t i : {3, 5, 7, 9}) s.failed += std::stoull(w[i]);
    }
  }
  if (!have_count || !have_rate)
    throw std::runtime_error("wrk printed no summary: " + output.substr(0, 300));
  m.has_p99 = s.p99 > 0;
  s.successful = s.transactions - std::min(bad_status, s.transactions);
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
    options.rate = load.rate;
    auto result = siege::run(options);
    Measured m;
    m.summary = siege::summarize(result.records, result.elapsed, load.rate, result.unfinished);
    m.requests = std::move(result.records);
    return m;
  }
  if (tool != "siege" && tool != "wrk") throw std::runtime_error("unknown tool: " + tool);
  if (load.rate)
    throw std::runtime_error(tool + " has no open loop: a --rate needs --tool parity");
  if (!program_exists(tool)) {
    throw std::runtime_error(tool +
                             " is not installed: PARITY_BENCH_DEPS=1 scripts/install-deps.sh");
  }
  auto seconds = whole_seconds(load.duration);
  auto concurrency = std::to_string(load.concurrency);
  // Time for a tool to start, finish its run and print, beyond the run itself.
  const auto grace = std::chrono::seconds(30);
  const auto time_limit = load.duration + grace;
  if (tool == "siege") {
    // siege 4.0 sometimes never exits after a timed run (JoeDog/siege#4), having printed its
    // summary: killed at the time limit, that summary still counts.
    auto finished = run_program(
        {"siege", "-q", "-b", "-j", "-c", concurrency, "-t", fmt::format("{}S", seconds), load.url},
        time_limit);
    if (finished.timed_out && finished.output.find('}') == std::string::npos) {
      throw std::runtime_error(fmt::format(
          "siege was still running {} s after its run should have ended, with no summary: killed",
          grace.count()));
    }
    return parse_siege_output(finished.output);
  }
  // wrk wants at least one connection per thread; one thread, as in bench/run.sh.
  auto finished = run_program(
      {"wrk", "-t1", "-c", concurrency, "-d", fmt::format("{}s", seconds), "--latency", load.url},
      time_limit);
  if (finished.exit_code != 0) throw std::runtime_error("wrk failed: " + finished.output);
  return parse_wrk_output(finished.output);
}

}  // namespace parity::compare
