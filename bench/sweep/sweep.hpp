#pragma once
// `parity sweep`: how each style's cost grows with its users. For every style, endpoint and
// number of users, a fresh server (a child process, so its CPU time and memory are its own) gets
// the load; each point has its rate against Little's limit, its latency, the server's CPU time
// per request and its peak memory. Then, per async style, what one waiting request costs in
// memory: the server's growth with many requests asleep at once, over the same server idle.

#include "bench/compare/scenario.hpp"
#include "bench/siege/stats.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace parity::sweep {

struct Settings {
  std::vector<unsigned> users{1, 10, 100, 1000, 4000};
  // --rates: the points are these arrival rates (requests/sec, an open loop) instead, each on
  // users[0] connections, and the p99 counts from when each request was due.
  std::vector<double> rates;
  std::vector<std::string> styles{"sync", "callback", "future", "coroutine", "threadpool"};
  std::vector<std::string> endpoints{"fetch", "sleep"};
  std::vector<std::string> peers;            // of compare::kPeers
  std::chrono::milliseconds duration{3000};  // per point
  std::chrono::milliseconds latency{100};    // the upstream's, and /sleep's
  std::size_t max_clients = 0;               // the server's client cap (0: none)
  unsigned pool = 5;
  std::string tool = "parity";      // parity or wrk (both keep connections alive)
  unsigned memory_requests = 4000;  // asleep at once for the memory figure; 0: skip it
  std::string parity_path;          // the `parity` that serves (this one's own file)
  std::string peer_script;          // bench/peers/tornado/server.py
  std::string report_dir;           // empty: no report
};

// One style on one endpoint with one number of users.
struct Point {
  std::string implementation;  // parity, or a peer (tornado, go, rust, node, aiohttp)
  std::string style;
  std::string endpoint;
  unsigned users = 0;  // with --rates: the connections carrying them
  double rate = 0;     // the asked rate (--rates), or 0: a closed loop of `users`
  siege::Summary summary;
  bool has_p99 = true;
  compare::Limit limit;
  double percent_of_limit = 0;
  double cpu_seconds = 0;  // the server's, over the run
  double cpu_share = 0;    // cpu_seconds / the run's seconds: 1.0 is one core
  double cpu_us_per_request = 0;
  std::size_t peak_rss_bytes = 0;
  std::string unreachable;  // beyond this machine's limits (open files, ports): not run
  std::string error;        // run, but failed: no figures
  bool measured() const { return unreachable.empty() && error.empty(); }

  std::string label() const {
    return implementation == "parity" || implementation == style ? style
                                                                 : implementation + "/" + style;
  }
};

// What one request asleep on /{style}/sleep costs a server.
struct Memory {
  std::string implementation;
  std::string style;
  unsigned requests = 0;           // asleep at once when measured
  std::size_t idle_rss_bytes = 0;  // the same server, warmed up, with nothing in flight
  std::size_t loaded_rss_bytes = 0;
  double bytes_per_request = 0;
  std::string unreachable;
  std::string error;
  bool measured() const { return unreachable.empty() && error.empty(); }

  std::string label() const {
    return implementation == "parity" || implementation == style ? style
                                                                 : implementation + "/" + style;
  }
};

struct Result {
  std::vector<Point> points;
  std::vector<Memory> memory;
  std::size_t open_file_limit = 0;
  // The peers that cannot run here and why (compare::unavailable_peers): they have no points.
  std::vector<std::pair<std::string, std::string>> skipped_peers;
};

// The styles whose memory per waiting request means something: those that keep many requests
// waiting at once (sync keeps one; the pool keeps its threads' worth, the rest wait in its queue).
bool keeps_many_waiting(const std::string& style);

// With --rates: the connections at every point when --users was not given.
inline constexpr unsigned kRateConnections = 1000;

Result run_sweep(const Settings& settings, const std::function<void(const std::string&)>& progress);

std::string describe(const Settings& settings);
std::string format_table(const Result& result, const Settings& settings);

// True when something that could be run failed (an unreachable point is not a failure).
bool any_failed(const Result& result);

}  // namespace parity::sweep
