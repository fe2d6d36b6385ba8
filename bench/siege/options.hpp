#pragma once
// What `parity siege` is asked to do, with siege's meanings, and the command line that says it.
// The parsing lives here rather than in cli/ so that tests run the same parser.

#include <CLI/CLI.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace parity::siege {

// One line of a urls file, or one URL argument: `URL`, or `URL POST body` as siege writes it.
struct Target {
  std::string method = "GET";
  std::string url;
  std::string body;
};

struct Options {
  std::vector<Target> targets;
  unsigned concurrency = 25;                      // -c, siege's default
  std::optional<std::chrono::milliseconds> time;  // -t
  std::optional<unsigned> reps;                   // -r, requests per user
  bool benchmark = false;                         // -b: no delay between requests
  double delay_seconds = 0;                       // -d: random delay up to this, per request
  std::vector<std::pair<std::string, std::string>> headers;  // -H
  std::chrono::milliseconds timeout{30'000};                 // per request, siege's default
  bool keep_alive = true;     // --no-keepalive: a connection per request
  bool json = false;          // --json: the summary as siege's JSON
  bool verbose = false;       // -v: a line per request
  std::string log_file;       // --log: a CSV line per request
  bool allow_remote = false;  // targets off this machine
  // --rate: requests per second across all users, each due at start + k/rate (an open loop, as
  // wrk2's); -c is then the connections that carry them. Empty: siege's closed loop.
  std::optional<double> rate;
};

// The most --rate accepts: far above what one generator thread sends.
inline constexpr double kMaxRate = 1'000'000;

// Why `rate` cannot be a --rate (not above 0, NaN, above kMaxRate), or empty.
std::string rate_refusal(double rate);

// siege's -t: a number and a unit, S, M or H (either case); a bare number means minutes.
std::chrono::milliseconds parse_siege_time(const std::string& text);

// One line of a urls file: `URL`, `URL GET` or `URL POST body` (the body is the rest of the
// line). Blank lines and lines starting with # give nullopt. Throws std::invalid_argument.
std::optional<Target> parse_target_line(const std::string& line);

// Reads a urls file. Throws std::runtime_error naming the file and line.
std::vector<Target> read_targets_file(const std::string& path);

// Adds siege's options to `command`; finish_options() must run once it has parsed.
void add_options(CLI::App& command, Options& options, std::vector<std::string>& urls,
                 std::string& urls_file);

// Completes and checks what was parsed: targets from the arguments and the file, the stop rule
// (neither -t nor -r: -t 30S, so a run always stops by itself), and loopback-only targets unless
// allow_remote. Throws CLI::ValidationError with a message for the user.
void finish_options(Options& options, const std::vector<std::string>& urls,
                    const std::string& urls_file);

bool is_loopback_url(const std::string& url);

}  // namespace parity::siege
