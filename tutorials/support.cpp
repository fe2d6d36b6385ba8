#include "tutorials/support.hpp"

#include "bench/siege/runner.hpp"
#include "common/http/client/client.hpp"
#include "tools/diff/style_diff.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <future>

namespace parity::tutorials {

namespace json = boost::json;

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
    timed.push_back(
        {body.at("started_at").to_number<double>(), body.at("finished_at").to_number<double>()});
  }
  std::sort(timed.begin(), timed.end(),
            [](const Timed& a, const Timed& b) { return a.started_at < b.started_at; });
  return timed;
}

double overlap_ms(const std::vector<Timed>& timed) {
  double latest_start = timed.front().started_at, earliest_finish = timed.front().finished_at;
  for (const auto& t : timed) {
    latest_start = std::max(latest_start, t.started_at);
    earliest_finish = std::min(earliest_finish, t.finished_at);
  }
  return earliest_finish - latest_start;
}

double total_ms(const std::vector<Timed>& timed) {
  double last = 0;
  for (const auto& t : timed) last = std::max(last, t.finished_at);
  return last - timed.front().started_at;
}

std::string timeline(const std::string& label, const std::vector<Timed>& timed) {
  std::string text = label + ":\n";
  double zero = timed.front().started_at;
  for (std::size_t i = 0; i < timed.size(); ++i) {
    text += fmt::format("  request {:>2}: started at {:6.0f} ms, finished at {:6.0f} ms\n", i + 1,
                        timed[i].started_at - zero, timed[i].finished_at - zero);
  }
  return text;
}

int finished_after(const std::vector<Timed>& timed, double ms) {
  int late = 0;
  for (const auto& t : timed)
    if (t.finished_at - timed.front().started_at >= ms) ++late;
  return late;
}

std::string style_diff(const std::string& endpoint, const std::string& a, const std::string& b,
                       int& removed, int& added) {
  auto sources = diff::find_style_sources(std::nullopt);
  auto diff = diff::unified_diff(diff::read_endpoint(sources, a, endpoint),
                                 diff::read_endpoint(sources, b, endpoint));
  removed = diff.removed;
  added = diff.added;
  return fmt::format("$ parity diff {} {} {}\n{}", endpoint, a, b, diff.text);
}

SiegeRun seed_siege(const std::string& url) {
  siege::Options options;
  options.targets = {{"GET", url, ""}};
  options.concurrency = 100;
  options.time = 3s;
  options.benchmark = true;
  options.keep_alive = false;
  auto run = siege::run(options);
  SiegeRun result;
  result.summary = siege::summarize(run.records, run.elapsed);
  result.text = fmt::format("$ parity siege {} -c100 -t3s --no-keepalive -b\n{}", url,
                            siege::format_summary(result.summary));
  return result;
}

}  // namespace parity::tutorials
