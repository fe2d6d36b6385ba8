#include "bench/siege/options.hpp"

#include <fmt/format.h>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace parity::siege {
namespace {

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool is_http_url(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  return parsed && parsed->scheme() == "http" && !parsed->host().empty();
}

}  // namespace

std::chrono::milliseconds parse_siege_time(const std::string& text) {
  std::size_t used = 0;
  double number = 0;
  try {
    number = std::stod(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("expected a number and S, M or H, e.g. 3S or 1M: " + text);
  }
  std::string unit = trim(text.substr(used));
  double seconds_per_unit = 60;  // siege: a bare number is minutes
  if (unit == "s" || unit == "S") {
    seconds_per_unit = 1;
  } else if (unit == "h" || unit == "H") {
    seconds_per_unit = 3600;
  } else if (!unit.empty() && unit != "m" && unit != "M") {
    throw std::invalid_argument("expected a number and S, M or H, e.g. 3S or 1M: " + text);
  }
  if (!(number > 0) || !std::isfinite(number))
    throw std::invalid_argument("the time must be more than zero: " + text);
  return std::chrono::milliseconds(std::llround(number * seconds_per_unit * 1000));
}

std::optional<Target> parse_target_line(const std::string& line) {
  std::string text = trim(line);
  if (text.empty() || text.front() == '#') return std::nullopt;
  std::istringstream words(text);
  Target target;
  std::string method;
  words >> target.url >> method;
  if (!is_http_url(target.url)) throw std::invalid_argument("not an http:// URL: " + target.url);
  if (method.empty() || method == "GET") return target;
  if (method != "POST" && method != "PUT")
    throw std::invalid_argument("expected GET, POST or PUT after the URL, got: " + method);
  target.method = method;
  std::getline(words, target.body);
  target.body = trim(target.body);
  if (target.body.starts_with("<"))
    throw std::invalid_argument("bodies read from a file (`< file`) are not supported");
  return target;
}

std::vector<Target> read_targets_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<Target> targets;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    try {
      if (auto target = parse_target_line(line)) targets.push_back(std::move(*target));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": " + e.what());
    }
  }
  if (targets.empty()) throw std::runtime_error(path + ": no URL in it");
  return targets;
}

bool is_loopback_url(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return false;
  std::string host = parsed->host();
  if (host == "localhost") return true;
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  boost::system::error_code ec;
  auto address = boost::asio::ip::make_address(host, ec);
  return !ec && address.is_loopback();
}

