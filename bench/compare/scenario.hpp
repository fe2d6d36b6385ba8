#pragma once
// What `parity compare` measures: a profile (users, time, upstream latency, client cap), the rows
// (an implementation's style on an endpoint), and each row's physical limit by Little's law:
// rate = requests in flight / latency, so whatever caps the requests in flight caps the rate.

#include "bench/compare/peers.hpp"
#include "bench/siege/stats.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parity::compare {

struct Profile {
  std::string name;
  unsigned concurrency = 100;
  std::chrono::milliseconds duration{3000};
  std::chrono::milliseconds latency{100};  // the upstream's, and /sleep's
  std::size_t max_clients = 10;            // the server's client cap (0: none)
  bool keep_alive = false;                 // the generator's connections
  std::string about;
};

// seed: the tutorials' conditions (siege -c100 -t3s, 100 ms upstream, Tornado's client capped at
// 10, a new connection per request as siege makes). unleashed: the cap lifted, keep-alive.
Profile seed_profile();
Profile unleashed_profile();
std::optional<Profile> find_profile(const std::string& name);

// The Tornado peer's server.py: the checkout's bench/peers/tornado/, or an install's copy.
std::string tornado_peer_script();

struct Settings {
  Profile profile = seed_profile();
  std::vector<std::string> styles{"sync", "callback", "future", "coroutine", "threadpool"};
  std::vector<std::string> endpoints{"fetch"};  // hello, fetch, sleep
  unsigned pool = 5;
  std::string tool = "parity";     // parity, siege or wrk
  std::vector<std::string> peers;  // of kPeers: tornado, go, rust, node, aiohttp
  std::optional<double> rate;      // --rate: an open loop at this many requests/sec per row
  std::string server_url;          // measure this server instead of starting one
  std::string upstream_url;        // use this upstream instead of starting one
  std::string report_dir;          // empty: no report
  std::string trace_dir;           // empty: no trace; else one per row of ours, STYLE-ENDPOINT.json
  std::string peer_script;         // bench/peers/tornado/server.py
};

// The most a row can do, and what sets it.
struct Limit {
  double rate = 0;       // requests/sec; 0 when no Little's-law limit applies (hello)
  std::string bound_by;  // "loop (1 in flight)", "pool (5)", "client cap (10)", "users (100)"
};

// implementation: "parity" or a peer; endpoint: "fetch" or "sleep" (hello has none: its
// limit is the floor, measured).
Limit littles_law_limit(const std::string& implementation, const std::string& style,
                        const std::string& endpoint, const Settings& settings);

struct Row {
  std::string implementation;  // parity, a peer (tornado, go, ...), floor
  std::string style;
  std::string endpoint;
  std::string url;
  siege::Summary summary;
  bool has_p99 = true;  // siege's summary has no percentiles
  Limit limit;
  double percent_of_limit = 0;          // 0: no limit
  double ratio_to_sync = 0;             // 0: no sync row to compare with
  std::vector<siege::Record> requests;  // each request, when the tool is parity
  std::string error;                    // the tool failed, or the peer cannot run; no figures
  bool skipped = false;                 // the peer cannot run here: `error` says why

  // "coroutine", "tornado/coroutine", "floor", "go".
  std::string label() const {
    return implementation == "parity" || implementation == style ? style
                                                                 : implementation + "/" + style;
  }
};

// The URL path of `endpoint` in `style`: /coroutine/fetch, or /coroutine/sleep?ms=LATENCY; a
// single-style peer's has no style (/fetch, /sleep?ms=LATENCY).
std::string path_of(const std::string& style, const std::string& endpoint,
                    std::chrono::milliseconds latency);

// Fills each row's limit, % of limit and ratio to its implementation's sync row. The hello rows'
// limit is the floor row's rate, when there is one.
void derive_figures(std::vector<Row>& rows, const Settings& settings);

}  // namespace parity::compare