void add_options(CLI::App& command, Options& o, std::vector<std::string>& urls,
                 std::string& urls_file) {
  command.add_option("URL", urls, "URLs to hit; a URL followed by POST and a body posts it")
      ->type_name("URL");
  command.add_option("-f,--file", urls_file, "Read URLs from FILE, one per line (URL [POST body])")
      ->check(CLI::ExistingFile)
      ->type_name("FILE");
  command.add_option("-c,--concurrent", o.concurrency, "Concurrent users")
      ->check(CLI::Range(1u, 100'000u))
      ->capture_default_str();
  command
      .add_option_function<std::string>(
          "-t,--time", [&o](const std::string& text) { o.time = parse_siege_time(text); },
          "How long to run: NUM with S, M or H (a bare NUM is minutes, as in siege)")
      ->type_name("NUM[SMH]")
      ->check([](const std::string& text) -> std::string {
        try {
          parse_siege_time(text);
          return {};
        } catch (const std::exception& e) {
          return e.what();
        }
      });
  command
      .add_option_function<unsigned>(
          "-r,--reps", [&o](unsigned reps) { o.reps = reps; }, "Requests per user, then stop")
      ->check(CLI::Range(1u, 1'000'000u))
      ->excludes("-t");
  command.add_flag("-b,--benchmark", o.benchmark, "No delay between a user's requests");
  command
      .add_option("-d,--delay", o.delay_seconds,
                  "A random delay of up to this many seconds before each request (not with -b)")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  command
      .add_option_function<std::vector<std::string>>(
          "-H,--header",
          [&o](const std::vector<std::string>& lines) {
            for (const auto& line : lines) {
              auto colon = line.find(':');
              o.headers.emplace_back(trim(line.substr(0, colon)), trim(line.substr(colon + 1)));
            }
          },
          "Add a header to every request: 'Name: value' (repeatable)")
      ->allow_extra_args(false)
      ->check([](const std::string& line) -> std::string {
        auto colon = line.find(':');
        if (colon == std::string::npos || trim(line.substr(0, colon)).empty())
          return "expected 'Name: value', got: " + line;
        return {};
      });
  command
      .add_option_function<double>(
          "--timeout",
          [&o](double seconds) {
            o.timeout = std::chrono::milliseconds(std::llround(seconds * 1000));
          },
          "Seconds a request may take before it counts as failed")
      ->check(CLI::Range(0.001, 3600.0))
      ->default_str("30");
  command.add_flag_callback(
      "--no-keepalive", [&o] { o.keep_alive = false; },
      "A new connection per request (siege's default; ours is keep-alive)");
  command.add_option(
      "--rate", o.rate,
      "Requests per second across all users, at a constant arrival rate (an open loop): each "
      "request's latency counts from when it was due, as wrk2's; -c connections carry them");
  command.add_flag("-j,--json", o.json, "Print the summary as siege's JSON (plus percentiles)");
  command.add_flag("-v,--verbose", o.verbose, "Print a line per request, as siege -v does");
  command
      .add_option("--log", o.log_file,
                  "Write one CSV line per request (start, end, status, bytes) to FILE")
      ->type_name("FILE");
  command.add_flag("--allow-remote", o.allow_remote,
                   "Allow targets that are not this machine (by default only loopback)");
}

std::string rate_refusal(double rate) {
  if (!(rate > 0))  // NaN too
    return fmt::format("must be more than 0 requests per second, got {}", rate);
  if (rate > kMaxRate)
    return fmt::format("at most {:.0f} requests per second, got {}", kMaxRate, rate);
  return {};
}

void finish_options(Options& o, const std::vector<std::string>& urls,
                    const std::string& urls_file) {
  o.targets.clear();
  // Arguments come as words: URL, or URL POST body.
  for (std::size_t i = 0; i < urls.size(); ++i) {
    std::string line = urls[i];
    if (i + 2 < urls.size() && (urls[i + 1] == "POST" || urls[i + 1] == "PUT")) {
      line += " " + urls[i + 1] + " " + urls[i + 2];
      i += 2;
    } else if (i + 1 < urls.size() && urls[i + 1] == "GET") {
      i += 1;
    }
    try {
      auto target = parse_target_line(line);
      if (!target) throw std::invalid_argument("not an http:// URL: " + line);
      o.targets.push_back(std::move(*target));
    } catch (const std::exception& e) {
      throw CLI::ValidationError("URL", e.what());
    }
  }
  if (!urls_file.empty()) {
    try {
      for (auto& target : read_targets_file(urls_file)) o.targets.push_back(std::move(target));
    } catch (const std::exception& e) {
      throw CLI::ValidationError("--file", e.what());
    }
  }
  if (o.targets.empty()) throw CLI::ValidationError("URL", "give a URL or -f FILE");
  if (o.rate) {
    if (auto refusal = rate_refusal(*o.rate); !refusal.empty())
      throw CLI::ValidationError("--rate", refusal);
    if (o.reps)
      throw CLI::ValidationError("--rate", "runs for a time (-t); -r counts a user's requests, "
                                           "which the schedule decides: give -t instead");
    if (o.delay_seconds > 0 && !o.benchmark)
      throw CLI::ValidationError("--rate", "schedules every request; -d pauses users: give one");
  }
  if (!o.time && !o.reps) o.time = std::chrono::seconds(30);
  if (o.benchmark) o.delay_seconds = 0;
  if (!o.allow_remote) {
    for (const auto& target : o.targets) {
      if (!is_loopback_url(target.url)) {
        throw CLI::ValidationError(
            "URL", target.url + " is not on this machine; add --allow-remote to load it anyway");
      }
    }
  }
}

}  // namespace parity::siege
